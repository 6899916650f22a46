// Comparing two deliveries (a retry and its original, an event and its fixture, two calls'
// reports): JSON-aware, key order ignored, arrays by position; fields made anew for every
// delivery (the vendor's `fresh` paths from the catalog, and keys that are obviously ids or
// timestamps) are marked so the page can show them apart from real differences. Pure.
import { formatPath } from '../json/values.js';
import type { DiffEntry } from './types.js';

/** At most this many differences are listed (two 10 MB transcripts must not make a 10 MB diff). */
export const MAX_DIFF_ENTRIES = 1000;

/** Key names that hold per-delivery values: ids and timestamps, in the usual spellings. */
const ID_OR_TIME = /^(id|uuid|guid|nonce|ts|timestamp|time|date|created|updated|sent)$|[_-](id|uuid|ts|timestamp|time|date|at)$|[a-z0-9](Id|ID|Uuid|At|Timestamp|Time|Date)$/;

export const isIdOrTimeKey = (key: string): boolean => ID_OR_TIME.test(key);

/** `$.a.b[0]["x.y"]`: the path notation issues use (one writer of it: src/json/values.ts). */
export const pathText = (segments: readonly (string | number)[]): string => formatPath(segments);

export interface DiffOptions {
  /** Paths the vendor refreshes per delivery, dotted as in the catalog (`timestamp`, `data.id`). */
  fresh?: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The differences between two JSON values, in path order. */
export function diffJson(a: unknown, b: unknown, options: DiffOptions = {}): DiffEntry[] {
  const fresh = new Set((options.fresh ?? []).map((p) => pathText(p.split('.'))));
  const out: DiffEntry[] = [];
  const perDelivery = (path: readonly (string | number)[], text: string) => {
    if (fresh.has(text)) return true;
    const last = path[path.length - 1];
    return typeof last === 'string' && isIdOrTimeKey(last);
  };
  // An explicit stack rather than recursion: a hostile body may nest deeper than the call stack.
  // Keys present on one side only go on the stack too, so the output stays in document order.
  // Paths are linked to their parent (copying arrays would be quadratic in the depth).
  const stack: { a: unknown; b: unknown; path: PathNode | undefined; only?: 'added' | 'removed' }[] = [{ a, b, path: undefined }];
  while (stack.length && out.length < MAX_DIFF_ENTRIES) {
    const { a: x, b: y, path, only } = stack.pop()!;
    if (only) {
      add(out, path, only, x, y, perDelivery);
    } else if (isObject(x) && isObject(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort().reverse();
      for (const k of keys) {
        const p: PathNode = { up: path, key: k };
        if (!(k in y)) stack.push({ a: x[k], b: undefined, path: p, only: 'removed' });
        else if (!(k in x)) stack.push({ a: undefined, b: y[k], path: p, only: 'added' });
        else stack.push({ a: x[k], b: y[k], path: p });
      }
    } else if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = Math.max(x.length, y.length) - 1; i >= 0; i--) {
        const p: PathNode = { up: path, key: i };
        if (i >= y.length) stack.push({ a: x[i], b: undefined, path: p, only: 'removed' });
        else if (i >= x.length) stack.push({ a: undefined, b: y[i], path: p, only: 'added' });
        else stack.push({ a: x[i], b: y[i], path: p });
      }
    } else if (!sameJson(x, y)) {
      add(out, path, 'changed', x, y, perDelivery);
    }
  }
  return out;
}

interface PathNode {
  up: PathNode | undefined;
  key: string | number;
}

function add(out: DiffEntry[], node: PathNode | undefined, kind: DiffEntry['kind'], a: unknown, b: unknown, perDelivery: (p: readonly (string | number)[], t: string) => boolean): void {
  if (out.length >= MAX_DIFF_ENTRIES) return;
  const path: (string | number)[] = [];
  for (let n = node; n; n = n.up) path.push(n.key);
  path.reverse();
  const text = pathText(path);
  const entry: DiffEntry = { path: text, kind, perDelivery: perDelivery(path, text) };
  if (a !== undefined) entry.a = a;
  if (b !== undefined) entry.b = b;
  out.push(entry);
}

/** Equal as JSON, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}

/** Headers compared by lower-case name; the signature's headers and ids/dates are per delivery. */
export function diffHeaders(a: Record<string, string | string[]>, b: Record<string, string | string[]>, perDeliveryNames: readonly string[] = []): DiffEntry[] {
  const la = lowerFlat(a);
  const lb = lowerFlat(b);
  const names = new Set(perDeliveryNames.map((n) => n.toLowerCase()));
  const out: DiffEntry[] = [];
  for (const name of [...new Set([...Object.keys(la), ...Object.keys(lb)])].sort()) {
    const x = la[name];
    const y = lb[name];
    if (x === y) continue;
    const perDelivery = names.has(name) || /signature|timestamp|date|nonce|request-id|delivery|(^|-)id$/.test(name);
    const entry: DiffEntry = { path: name, kind: x === undefined ? 'added' : y === undefined ? 'removed' : 'changed', perDelivery };
    if (x !== undefined) entry.a = x;
    if (y !== undefined) entry.b = y;
    out.push(entry);
  }
  return out;
}

function lowerFlat(headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
