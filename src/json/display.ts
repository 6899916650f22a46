// Showing JSON paths and values in messages, bounded whatever the input (issue #13).
//
// A body can nest millions of levels deep, carry keys and strings megabytes long, and repeat a key
// at every level; every issue shows a path and often a value. Shown whole, a hundred issues under
// one deep chain made gigabytes of text. Here a path keeps its first PATH_HEAD and last PATH_TAIL
// segments and says how many it left out between them, a key longer than KEY_CHARS is cut, and a
// value preview builds only the characters it shows. Ordinary paths and values are unchanged.
import type { PathSegment } from './values.js';

const PATH_HEAD = 8;
const PATH_TAIL = 8;
/** The longest key (or quoted string) shown whole in a message. */
export const KEY_CHARS = 100;

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

function segmentText(seg: PathSegment): string {
  if (typeof seg === 'number') return `[${seg}]`;
  if (seg.length <= KEY_CHARS && IDENTIFIER.test(seg)) return `.${seg}`;
  return `[${quote(seg)}]`;
}

/** The longest message (a vendor's own wording may quote a whole value) shown whole. */
export const MESSAGE_CHARS = 1000;

/** A message cut after `max` characters, saying how long it was. */
export function clip(text: string, max = MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters in all)`;
}

/** JSON.stringify of a string, cut after `max` characters (with …) so a message stays short. */
export function quote(text: string, max = KEY_CHARS): string {
  return text.length <= max ? JSON.stringify(text) : JSON.stringify(`${text.slice(0, max)}…`);
}

/**
 * One step of a path, linked to its parent. Paths that share a prefix share its links, so a
 * million duplicate keys under one deep chain hold the chain once, not a million times.
 */
export interface PathLink {
  readonly parent: PathLink | null;
  readonly segment: PathSegment;
  /** Segments up to and including this one. */
  readonly depth: number;
  /** This link's ancestor at depth PATH_HEAD (itself when shallower): where displayPath's head ends. */
  readonly head: PathLink;
}

export function linkPath(parent: PathLink | null, segment: PathSegment): PathLink {
  const depth = parent === null ? 1 : parent.depth + 1;
  const link = { parent, segment, depth, head: undefined as unknown as PathLink };
  link.head = depth <= PATH_HEAD ? link : parent!.head;
  return link;
}

/** The segments of a linked path, root first (O(depth): for kept results only). */
export function linkSegments(link: PathLink | null): PathSegment[] {
  const out: PathSegment[] = new Array<PathSegment>(link?.depth ?? 0);
  for (let l = link; l !== null; l = l.parent) out[l.depth - 1] = l.segment;
  return out;
}

/** formatPath for messages: long paths keep their ends, long keys are cut (see above). */
export function displayPath(segments: readonly PathSegment[]): string {
  const n = segments.length;
  if (n <= PATH_HEAD + PATH_TAIL) return render(segments, 0, []);
  return render(segments.slice(0, PATH_HEAD), n - PATH_HEAD - PATH_TAIL, segments.slice(n - PATH_TAIL));
}

/** displayPath of a linked path (plus a last segment), in O(PATH_HEAD + PATH_TAIL) whatever its depth. */
export function displayLinkPath(link: PathLink | null, last?: PathSegment): string {
  const extra = last === undefined ? 0 : 1;
  const n = (link?.depth ?? 0) + extra;
  if (n <= PATH_HEAD + PATH_TAIL) {
    const segments = linkSegments(link);
    if (extra) segments.push(last!);
    return render(segments, 0, []);
  }
  const tail: PathSegment[] = extra ? [last!] : [];
  let l = link;
  while (tail.length < PATH_TAIL) {
    tail.push(l!.segment);
    l = l!.parent;
  }
  tail.reverse();
  return render(linkSegments(link!.head), n - PATH_HEAD - PATH_TAIL, tail);
}

function render(head: readonly PathSegment[], skipped: number, tail: readonly PathSegment[]): string {
  let out = '$';
  for (const seg of head) out += segmentText(seg);
  if (skipped > 0) out += `…(${skipped} more levels)…`;
  for (const seg of tail) out += segmentText(seg);
  return out;
}

/**
 * A short preview of a value for error messages (never the whole of a large value): the start of
 * its JSON text, cut at `max` characters. Only that start is built, so a 10 MB string or a
 * million-level nest costs no more than a small one.
 */
export function preview(value: unknown, max = 60): string {
  const text = jsonStart(value, max + 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The first `budget` (or more) characters of JSON.stringify(value), or all of it when shorter;
 * String(value) where JSON.stringify gives nothing or throws. Iterative: any depth is fine.
 */
function jsonStart(value: unknown, budget: number): string {
  if (typeof value !== 'object' || value === null) return scalarJson(value, budget) ?? String(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return wholeJson(value);
  let out = '';
  // Each frame: the container, its keys (objects) and the next index.
  const stack: { v: object; keys: string[] | null; i: number }[] = [];
  let pending: unknown = value;
  let hasPending = true;
  while (out.length < budget) {
    if (hasPending) {
      hasPending = false;
      const v = pending;
      if (typeof v === 'object' && v !== null) {
        if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
          out += wholeJson(v);
          continue;
        }
        const isArray = Array.isArray(v);
        out += isArray ? '[' : '{';
        // Only the keys that can be shown: a million-key object is not listed whole.
        stack.push({ v, keys: isArray ? null : firstKeys(v, budget - out.length), i: 0 });
      } else {
        out += scalarJson(v, budget - out.length) ?? 'null';
      }
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    if (top.keys === null) {
      const items = top.v as unknown[];
      if (top.i >= items.length) {
        out += ']';
        stack.pop();
        continue;
      }
      if (top.i > 0) out += ',';
      pending = items[top.i++];
      hasPending = true;
      continue;
    }
    // Object members whose value JSON leaves out (undefined, functions, symbols) are skipped.
    let key: string | undefined;
    let member: unknown;
    while (top.i < top.keys.length) {
      key = top.keys[top.i++]!;
      member = (top.v as Record<string, unknown>)[key];
      if (member !== undefined && typeof member !== 'function' && typeof member !== 'symbol') break;
      key = undefined;
    }
    if (key === undefined) {
      out += '}';
      stack.pop();
      continue;
    }
    out += `${out.endsWith('{') ? '' : ','}${JSON.stringify(key.length > budget ? key.slice(0, budget) : key)}:`;
    pending = member;
    hasPending = true;
  }
  return out;
}

/**
 * The first `limit` own enumerable keys (for-in order, as JSON.stringify lists them). V8 lists a
 * dictionary-mode object's keys whole before the first (about 1 s per million keys, what
 * JSON.parse spent making them): no public API does better, so a wide object costs one listing.
 */
function firstKeys(o: object, limit: number): string[] {
  const keys: string[] = [];
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    keys.push(k);
    // A key shows at least `"":` (3 characters): more than `limit` keys cannot all be shown.
    if (keys.length > limit) break;
  }
  return keys;
}

/**
 * JSON of a scalar, the start of it for a long string; undefined where JSON has no text for it
 * (undefined, a function or a symbol) or it throws (a BigInt). In an array such items show as null.
 */
function scalarJson(v: unknown, budget: number): string | undefined {
  if (typeof v === 'string') return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
  if (typeof v === 'bigint') return undefined;
  return JSON.stringify(v);
}

function wholeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Nesting of objects and arrays in a JSON text, in one pass (strings skipped); stops past `limit`. */
export function nestingDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}

/** Deeper than this, pretty-printing costs more than it shows (indentation grows with depth): text stays as given. */
export const PRETTY_MAX_DEPTH = 64;

/** A JSON text indented for reading, or as given when it is not JSON, is too deep, or larger than `maxChars`. */
export function prettyJson(text: string, maxChars = 1024 * 1024): string {
  if (text.length > maxChars || nestingDepth(text, PRETTY_MAX_DEPTH) > PRETTY_MAX_DEPTH) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
