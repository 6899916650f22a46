// Editing a JSON body by path, for `send --set/--unset` and fresh per-delivery values.
import { randomBytes } from 'node:crypto';
import type { FreshField } from '../vendors/types.js';
import { isObject, parsePath, type PathSegment } from './values.js';

export class EditError extends Error {}

/**
 * `--set path=value`: the value is JSON when it parses (`42.5`, `true`, `["a"]`, `"x"`),
 * otherwise the raw text as a string (`--set data.agent_name=Front desk`).
 */
export function parseAssignment(text: string): { path: PathSegment[]; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new EditError(`--set ${JSON.stringify(text)}: expected path=value, e.g. data.score=42.5`);
  const rawPath = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself, as a string.
  }
  return { path: pathOf(rawPath, '--set'), value };
}

function pathOf(raw: string, flag: string): PathSegment[] {
  try {
    return parsePath(raw);
  } catch (err) {
    throw new EditError(`${flag}: ${(err as Error).message}`);
  }
}

/** Set a value, creating missing objects on the way; arrays must already be long enough. */
export function setPath(body: unknown, path: readonly PathSegment[], value: unknown): void {
  let cur = body;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const where = () => path.slice(0, i + 1).map(String).join('.');
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) throw new EditError(`cannot index [${seg}]: ${where()} is not an array`);
      if (seg > cur.length) throw new EditError(`index [${seg}] is past the end of the array (length ${cur.length})`);
      if (last) cur[seg] = value;
      else cur = cur[seg] ?? (cur[seg] = typeof path[i + 1] === 'number' ? [] : {});
    } else {
      if (!isObject(cur)) throw new EditError(`cannot set ${JSON.stringify(seg)}: its parent is not an object`);
      if (last) cur[seg] = value;
      else cur = cur[seg] ?? (cur[seg] = typeof path[i + 1] === 'number' ? [] : {});
    }
  }
}

/** Remove a value; a path that does not exist is an error (it is probably a typo). */
export function unsetPath(body: unknown, raw: string): void {
  const path = pathOf(raw, '--unset');
  let cur = body;
  for (const seg of path.slice(0, -1)) {
    cur = typeof seg === 'number' ? (Array.isArray(cur) ? cur[seg] : undefined) : isObject(cur) ? cur[seg] : undefined;
  }
  const lastSeg = path[path.length - 1]!;
  if (typeof lastSeg === 'number' && Array.isArray(cur) && lastSeg < cur.length) cur.splice(lastSeg, 1);
  else if (typeof lastSeg === 'string' && isObject(cur) && Object.hasOwn(cur, lastSeg)) delete cur[lastSeg];
  else throw new EditError(`--unset ${raw}: no such field in the body`);
}

export interface FreshContext {
  now: () => Date;
  random: (bytes: number) => Buffer;
}

const defaultFresh: FreshContext = { now: () => new Date(), random: randomBytes };

/** Give per-delivery fields new values, except those the user pinned. */
export function freshen(body: unknown, fields: readonly FreshField[], pinned: ReadonlySet<string>, ctx: FreshContext = defaultFresh): string[] {
  const changed: string[] = [];
  for (const f of fields) {
    if (pinned.has(f.path)) continue;
    setPath(body, parsePath(f.path), freshValue(f, ctx));
    changed.push(f.path);
  }
  return changed;
}

function freshValue(f: FreshField, ctx: FreshContext): string | number {
  switch (f.kind) {
    case 'timestamp':
      return ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'unix-seconds':
      return Math.floor(ctx.now().getTime() / 1000);
    case 'hex24':
      return ctx.random(12).toString('hex');
    case 'id':
      return `${f.prefix ?? ''}${ctx.random(16).toString('hex')}`;
  }
}
