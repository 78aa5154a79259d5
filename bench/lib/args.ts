/** Command-line options of `npm run bench`. */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** What one benchmark run does. */
export interface BenchOptions {
  /** Seconds of the measured run, per target. */
  durationS: number;
  /** Seconds of the discarded warm-up run before each measured run. */
  warmupS: number;
  /** Concurrent keep-alive connections of the load generator. */
  connections: number;
  /** Print one JSON document on stdout instead of the table. */
  json: boolean;
  /** Directory searched (recursively) for the largest RGD. */
  corpus: string;
}

/** Default corpus: the kro v0.9.3 examples next to the repository. */
export const DEFAULT_CORPUS = fileURLToPath(
  new URL('../../../shared/corpus/kro-v0.9.3-examples', import.meta.url),
);

/** Usage text printed by `--help`. */
export const USAGE = `usage: npm run bench -- [--duration S] [--warmup S] [--connections N] [--corpus DIR] [--json]

  --duration S      measured seconds per target (default 10)
  --warmup S        warm-up seconds per target, not measured (default 3)
  --connections N   concurrent connections, pipelining 1 (default 10)
  --corpus DIR      where to look for the largest RGD (default ../shared/corpus/kro-v0.9.3-examples)
  --json            print the results as JSON on stdout (progress still goes to stderr)
`;

/**
 * `raw` (a flag's text) as an integer >= `min`, or `fallback` when the flag was not given.
 *
 * @throws Error naming `flag` when `raw` is not a decimal integer >= `min`.
 */
export function positiveInt(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = /^[0-9]+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new Error(`invalid ${flag} ${JSON.stringify(raw)}: must be an integer >= ${min}`);
  }
  return n;
}

/**
 * Parses `argv` (without the node and script paths). Returns `'help'` when `--help` was given.
 *
 * @throws Error naming the flag when a value is not an integer in range or a flag is unknown.
 */
/** The flags of the closed-loop load every bench shares (parseArgs option declarations). */
export const LOAD_ARG_OPTIONS = {
  duration: { type: 'string' },
  warmup: { type: 'string' },
  connections: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The closed-loop settings from the parsed {@link LOAD_ARG_OPTIONS} values, with their defaults. */
export function loadArgs(values: {
  duration?: string;
  warmup?: string;
  connections?: string;
  json: boolean;
}): {
  durationS: number;
  warmupS: number;
  connections: number;
  json: boolean;
} {
  return {
    durationS: positiveInt('--duration', values.duration, 10, 1),
    warmupS: positiveInt('--warmup', values.warmup, 3, 0),
    connections: positiveInt('--connections', values.connections, 10, 1),
    json: values.json,
  };
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { ...LOAD_ARG_OPTIONS, corpus: { type: 'string' } },
  });
  if (values.help) return 'help';
  return { ...loadArgs(values), corpus: values.corpus ?? DEFAULT_CORPUS };
}
