// Bodies that are not JSON: form-encoded parameters (Twilio) as the object of strings their
// schema is written over, and back. One place, so send, validate and listen agree.
//
// Reading is one pass over the text with no regular expression over the whole body: a regex
// with a repeated group keeps a backtrack entry per pair, and V8 gives up ("Maximum call stack
// size exceeded") on a few megabytes of pairs, well under listen's 10 MB --max-body.

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export type FormParams = Record<string, string | string[]>;

/** The wire text of a body: compact JSON, or form parameters (each value as a string). */
export function encodeBody(body: unknown, format: 'json' | 'form' = 'json'): string {
  if (format === 'json') return JSON.stringify(body);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return params.toString();
}

/**
 * A text read as a form body: its parameters, or the first thing wrong with it and its offset in
 * the text. Undefined when the text does not look like a form body at all (JSON, XML, free text):
 * it must start, after blanks, with `name=`.
 */
export type FormRead = { ok: true; params: FormParams } | { ok: false; message: string; offset: number };

const AMP = 0x26;
const EQ = 0x3d;
const PCT = 0x25;
const PLUS = 0x2b;

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** Spaces and control characters are never raw in a form body: encoders write them %XX (or + for a space). */
const isRaw = (c: number) => c > 0x20 && c !== 0x7f;
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * Read `text` as `name=value&name=value…`: names non-empty, every pair with its `=`, `%` always
 * followed by two hex digits, the decoded bytes UTF-8, no raw spaces or control characters; one
 * trailing `&` and surrounding blank lines are tolerated (a saved file ends with a newline).
 * A name given several times maps to the list of its values, in order.
 */
export function readForm(text: string): FormRead | undefined {
  let start = 0;
  let end = text.length;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (!looksLikeForm(text, start, end)) return undefined;
  if (text.charCodeAt(end - 1) === AMP) end--;
  const params: FormParams = {};
  for (let at = start; at <= end; ) {
    let amp = text.indexOf('&', at);
    if (amp === -1 || amp > end) amp = end;
    const eq = text.indexOf('=', at);
    if (eq === -1 || eq >= amp) return { ok: false, message: amp === at ? 'an empty parameter (&&)' : `parameter ${quoteSlice(text, at, amp)} has no "="`, offset: at };
    if (eq === at) return { ok: false, message: 'a parameter with an empty name', offset: at };
    const name = decodePart(text, at, eq);
    if (typeof name !== 'string') return name;
    const value = decodePart(text, eq + 1, amp);
    if (typeof value !== 'string') return value;
    add(params, name, value);
    at = amp + 1;
  }
  return { ok: true, params };
}

/** The parameters of a form body, or undefined when the text is not one. */
export function decodeForm(text: string): FormParams | undefined {
  const read = readForm(text);
  return read?.ok ? read.params : undefined;
}

/** A first pair `name=` with a plain name: what tells a form body from JSON, XML or prose. */
function looksLikeForm(text: string, start: number, end: number): boolean {
  if (start >= end) return false;
  const first = text.charCodeAt(start);
  // { [ " < open JSON and XML.
  if (first === 0x7b || first === 0x5b || first === 0x22 || first === 0x3c || first === EQ) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === EQ) return true;
    if (c === AMP || !isRaw(c)) return false;
  }
  return false;
}

/** One name or value, percent-decoded (+ is a space), or the problem with it. */
function decodePart(text: string, from: number, to: number): string | { ok: false; message: string; offset: number } {
  let escaped = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!isRaw(c)) return { ok: false, message: `${c === 0x20 ? 'a raw space' : `a raw control character (U+${c.toString(16).padStart(4, '0').toUpperCase()})`}: spaces are written + or %20 in a form body`, offset: i };
    if (c === PCT) {
      if (i + 2 >= to || !isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) {
        return { ok: false, message: `a malformed percent-escape ${quoteSlice(text, i, Math.min(i + 3, to))}: % must be followed by two hex digits`, offset: i };
      }
      escaped = true;
      i += 2;
    } else if (c === PLUS) {
      escaped = true;
    }
  }
  const raw = text.slice(from, to);
  if (!escaped) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return { ok: false, message: `percent-escapes that are not UTF-8 in ${quoteSlice(text, from, to)}`, offset: from };
  }
}

function add(params: FormParams, name: string, value: string): void {
  const prior = Object.hasOwn(params, name) ? params[name] : undefined;
  if (prior === undefined) {
    // An own property even for `__proto__`, as JSON.parse makes it.
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  } else if (Array.isArray(prior)) {
    prior.push(value);
  } else {
    params[name] = [prior, value];
  }
}

const quoteSlice = (text: string, from: number, to: number) => JSON.stringify(to - from > 40 ? `${text.slice(from, from + 40)}…` : text.slice(from, to));

/**
 * Where each of `names` first appears as a parameter (the offset of its `name=`), for placing
 * issues. One pass; names are compared decoded.
 */
export function formOffsets(text: string, names: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < text.length && isBlank(text.charCodeAt(at))) at++;
  while (at < text.length && out.size < names.size) {
    let amp = text.indexOf('&', at);
    if (amp === -1) amp = text.length;
    const eq = text.indexOf('=', at);
    if (eq !== -1 && eq < amp) {
      const name = decodePart(text, at, eq);
      if (typeof name === 'string' && names.has(name) && !out.has(name)) out.set(name, at);
    }
    at = amp + 1;
  }
  return out;
}
