// Turning the paths given to `validate` into payload texts: files, directories (recursive,
// *.json / *.ndjson / *.jsonl), and `-` for stdin. NDJSON is split into one unit per line.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { join, extname } from 'node:path';

export type InputUnit =
  /** One JSON text to validate; `line` is its 1-based line in an NDJSON file. */
  | { kind: 'text'; source: string; line?: number; text: string }
  /** The file is not text: it is counted as an invalid payload. */
  | { kind: 'not-text'; source: string; code: 'binary' | 'not-utf8'; message: string }
  /** The path could not be read at all: a usage/environment error (exit 2). */
  | { kind: 'unreadable'; source: string; message: string }
  /** A path passed over on purpose (e.g. a symlink loop), said on stderr. */
  | { kind: 'skipped'; source: string; message: string };

const LINE_DELIMITED = new Set(['.ndjson', '.jsonl']);
const WALKED = new Set(['.json', ...LINE_DELIMITED]);

export interface InputOptions {
  readStdin?: () => Buffer;
}

/** Yield the units of every path, in order; directories are walked in sorted order. */
export function* readInputs(paths: readonly string[], options: InputOptions = {}): Generator<InputUnit> {
  for (const path of paths) {
    if (path === '-') {
      const buf = options.readStdin ? options.readStdin() : readFileSync(0);
      yield* fromBuffer('<stdin>', buf, looksLineDelimited(buf));
      continue;
    }
    yield* walk(path, new Set(), true);
  }
}

function* walk(path: string, seenDirs: Set<string>, explicit: boolean): Generator<InputUnit> {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    yield { kind: 'unreadable', source: path, message: describeFsError(err) };
    return;
  }
  if (stat.isDirectory()) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch (err) {
      yield { kind: 'unreadable', source: path, message: describeFsError(err) };
      return;
    }
    if (seenDirs.has(real)) {
      yield { kind: 'skipped', source: path, message: 'symlink loop: this directory was already visited' };
      return;
    }
    const inner = new Set(seenDirs).add(real);
    let entries: string[];
    try {
      entries = readdirSync(path).sort();
    } catch (err) {
      yield { kind: 'unreadable', source: path, message: describeFsError(err) };
      return;
    }
    for (const name of entries) {
      const child = join(path, name);
      // Plain files are filtered by extension; directories and links are followed.
      if (WALKED.has(extname(name).toLowerCase()) || isDirectoryish(child)) yield* walk(child, inner, false);
    }
    return;
  }
  if (!stat.isFile() && !explicit) return;
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    yield { kind: 'unreadable', source: path, message: describeFsError(err) };
    return;
  }
  yield* fromBuffer(path, buf, LINE_DELIMITED.has(extname(path).toLowerCase()));
}

function isDirectoryish(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    // A dangling or looping link inside a walked directory: report it instead of hiding it.
    return (err as NodeJS.ErrnoException).code === 'ELOOP';
  }
}

function* fromBuffer(source: string, buf: Buffer, lineDelimited: boolean): Generator<InputUnit> {
  const nul = buf.indexOf(0);
  if (nul !== -1) {
    yield { kind: 'not-text', source, code: 'binary', message: `binary data, not JSON (NUL byte at offset ${nul})` };
    return;
  }
  if (!isUtf8(buf)) {
    yield { kind: 'not-text', source, code: 'not-utf8', message: 'not valid UTF-8 text (JSON must be UTF-8)' };
    return;
  }
  let text: string;
  try {
    text = buf.toString('utf8');
  } catch {
    yield { kind: 'unreadable', source, message: `too large to read as text (${buf.length} bytes)` };
    return;
  }
  if (!lineDelimited) {
    yield { kind: 'text', source, text };
    return;
  }
  let line = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    line++;
    const raw = text.slice(from, to);
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() !== '') yield { kind: 'text', source, line, text: content };
    from = to + 1;
  }
}

/** stdin is NDJSON when its first line alone is a complete JSON value and more lines follow. */
function looksLineDelimited(buf: Buffer): boolean {
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  const nl = text.indexOf('\n');
  if (nl === -1 || text.slice(nl + 1).trim() === '') return false;
  try {
    JSON.parse(text.slice(0, nl));
    return true;
  } catch {
    return false;
  }
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symlink loop (too many levels of symbolic links)';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message ?? String(err);
  }
}
