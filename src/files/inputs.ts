// Turning the paths given to `validate` and `replay` into the JSON texts to check: files,
// directories (recursive, *.json / *.ndjson / *.jsonl), and `-` for stdin. Whether an input is
// one document or NDJSON is decided by its content (json-texts.ts), and every input is read as a
// stream in bounded memory: only a small regular file is read in one go.
import { closeSync, createReadStream, fstatSync, open, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { isatty, ReadStream as TtyReadStream } from 'node:tty';
import { JsonTextSplitter, splitText } from './json-texts.js';

export type InputUnit =
  /** One JSON text to check; `line` is its 1-based line when the input is NDJSON. */
  | { kind: 'text'; source: string; line?: number; text: string }
  /** Not text (a file, or one line): counted as an invalid payload. */
  | { kind: 'not-text'; source: string; line?: number; code: 'binary' | 'not-utf8'; message: string }
  /** Could not be read (the path, or one line over the size limit): a usage/environment error (exit 2). */
  | { kind: 'unreadable'; source: string; line?: number; message: string }
  /** A path passed over on purpose (e.g. a symlink loop), said on stderr. */
  | { kind: 'skipped'; source: string; message: string };

/** What a directory walk picks up; a file named on the command line is read whatever its name. */
const WALKED = new Set(['.json', '.ndjson', '.jsonl']);
/** Content decides between a document and NDJSON; these names only settle a file of one line. */
const isNdjsonName = (path: string) => /\.(ndjson|jsonl)$/i.test(path);

/** What the paths name, before anything is read: files to read, or problems found walking. */
export type InputTarget =
  | { kind: 'file'; source: string; /** A regular file: its start can be read at once, without waiting on a writer. */ regular: boolean }
  | { kind: 'stdin' }
  | Extract<InputUnit, { kind: 'unreadable' | 'skipped' }>;

export interface InputOptions {
  /** The bytes of stdin (tests hand in their own); default process.stdin. */
  stdin?: () => AsyncIterable<Uint8Array>;
  /** Stop reading when aborted: the units read so far stand, nothing more comes. */
  signal?: AbortSignal;
}

/** The units of every path, in order; directories are walked in sorted order. */
export async function* readInputs(paths: readonly string[], options: InputOptions = {}): AsyncGenerator<InputUnit> {
  for (const target of listTargets(paths)) {
    if (options.signal?.aborted) return;
    const read = readTarget(target, options);
    if (Array.isArray(read)) yield* read;
    else for await (const batch of read) yield* batch;
  }
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

/** Read by the synchronous first read of a regular file; what is larger is streamed from there. */
const FIRST_READ_BYTES = 1024 * 1024;
/** Reused by every first read: its bytes are turned into strings before the next file is read. */
let scratch: Buffer | undefined;

/**
 * Read one target: all of its units at once when one read held the whole input (a small regular
 * file, the common case, with no event-loop turn per file), else batches of units as they are read.
 */
export function readTarget(target: InputTarget, options: InputOptions = {}): InputUnit[] | AsyncIterable<InputUnit[]> {
  if (target.kind === 'stdin') return streamUnits(new JsonTextSplitter('<stdin>'), options.stdin?.() ?? process.stdin, options.signal);
  if (target.kind !== 'file') return [target];
  const { source } = target;
  const named = isNdjsonName(source);
  if (!target.regular) return streamUnits(new JsonTextSplitter(source, undefined, named), special(source), options.signal);
  let fd: number;
  try {
    fd = openSync(source, 'r');
  } catch (err) {
    return [{ kind: 'unreadable', source, message: describeFsError(err) }];
  }
  const buf = (scratch ??= Buffer.allocUnsafe(FIRST_READ_BYTES));
  let n = 0;
  try {
    // A regular file reads short only at its end: one read holds a small file.
    for (let got = -1; got !== 0 && n < buf.length; ) {
      got = readSync(fd, buf, n, buf.length - n, null);
      n += got;
      if (got > 0 && n < buf.length) break;
    }
  } catch (err) {
    closeSync(fd);
    return [{ kind: 'unreadable', source, message: describeFsError(err) }];
  }
  if (n < buf.length) {
    closeSync(fd);
    // Most files are UTF-8 text: decoded once. A NUL or a U+FFFD means binary data, bytes that
    // are not UTF-8, or a U+FFFD written on purpose; then the bytes decide, line by line.
    const text = buf.toString('utf8', 0, n);
    if (text.indexOf('\0') === -1 && text.indexOf('\uFFFD') === -1) return splitText(source, text, named);
    const splitter = new JsonTextSplitter(source, undefined, named);
    return [...splitter.push(buf.subarray(0, n)), ...splitter.end()];
  }
  const first = Buffer.from(buf);
  return streamUnits(new JsonTextSplitter(source, undefined, named), createReadStream('', { fd, start: n, highWaterMark: FIRST_READ_BYTES }), options.signal, first);
}

/**
 * A FIFO, a socket or a terminal named as a path (`validate <(tail -f log)`, a named pipe): read
 * through a libuv pipe or tty handle, as process.stdin is, so that a read waiting for input ends
 * when the stream is destroyed. fs streams read in libuv's thread pool, where a read that waits
 * cannot be cancelled, and the process could not exit after Ctrl-C. Only the opening, which waits
 * for a writer on a named pipe, still cannot be stopped.
 */
function special(source: string): AsyncIterable<Uint8Array> & { destroy(error?: Error): void } {
  let stream: Readable | undefined;
  let destroyed = false;
  return {
    destroy(error) {
      destroyed = true;
      stream?.destroy(error);
    },
    async *[Symbol.asyncIterator]() {
      const fd = await new Promise<number>((resolve, reject) => open(source, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
      if (destroyed) {
        closeSync(fd);
        return;
      }
      const stat = fstatSync(fd);
      if (stat.isFIFO() || stat.isSocket()) stream = new Socket({ fd, readable: true, writable: false });
      else if (isatty(fd)) stream = new TtyReadStream(fd);
      else stream = createReadStream('', { fd, highWaterMark: FIRST_READ_BYTES });
      yield* stream as AsyncIterable<Uint8Array>;
    },
  };
}

/**
 * The units of a byte stream (after `first`, already read), a batch per chunk; a read error ends
 * it with an unreadable unit. On abort a stream is destroyed, so that a read waiting for input
 * (stdin, a FIFO) ends at once. (No Promise.race against the signal: racing every read against
 * one long-lived promise keeps every chunk reachable from it, and memory grows with the input.)
 */
async function* streamUnits(splitter: JsonTextSplitter, chunks: AsyncIterable<Uint8Array>, signal?: AbortSignal, first?: Buffer): AsyncGenerator<InputUnit[]> {
  const { source } = splitter;
  const stream = chunks as Partial<{ destroy(error?: Error): void }>;
  const onAbort = () => stream.destroy?.(new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (first) yield splitter.push(first);
    for await (const chunk of chunks) {
      if (signal?.aborted) return;
      const units = splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (units.length) yield units;
      if (splitter.finished) return;
    }
  } catch (err) {
    // Stopped on purpose: what was read stands, and the cut-off last line is not reported.
    if (signal?.aborted) return;
    yield [{ kind: 'unreadable', source, message: describeFsError(err) }];
    return;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stream.destroy?.();
  }
  if (signal?.aborted) return;
  yield splitter.end();
}

type Kind = 'file' | 'dir' | 'other';

function walk(path: string, seenDirs: Set<string>, explicit: boolean, known: Kind | undefined, out: InputTarget[]): void {
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
  else if (kind === 'file' || explicit) out.push({ kind: 'file', source: path, regular: kind === 'file' });
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
      if (wanted) walk(child, inner, false, 'file', out);
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
