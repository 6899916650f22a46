// --redact: what listen keeps and shows (the log, the feed, --json) without the personal parts
// of a request: phone numbers, email addresses, the free text the vendor catalog marks as
// personal (transcripts, call summaries: `EventDefinition.personal`) and paths the user names.
// Verdicts are made on the bytes received first; a redacted record says so (`redacted: true`),
// since its body is no longer those bytes. Every scan here is linear in its input.
import { decodeForm, encodeBody } from '../json/body-format.js';
import { isObject, parsePath, type PathSegment } from '../json/values.js';

export const REDACTED = '[redacted]';

export interface RedactOptions {
  /** Paths whose values are replaced whole: `data.transcript`, `turns[*].text`, `metadata.*`. */
  paths: readonly string[];
}

/** A path with wildcards: `*` for any key of an object, `[*]` for any item of an array. */
type Pattern = (PathSegment | typeof ANY)[];
const ANY = Symbol('any');

export function compilePatterns(paths: readonly string[]): Pattern[] {
  const wild = '["\\u0000*"]';
  return paths.map((path) => parsePath(path.replace(/\[\*\]/g, wild).replace(/(^|\.)\*(?=\.|\[|$)/g, `$1${wild}`)).map((seg) => (seg === '\u0000*' ? ANY : seg)));
}

/**
 * A body redacted: JSON has the values at `patterns` replaced and phone numbers and emails
 * masked in every string (re-serialised compactly); a form body the same, over its decoded
 * parameters (re-encoded), since a phone number there is `%2B1555…`, which text masking cannot
 * see; other text is masked as text.
 */
export function redactBody(text: string, patterns: readonly Pattern[]): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const params = decodeForm(text);
    if (!params) return redactText(text);
    for (const pattern of patterns) blank(params, pattern, 0);
    return encodeBody(maskStrings(params), 'form');
  }
  for (const pattern of patterns) blank(value, pattern, 0);
  try {
    return JSON.stringify(maskStrings(value));
  } catch {
    // Nested too deeply for JSON.stringify (no vendor sends that): masked as text instead.
    return redactText(text);
  }
}

function blank(node: unknown, pattern: Pattern, at: number): void {
  const seg = pattern[at];
  if (seg === undefined || node === null || typeof node !== 'object') return;
  const last = at === pattern.length - 1;
  const visit = (container: Record<string | number, unknown>, key: string | number) => {
    if (last) container[key] = REDACTED;
    else blank(container[key], pattern, at + 1);
  };
  if (seg === ANY) {
    if (Array.isArray(node)) for (let i = 0; i < node.length; i++) visit(node as unknown as Record<number, unknown>, i);
    else for (const key of Object.keys(node)) visit(node as Record<string, unknown>, key);
  } else if (typeof seg === 'number') {
    if (Array.isArray(node) && seg < node.length) visit(node as unknown as Record<number, unknown>, seg);
  } else if (isObject(node) && Object.hasOwn(node, seg)) {
    visit(node, seg);
  }
}

/** Every string in a JSON value masked, without recursion (values may nest deeply). */
function maskStrings(root: unknown): unknown {
  if (typeof root === 'string') return redactText(root);
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const entries = node as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      const v = entries[key];
      if (typeof v === 'string') entries[key] = redactText(v);
      else if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
  return root;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
/** Characters of an email's local part, and of its domain. */
const isLocal = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isDomain = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 46 || c === 45;

/**
 * Phone numbers and email addresses in text replaced by `[redacted phone]` and `[redacted
 * email]`. Phones: `+` then 7 to 15 digits, with single spaces, dashes, dots or brackets between
 * them (international form, as vendors send them), or `(555) 123-4567`. One pass; each `@`
 * looks at most 64 characters back and to the next `@` or 255 characters ahead.
 */
export function redactText(text: string): string {
  if (text.indexOf('@') === -1 && text.indexOf('+') === -1 && text.indexOf('(') === -1) return text;
  let out = '';
  let copied = 0;
  let floor = 0; // nothing before this index may be part of a new match
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 64) {
      // @: the local part to the left, the domain to the right.
      let start = i;
      while (start > floor && i - start < 64 && isLocal(text.charCodeAt(start - 1))) start--;
      let end = i + 1;
      let dot = -1;
      while (end < text.length && end - i <= 255 && isDomain(text.charCodeAt(end))) {
        if (text.charCodeAt(end) === 46) dot = end;
        end++;
      }
      while (end > i + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
      if (start < i && dot > i + 1 && dot < end - 2) {
        out += text.slice(copied, start) + '[redacted email]';
        copied = floor = end;
        i = end - 1;
      } else {
        floor = i + 1;
      }
    } else if ((c === 43 || c === 40) && i >= floor) {
      const end = phoneEnd(text, i);
      if (end > 0) {
        out += text.slice(copied, i) + '[redacted phone]';
        copied = floor = end;
        i = end - 1;
      }
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The end of a phone number starting at `start` (`+` or `(`), or -1. */
function phoneEnd(text: string, start: number): number {
  let digits = 0;
  let i = start + 1;
  let lastDigit = -1;
  let separators = 0;
  if (!isDigit(text.charCodeAt(i))) return -1;
  for (; i < text.length && i - start < 32; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      lastDigit = i;
      separators = 0;
    } else if ((c === 32 || c === 45 || c === 46 || c === 40 || c === 41) && separators < 2) {
      // Between digit groups: a space, dash, dot or bracket, or two ("1 (555)", "(555) 123").
      separators++;
    } else {
      break;
    }
  }
  // A digit right after the run means the number goes on: not a phone we recognise.
  if (digits < 7 || digits > 15 || isDigit(text.charCodeAt(lastDigit + 1))) return -1;
  return lastDigit + 1;
}
