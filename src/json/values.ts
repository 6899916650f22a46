// Reading plain JSON values by path. Paths are dotted with optional brackets:
// `data.score`, `digital_humans[0].id`, `headers["x-signature"]`.

export type PathSegment = string | number;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parse a dotted/bracket path. Throws a plain Error naming the offset of the problem. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`bad path ${JSON.stringify(path)} at character ${i + 1}: ${why}`);
  };
  if (path === '') fail('empty path');
  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) fail('unclosed [');
      const inner = path.slice(i + 1, close);
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else fail('expected an index like [0] or a quoted key like ["a.b"]');
      i = close + 1;
      if (i < path.length && path[i] === '.') {
        i++;
        if (i >= path.length) fail('path ends with .');
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    if (j === i) fail('empty key');
    out.push(path.slice(i, j));
    i = j;
    if (path[i] === '.') {
      i++;
      if (i >= path.length) fail('path ends with .');
    }
  }
  return out;
}

// Vendor modules read the same few paths from every body a listener receives: parse each once.
const parsedPaths = new Map<string, readonly PathSegment[]>();
function parsedPath(path: string): readonly PathSegment[] {
  let segments = parsedPaths.get(path);
  if (segments === undefined) {
    segments = parsePath(path);
    if (parsedPaths.size < 1000) parsedPaths.set(path, segments);
  }
  return segments;
}

/** The value at a path, or undefined when any step is missing. Accepts a string path or segments. */
export function field(value: unknown, path: string | readonly PathSegment[]): unknown {
  const segments = typeof path === 'string' ? parsedPath(path) : path;
  let cur: unknown = value;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/**
 * Render path segments as a JSON path: `$.data.score`, `$.digital_humans[0].id`, `$["a.b"]`.
 * Exact, whatever the length: a key for lookups (the scanner's requested paths). Messages use
 * displayPath (display.ts), which bounds what a crafted path can make them carry.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A short description of a JSON value's type, as used in "expected X, received Y". */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
