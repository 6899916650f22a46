// Writing listen's NDJSON log: group commit (records of requests that arrive in the same turn of
// the event loop go out in one write, then are reported, then answered) and opening the file.
import { existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { UserError } from '../errors.js';
import type { ListenRecord } from './log-record.js';

/** Called with a batch after it is written: the records, and the batch as NDJSON bytes (made on demand). */
export type OnRecords = (batch: readonly { record: ListenRecord; line: string }[], lines: () => Buffer) => void;

/**
 * Group commit: records of requests that arrive in the same turn of the event loop are written
 * to the log with one write, then reported, then answered.
 */
export class Committer {
  private pending: { record: ListenRecord; line: string; done: (err?: Error) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly fd: number | undefined,
    private readonly emit: OnRecords,
  ) {}

  /** `done` is called once the record is written (or with the error that stopped it). */
  commit(record: ListenRecord, line: string, done: (failure?: Error) => void): void {
    this.pending.push({ record, line, done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
  }

  private readonly flushNow = () => this.flush();

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    let failure: Error | undefined;
    let bytes: Buffer | undefined;
    const lines = () => (bytes ??= ndjson(batch));
    if (this.fd !== undefined) {
      try {
        const out = lines();
        for (let off = 0; off < out.length; ) off += writeSync(this.fd, out, off);
      } catch (err) {
        failure = err as Error;
      }
    }
    if (!failure) this.emit(batch, lines);
    for (const b of batch) b.done(failure);
  }
}

/** The lines as NDJSON bytes, encoded straight into one buffer (no joined string in between). */
function ndjson(batch: readonly { line: string }[]): Buffer {
  let total = 0;
  for (let i = 0; i < batch.length; i++) total += Buffer.byteLength(batch[i]!.line) + 1;
  const out = Buffer.allocUnsafe(total);
  let off = 0;
  for (let i = 0; i < batch.length; i++) {
    off += out.write(batch[i]!.line, off);
    out[off++] = 0x0a;
  }
  return out;
}

/**
 * Open the log for appending. Logs hold transcripts, phone numbers and signatures, so they are
 * private by default: the file is created owner-only (0600); the default directory
 * (.hookscope/ under the working directory, often a git repository) is created owner-only
 * (0700) with a .gitignore of `*`, so nothing in it is committed by accident.
 */
export function openLog(option: string | false | undefined, cwd: string): { fd: number; path: string; createdDir: boolean } | undefined {
  if (option === false) return undefined;
  const dir = option ? dirname(resolvePath(cwd, option)) : join(cwd, '.hookscope');
  const path = option ? resolvePath(cwd, option) : join(dir, `listen-${new Date().toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19)}.ndjson`);
  try {
    const createdDir = !existsSync(dir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!option) {
      const ignore = join(dir, '.gitignore');
      if (!existsSync(ignore)) writeFileSync(ignore, '# hookscope: captured webhooks are private; keep them out of git\n*\n', { mode: 0o600 });
    }
    return { fd: openSync(path, 'a', 0o600), path, createdDir };
  } catch (err) {
    throw new UserError(`cannot open the log ${path}: ${(err as Error).message}`, 'choose another with --log <file>, or --no-log');
  }
}
