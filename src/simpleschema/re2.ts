/**
 * Validity check for `pattern=` markers, which kro compiles with Go's `regexp` (RE2 syntax,
 * kro-contract §3.4).
 *
 * Approximation: the pattern is scanned once. Constructs RE2 handles differently from JavaScript are
 * decided here with Go's error texts: lookaround `(?=` `(?!` `(?<=` `(?<!`, backreferences `\1`–`\9`
 * and `\k<…>`, unknown escapes, bad flag groups, named groups, repeat counts above 1000, POSIX classes.
 * Everything else is translated to an equivalent JavaScript pattern (RE2-only syntax such as `(?i)`,
 * `(?P<n>…)`, `\A`, `\z`, `\Q…\E`, `\pL`, `[[:alpha:]]`, literal `{`/`]`) and compiled with
 * `new RegExp(…, 'u')`; a JavaScript syntax error is reported with JavaScript's description, so for
 * those cases (unbalanced parentheses, nothing to repeat, bad ranges, unknown property names) only
 * the verdict, not the wording, matches Go. Not checked: RE2's program size and nesting limits.
 */

const POSIX_CLASSES = new Set([
  'alnum',
  'alpha',
  'ascii',
  'blank',
  'cntrl',
  'digit',
  'graph',
  'lower',
  'print',
  'punct',
  'space',
  'upper',
  'word',
  'xdigit',
]);

/** Escapes that stand for a set of characters (JavaScript rejects them as range ends). */
const CLASS_ESCAPES = 'dDsSwWpP';

class Re2Error extends Error {}

function fail(code: string, expr: string): never {
  throw new Re2Error(`error parsing regexp: ${code}: \`${expr}\``);
}

/**
 * Returns `undefined` when Go's `regexp.Compile` would accept `pattern`, else the text Go's error
 * prints (`error parsing regexp: invalid or unsupported Perl syntax: \`(?=\``), or for errors only
 * JavaScript detects, `error parsing regexp: <JavaScript's description>`.
 */
export function re2Error(pattern: string): string | undefined {
  let js: string;
  try {
    js = translate(pattern);
  } catch (e) {
    if (e instanceof Re2Error) return e.message;
    throw e;
  }
  try {
    new RegExp(js, 'u');
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const idx = msg.lastIndexOf(': ');
    return `error parsing regexp: ${idx >= 0 ? msg.slice(idx + 2) : msg}`;
  }
}

