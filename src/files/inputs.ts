// Turning the paths given to `validate` into payload texts: files, directories (recursive,
// *.json / *.ndjson / *.jsonl), and `-` for stdin. NDJSON is split into one unit per line.
import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { extname, join, normalize, sep } from 'node:path';

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
/** An options object, not the string 'utf8': node copies a string option into a new object per call. */
const AS_UTF8 = { encoding: 'utf8' } as const;
const WALKED = new Set(['.json', ...LINE_DELIMITED]);

/** What the paths name, before anything is read: files to read, or problems found walking. */
export type InputTarget =
  | { kind: 'file'; source: string; /** NDJSON: one payload per line (by extension). */ lines: boolean }
  | { kind: 'stdin' }
  | Extract<InputUnit, { kind: 'unreadable' | 'skipped' }>;

export interface InputOptions {
  readStdin?: () => Buffer;
}

/** Yield the units of every path, in order; directories are walked in sorted order. */
export function* readInputs(paths: readonly string[], options: InputOptions = {}): Generator<InputUnit> {
  for (const target of listTargets(paths)) yield* readTarget(target, options);
}

/** Walk the paths (directories recursively, in sorted order) without reading any file. */
export function listTargets(paths: readonly string[]): InputTarget[] {
  const out: InputTarget[] = [];
  for (const path of paths) {
    if (path === '-') out.push({ kind: 'stdin' });
    else walk(path, new Set(), true, undefined, out);
  }
  return out;
}

/** Read one target into the units to validate (one per NDJSON line). */
export function readTarget(target: InputTarget, options: InputOptions = {}): InputUnit[] {
  if (target.kind === 'stdin') {
    const buf = options.readStdin ? options.readStdin() : readFileSync(0);
    return fromBuffer('<stdin>', buf, looksLineDelimited(buf));
  }
  if (target.kind !== 'file') return [target];
  const lineDelimited = target.lines;
  // Most files are UTF-8 text: read them as such in one call. A NUL or a U+FFFD in the text means
  // binary data, bytes that are not UTF-8, or a U+FFFD written on purpose; the bytes decide which.
  let text: string;
  try {
    text = readFileSync(target.source, AS_UTF8);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') return [tooLarge(target.source)];
    return [{ kind: 'unreadable', source: target.source, message: describeFsError(err) }];
  }
  if (text.indexOf('\0') === -1 && text.indexOf('\uFFFD') === -1) return fromText(target.source, text, lineDelimited);
  let buf: Buffer;
  try {
    buf = readFileSync(target.source);
  } catch (err) {
    return [{ kind: 'unreadable', source: target.source, message: describeFsError(err) }];
  }
  return fromBuffer(target.source, buf, lineDelimited);
}

function tooLarge(source: string, bytes?: number): InputUnit {
  let size = bytes;
  try {
    size ??= statSync(source).size;
  } catch {
    // The size only decorates the message.
  }
  return { kind: 'unreadable', source, message: `too large to read as text${size === undefined ? '' : ` (${size} bytes)`}` };
}

type Kind = 'file' | 'dir' | 'other';

function walk(path: string, seenDirs: Set<string>, explicit: boolean, known: Kind | undefined, out: InputTarget[], ext?: string): void {
  let kind = known;
  if (!kind) {
    try {
      const stat = statSync(path);
      kind = stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
    } catch (err) {
      out.push({ kind: 'unreadable', source: path, message: describeFsError(err) });
      return;
    }
  }
  if (kind === 'dir') walkDirectory(path, seenDirs, out);
  else if (kind === 'file' || explicit) out.push({ kind: 'file', source: path, lines: ext === undefined ? LINE_DELIMITED.has(extname(path).toLowerCase()) : LINE_DELIMITED.has(ext) });
}

function walkDirectory(path: string, seenDirs: Set<string>, out: InputTarget[]): void {
  let real: string;
  let entries: Dirent[];
  try {
    real = realpathSync(path);
    entries = readdirSync(path, { withFileTypes: true });
  } catch (err) {
    out.push({ kind: 'unreadable', source: path, message: describeFsError(err) });
    return;
  }
  if (seenDirs.has(real)) {
    out.push({ kind: 'skipped', source: path, message: 'symlink loop: this directory was already visited' });
    return;
  }
  const inner = new Set(seenDirs).add(real);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const inDir = childPath(path);
  for (const entry of entries) {
    const child = inDir(entry.name);
    const ext = extname(entry.name).toLowerCase();
    const wanted = WALKED.has(ext);
    // The directory listing already says what plain files and directories are: no stat for
    // them (a stat per file was a fifth of validate's time on 10,000 files). Links are
    // followed with a stat, which is also where a looping link shows up.
    if (entry.isFile()) {
      if (wanted) walk(child, inner, false, 'file', out, ext);
    } else if (entry.isDirectory()) {
      walk(child, inner, false, 'dir', out);
    } else if (entry.isSymbolicLink() && (wanted || isDirectoryish(child))) {
      walk(child, inner, false, undefined, out);
    }
  }
}

/**
 * `name => join(dir, name)` for the names readdir gives (no separators, never . or ..): the
 * directory is normalised once, not once per file. Elsewhere than POSIX paths, join itself.
 */
function childPath(dir: string): (name: string) => string {
  if (sep !== '/') return (name) => join(dir, name);
  const base = normalize(dir);
  if (base === '.' || base === './') return (name) => name;
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return (name) => prefix + name;
}

function isDirectoryish(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    // A dangling or looping link inside a walked directory: report it instead of hiding it.
    return (err as NodeJS.ErrnoException).code === 'ELOOP';
  }
}

function fromBuffer(source: string, buf: Buffer, lineDelimited: boolean): InputUnit[] {
  const nul = buf.indexOf(0);
  if (nul !== -1) return [{ kind: 'not-text', source, code: 'binary', message: `binary data, not JSON (NUL byte at offset ${nul})` }];
  if (!isUtf8(buf)) return [{ kind: 'not-text', source, code: 'not-utf8', message: 'not valid UTF-8 text (JSON must be UTF-8)' }];
  let text: string;
  try {
    text = buf.toString('utf8');
  } catch {
    return [tooLarge(source, buf.length)];
  }
  return fromText(source, text, lineDelimited);
}

function fromText(source: string, text: string, lineDelimited: boolean): InputUnit[] {
  if (!lineDelimited) return [{ kind: 'text', source, text }];
  const units: InputUnit[] = [];
  let line = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    line++;
    const raw = text.slice(from, to);
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() !== '') units.push({ kind: 'text', source, line, text: content });
    from = to + 1;
  }
  return units;
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
