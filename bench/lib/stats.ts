/** Small numeric helpers for latency samples. */

/** A growable list of float samples (milliseconds) kept in a typed array, cheap to append to. */
export class Samples {
  private data = new Float64Array(1 << 16);
  private size = 0;

  /** Appends one sample. */
  add(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  /** Number of samples. */
  get count(): number {
    return this.size;
  }

  /** A sorted copy of the samples. */
  sorted(): Float64Array {
    return this.data.slice(0, this.size).sort();
  }
}

/**
 * The nearest-rank `p`-th percentile (0 < p <= 100) of ascending `sorted`; NaN when it is empty.
 */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
