/**
 * Diagnostics are data: every check in kro-guard reports its findings as a list of
 * {@link Diagnostic} values, never by throwing. Callers decide how to render them
 * (AdmissionReview status message, warnings, CLI text or JSON).
 */

/** How bad a finding is. `error` rejects the object; `warning` is shown but admits it. */
export type Severity = 'error' | 'warning';

/**
 * One finding of a check.
 *
 * - `code`: a stable identifier, `<area>/<name>` in kebab case (for example
 *   `simpleschema/unknown-type`, `graph/cycle`). Tests and users match on it.
 * - `path`: the field path inside the checked object, in kubectl's notation:
 *   `spec.resources[2].readyWhen[0]`; keys that are empty or contain `.` `[` `]` `"` are written
 *   `["a.b"]` (see {@link formatPath}). An empty string means the object as a whole.
 * - `message`: human text; where kro reports the same problem, kro's own text (kro-contract §2-§5).
 * - `resourceId`: the `spec.resources[].id` the finding belongs to, when there is one.
 */
export interface Diagnostic {
  severity: Severity;
  code: string;
  path: string;
  message: string;
  resourceId?: string;
}

/** One segment of a field path: an object key or an array index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[^.[\]"]+$/;

/**
 * Formats path segments in kubectl's notation: `['spec', 'resources', 2, 'id']` gives
 * `spec.resources[2].id`; a key that is empty or contains `.`, `[`, `]` or `"` is written as a JSON
 * string in brackets (`metadata.labels["app.kubernetes.io/name"]`).
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Parses a path written by {@link formatPath} back into segments. Inverse of formatPath for every
 * path it produces.
 *
 * @throws Error when the text is not a path formatPath could have written.
 */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '[') {
      if (path[i + 1] === '"') {
        // JSON string key: find the closing quote that is not escaped.
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        if (path[j + 1] !== ']') throw new Error(`malformed path ${JSON.stringify(path)}`);
        out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        i = j + 2;
      } else {
        const j = path.indexOf(']', i);
        const n = Number(path.slice(i + 1, j));
        if (j < 0 || !Number.isInteger(n)) throw new Error(`malformed path ${JSON.stringify(path)}`);
        out.push(n);
        i = j + 1;
      }
    } else {
      if (c === '.') i++;
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      if (j === i) throw new Error(`malformed path ${JSON.stringify(path)}`);
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

function compareSegments(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The deterministic order of diagnostics: by path (array indices numerically, keys by code
 * unit), then errors before warnings, then code, then message. Returns a new array.
 */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  const keyed = diags.map((d) => ({ d, segs: safeParse(d.path) }));
  keyed.sort(
    (p, q) =>
      compareSegments(p.segs, q.segs) ||
      (p.d.severity === q.d.severity ? 0 : p.d.severity === 'error' ? -1 : 1) ||
      cmp(p.d.code, q.d.code) ||
      cmp(p.d.message, q.d.message),
  );
  // Identical findings reached through two routes are reported once.
  const out: Diagnostic[] = [];
  for (const { d } of keyed) {
    const last = out.at(-1);
    if (last && last.path === d.path && last.code === d.code && last.message === d.message) continue;
    out.push(d);
  }
  return out;
}

function safeParse(path: string): PathSegment[] {
  try {
    return parsePath(path);
  } catch {
    return [path];
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when any diagnostic is an error. */
export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Shorthand constructor for an error diagnostic. */
export function error(code: string, path: string, message: string, resourceId?: string): Diagnostic {
  return resourceId === undefined
    ? { severity: 'error', code, path, message }
    : { severity: 'error', code, path, message, resourceId };
}

/** Shorthand constructor for a warning diagnostic. */
export function warning(code: string, path: string, message: string, resourceId?: string): Diagnostic {
  return resourceId === undefined
    ? { severity: 'warning', code, path, message }
    : { severity: 'warning', code, path, message, resourceId };
}
