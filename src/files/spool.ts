// Output that has to wait until the end, such as junit's testcases (its head carries the final
// counts): held in memory while small, then in a temporary file, so that memory stays flat
// whatever the number of entries. The file is unlinked as soon as it is open where the platform
// allows it, so that nothing is left behind even when the process is killed.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Kept in memory up to this many characters; beyond it, everything goes to the file. */
const IN_MEMORY = 4 * 1024 * 1024;
/** Once in the file, writes are gathered to this size first. */
const WRITE_BATCH = 1024 * 1024;

export class Spool {
  private parts: string[] = [];
  private held = 0;
  private fd: number | undefined;
  private dir: string | undefined;

  constructor(private readonly inMemory = IN_MEMORY) {}

  /** Whether it has gone to a file (for tests). */
  get onDisk(): boolean {
    return this.fd !== undefined;
  }

  write(text: string): void {
    if (text.length === 0) return;
    this.parts.push(text);
    this.held += text.length;
    if (this.held >= (this.fd === undefined ? this.inMemory : WRITE_BATCH)) this.spill();
  }

  /** Everything written, in order, to `stream`. */
  copyTo(stream: { write(chunk: string | Uint8Array): unknown }): void {
    if (this.fd === undefined) {
      if (this.parts.length) stream.write(this.parts.join(''));
      return;
    }
    this.spill();
    for (let position = 0; ; ) {
      // A new buffer per write: the stream may still hold the previous one.
      const buf = Buffer.allocUnsafe(WRITE_BATCH);
      const n = readSync(this.fd, buf, 0, buf.length, position);
      if (n === 0) break;
      stream.write(buf.subarray(0, n));
      position += n;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.fd = undefined;
    this.dir = undefined;
    this.parts = [];
  }

  private spill(): void {
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'hookscope-spool-'));
      const path = join(this.dir, 'entries');
      this.fd = openSync(path, 'w+');
      try {
        unlinkSync(path);
        rmSync(this.dir, { recursive: true });
        this.dir = undefined;
      } catch {
        // Not on this platform (Windows): removed by close().
      }
    }
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.held = 0;
  }
}