function cp(ch: string): string {
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

function translate(p: string): string {
  const chars = [...p];
  let out = '';
  let inClass = false;
  let classStart = false;
  let prevClassEscape = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (inClass) {
      const afterClassEscape = prevClassEscape;
      prevClassEscape = false;
      if (c === ']' && !classStart) {
        inClass = false;
        out += ']';
        continue;
      }
      classStart = false;
      if (c === ']') out += '\\]';
      else if (c === '[' && chars[i + 1] === ':') {
        const m = /^\[:\^?(.*?):\]/su.exec(chars.slice(i).join(''));
        if (!m) {
          out += '\\[';
        } else {
          if (!POSIX_CLASSES.has(m[1]!)) fail('invalid character class range', m[0]);
          out += '\\w';
          prevClassEscape = true;
          i += [...m[0]].length - 1;
        }
      } else if (c === '\\') {
        prevClassEscape = CLASS_ESCAPES.includes(chars[i + 1] ?? '');
        i = escape(chars, i, true, (s) => (out += s));
      } else if (c === '-' && afterClassEscape) out += '\\-';
      else out += c === '[' ? '\\[' : c;
      continue;
    }
    switch (c) {
      case '\\':
        i = escape(chars, i, false, (s) => (out += s));
        break;
      case '[':
        inClass = true;
        classStart = true;
        out += '[';
        if (chars[i + 1] === '^') {
          out += '^';
          i++;
        }
        break;
      case ']':
        out += '\\]';
        break;
      case '}':
        out += '\\}';
        break;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i).join(''));
        if (
          !m ||
          (m[1]!.length > 1 && m[1]!.startsWith('0')) ||
          (m[3] && m[3].length > 1 && m[3].startsWith('0'))
        ) {
          out += '\\{';
          break;
        }
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
        if (min > 1000 || max > 1000 || (max >= 0 && min > max)) fail('invalid repeat count', m[0]);
        out += m[0];
        i += m[0].length - 1;
        break;
      }
      case '(':
        i = group(chars, i, (s) => (out += s));
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** Handles `(` at chars[i]; returns the index of the last consumed character. */
function group(chars: string[], i: number, emit: (s: string) => void): number {
  if (chars[i + 1] !== '?') {
    emit('(');
    return i;
  }
  const rest = chars.slice(i).join('');
  const named = /^\(\?P?</.exec(rest);
  if (named && rest.length > named[0].length) {
    const end = rest.indexOf('>');
    if (end < 0) fail('invalid named capture', rest);
    const capture = rest.slice(0, end + 1);
    if (!/^[A-Za-z0-9_]+$/.test(rest.slice(named[0].length, end))) fail('invalid named capture', capture);
    emit('(');
    return i + [...capture].length - 1;
  }
  // Flag group: (?flags) or (?flags:...
  let j = i + 2;
  let sawFlag = false;
  let negated = false;
  for (; j < chars.length; j++) {
    const f = chars[j]!;
    if ('imsU'.includes(f)) {
      sawFlag = true;
    } else if (f === '-' && !negated) {
      negated = true;
      sawFlag = false;
    } else if (f === ':' || f === ')') {
      if (negated && !sawFlag) break;
      emit(f === ':' ? '(?:' : '(?:)');
      return j;
    } else {
      break;
    }
  }
  return fail('invalid or unsupported Perl syntax', chars.slice(i, Math.min(j + 1, chars.length)).join(''));
}

/** Handles `\` at chars[i]; returns the index of the last consumed character. */
function escape(chars: string[], i: number, inClass: boolean, emit: (s: string) => void): number {
  const c = chars[i + 1];
  if (c === undefined) return fail('trailing backslash at end of expression', '');
  if (/[0-7]/.test(c)) {
    // Octal: \0, \0NN; \1-\7 only when followed by another octal digit (else a backreference).
    if (c !== '0' && !/[0-7]/.test(chars[i + 2] ?? '')) fail('invalid escape sequence', `\\${c}`);
    let j = i + 1;
    let digits = '';
    while (j < chars.length && digits.length < 3 && /[0-7]/.test(chars[j]!)) digits += chars[j++]!;
    emit(`\\u{${parseInt(digits, 8).toString(16)}}`);
    return j - 1;
  }
  if (c === 'x') {
    const rest = chars.slice(i).join('');
    const m = /^\\x(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(rest);
    const hex = m?.[1] ?? m?.[2];
    if (!m || hex === undefined || parseInt(hex, 16) > 0x10ffff)
      fail('invalid escape sequence', rest.slice(0, 3));
    emit(`\\u{${parseInt(hex, 16).toString(16)}}`);
    return i + m[0].length - 1;
  }
  if (c === 'p' || c === 'P') {
    const rest = chars.slice(i).join('');
    const m = /^\\[pP](?:\{(\^?)([^}]*)\}|(.))/u.exec(rest);
    if (!m) fail('invalid character class range', rest);
    const negate = (m[1] === '^') !== (c === 'P');
    const name = m[2] ?? m[3]!;
    const p = negate ? 'P' : 'p';
    if (name === 'Any') emit(negate ? (inClass ? '' : '[^\\s\\S]') : inClass ? '\\s\\S' : '[\\s\\S]');
    else emit(/^[A-Z][a-z]?$/.test(name) ? `\\${p}{${name}}` : `\\${p}{Script=${name}}`);
    return i + [...m[0]].length - 1;
  }
  if ('dDsSwW'.includes(c) || 'fnrtv'.includes(c)) emit(`\\${c}`);
  else if (c === 'a') emit('\\x07');
  else if (!inClass && (c === 'b' || c === 'B')) emit(`\\${c}`);
  else if (!inClass && c === 'A') emit('^');
  else if (!inClass && c === 'z') emit('$');
  else if (!inClass && c === 'C') emit('[\\s\\S]');
  else if (!inClass && c === 'Q') {
    let j = i + 2;
    while (j < chars.length && !(chars[j] === '\\' && chars[j + 1] === 'E')) emit(cp(chars[j++]!));
    return j < chars.length ? j + 1 : j - 1;
  } else if (c.codePointAt(0)! < 0x80 && !/[0-9A-Za-z]/.test(c)) emit(cp(c));
  else fail('invalid escape sequence', `\\${c}`);
  return i + 1;
}
