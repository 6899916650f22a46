// Cutting the bytes of one input into the JSON texts to check, in bounded memory: the whole input
// as one document, or one text per line (NDJSON). Content decides, not the file's name: the input
// is NDJSON when its first non-empty line is a complete JSON value and more follows, or when that
// first line is broken but the next one is a complete JSON object or array (a log whose first
// record was cut). A pretty-printed document never has a line of either kind at its start. A
// single line is both; it is one document unless the name says NDJSON (`lines`).
// Lines are checked as they come; only a document is held whole, up to MAX_TEXT_BYTES.
import { isUtf8 } from 'node:buffer';
import type { InputUnit } from './inputs.js';

/** The largest JSON text (a document, or one line) read into memory: 256 MiB. */
export const MAX_TEXT_BYTES = 256 * 1024 * 1024;

const NL = 0x0a;
const CR = 0x0d;
const isBlankByte = (b: number) => b === 0x20 || b === 0x09 || b === CR || b === NL;

type Unit = Exclude<InputUnit, { kind: 'skipped' }>;

/**
 * Feed it the input's chunks with `push`, then call `end`; each returns the units complete so far.
 * `finished` turns true when the rest of the input does not matter (a document over the limit).
 */
export class JsonTextSplitter {
  private state: 'probe' | 'lines' | 'document' | 'done' = 'probe';
  /** Probe and document: every chunk so far. */
  private chunks: Buffer[] = [];
  private bytes = 0;
  // Line mode: the line being read when it spans chunks.
  private line = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private overLong = false;
  private sawNewline = false;

  constructor(
    readonly source: string,
    readonly limit = MAX_TEXT_BYTES,
    /** A single line is an NDJSON line (the input is named *.ndjson or *.jsonl), not a document. */
    readonly oneLineIsNdjson = false,
  ) {}

  get finished(): boolean {
    return this.state === 'done';
  }

  push(chunk: Buffer): Unit[] {
    if (chunk.length === 0 || this.state === 'done') return [];
    if (this.state === 'lines') return this.lines(chunk);
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.state === 'probe') {
      // Until a newline comes, the first line is not complete: nothing to decide (and no re-scan
      // of a long first line for every chunk).
      this.sawNewline ||= chunk.indexOf(NL) !== -1;
      const decision = this.sawNewline ? decide(this.chunks, false, this.oneLineIsNdjson) : undefined;
      if (decision === 'lines') return this.startLines();
      if (decision === 'document') this.state = 'document';
      // Still undecided: the first lines alone are longer than anything that will be read.
      else if (this.bytes > this.limit) this.state = 'document';
    }
    if (this.state === 'document' && this.bytes > this.limit) return this.tooLarge();
    return [];
  }

  end(): Unit[] {
    if (this.state === 'done') return [];
    if (this.state === 'probe') {
      if (decide(this.chunks, true, this.oneLineIsNdjson) === 'lines') return [...this.startLines(), ...this.end()];
      this.state = 'document';
    }
    if (this.state === 'lines') {
      this.state = 'done';
      if (this.carryBytes === 0) return [];
      const length = this.carryBytes;
      return this.emit([], this.overLong ? Buffer.alloc(0) : Buffer.concat(this.carry, length), length);
    }
    this.state = 'done';
    const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    return [documentUnit(this.source, buf)];
  }

  private startLines(): Unit[] {
    this.state = 'lines';
    const held = this.chunks;
    this.chunks = [];
    const out: Unit[] = [];
    for (const c of held) for (const u of this.lines(c)) out.push(u);
    return out;
  }

  private lines(chunk: Buffer): Unit[] {
    const out: Unit[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL, from)) {
      if (this.carryBytes === 0) {
        this.emit(out, chunk.subarray(from, nl), nl - from);
      } else {
        // The line began in an earlier chunk.
        const length = this.carryBytes + nl - from;
        if (!this.overLong) this.carry.push(chunk.subarray(from, nl));
        this.emit(out, this.overLong ? chunk.subarray(0, 0) : Buffer.concat(this.carry, length), length);
      }
      from = nl + 1;
    }
    if (from < chunk.length) {
      this.carryBytes += chunk.length - from;
      if (this.overLong) {
        // Counted, not kept.
      } else if (this.carryBytes > this.limit) {
        this.overLong = true;
        this.carry = [];
      } else {
        this.carry.push(chunk.subarray(from));
      }
    }
    return out;
  }

  /** One line (without its newline) of `length` bytes; blank lines give nothing. */
  private emit(out: Unit[], bytes: Buffer, length: number): Unit[] {
    const line = ++this.line;
    if (this.overLong || length > this.limit) {
      out.push({ kind: 'unreadable', source: this.source, line, message: `line of ${length} bytes is over the ${mib(this.limit)} limit for one JSON text; not checked` });
    } else {
      const unit = lineUnit(this.source, line, bytes);
      if (unit) out.push(unit);
    }
    this.carry = [];
    this.carryBytes = 0;
    this.overLong = false;
    return out;
  }

  private tooLarge(): Unit[] {
    this.state = 'done';
    const held = this.chunks;
    this.chunks = [];
    for (let i = 0, offset = 0; i < held.length; offset += held[i]!.length, i++) {
      const nul = held[i]!.indexOf(0);
      if (nul !== -1) return [binary(this.source, undefined, `NUL byte at offset ${offset + nul}`)];
    }
    return [
      {
        kind: 'unreadable',
        source: this.source,
        message: `over the ${mib(this.limit)} limit for one JSON document (read ${this.bytes} bytes so far); a log of many payloads is read line by line when it is NDJSON: one JSON value per line`,
      },
    ];
  }
}

const mib = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes}-byte`);

const binary = (source: string, line: number | undefined, where: string): Unit => ({ kind: 'not-text', source, ...(line === undefined ? {} : { line }), code: 'binary', message: `binary data, not JSON (${where})` });

function lineUnit(source: string, line: number, buf: Buffer): Unit | undefined {
  let s = 0;
  let e = buf.length;
  if (e > s && buf[e - 1] === CR) e--;
  if (line === 1 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
  let first = s;
  while (first < e && isBlankByte(buf[first]!)) first++;
  if (first === e) return undefined;
  const text = buf.toString('utf8', s, e);
  // Most lines are clean UTF-8: checked on the decoded text, the bytes looked at only when it is not.
  const nul = text.indexOf('\0');
  if (nul !== -1) return binary(source, line, `NUL byte at column ${nul + 1}`);
  if (text.indexOf('\uFFFD') !== -1 && !isUtf8(buf.subarray(s, e))) return { kind: 'not-text', source, line, code: 'not-utf8', message: 'not valid UTF-8 text (JSON must be UTF-8)' };
  return { kind: 'text', source, line, text };
}

function documentUnit(source: string, buf: Buffer): Unit {
  const nul = buf.indexOf(0);
  if (nul !== -1) return binary(source, undefined, `NUL byte at offset ${nul}`);
  if (!isUtf8(buf)) return { kind: 'not-text', source, code: 'not-utf8', message: 'not valid UTF-8 text (JSON must be UTF-8)' };
  return { kind: 'text', source, text: buf.toString('utf8') };
}

// --- Deciding between one document and NDJSON, from the first lines ---

/** One of the first non-blank lines: its text (decoded only when asked), and whether its newline has been seen. */
interface FirstLine {
  text(): string;
  complete: boolean;
}

/**
 * 'lines', 'document', or undefined when more input is needed to tell, from the first two
 * non-blank lines (`atEnd`: the input has ended, nothing more will come).
 */
function decideFrom(first: FirstLine | undefined, second: FirstLine | undefined, atEnd: boolean, oneLineIsNdjson = false): 'lines' | 'document' | undefined {
  if (!first || !second) return atEnd ? (first && oneLineIsNdjson && parsesAlone(first.text(), false) ? 'lines' : 'document') : undefined;
  if (parsesAlone(first.text(), false)) return 'lines';
  if (!second.complete && !atEnd) return undefined;
  return parsesAlone(second.text(), true) ? 'lines' : 'document';
}

/** The line parses as JSON on its own (objects and arrays only, with `objectOnly`). */
function parsesAlone(line: string, objectOnly: boolean): boolean {
  const text = line.trim();
  const open = text.charCodeAt(0);
  const close = text.charCodeAt(text.length - 1);
  // The line that opens a pretty-printed document ("{") cannot parse: say so without a throw.
  if (open === 0x7b ? close !== 0x7d : open === 0x5b ? close !== 0x5d : objectOnly) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const isBlankText = (s: string) => s.trim() === '';

/** The decision for held chunks. */
function decide(chunks: readonly Buffer[], atEnd: boolean, oneLineIsNdjson: boolean): 'lines' | 'document' | undefined {
  const found: FirstLine[] = [];
  for (const range of lineRanges(chunks)) {
    if (isBlank(chunks, range.start, range.end)) continue;
    // The first line is only decoded once something follows it.
    found.push({ text: () => stripBom(bytesOf(chunks, range.start, range.end).toString('utf8')), complete: range.complete });
    if (found.length === 2) break;
  }
  const [first, second] = found;
  if (first && !first.complete && !atEnd) return undefined;
  return decideFrom(first, second, atEnd, oneLineIsNdjson);
}

const stripBom = (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

/**
 * The units of an input read whole into a string (a small file): the same decision and the same
 * units as the splitter, without handling bytes. Only for text without NUL or U+FFFD, which only
 * the bytes can explain.
 */
export function splitText(source: string, text: string, oneLineIsNdjson = false): Unit[] {
  let first: FirstLine | undefined;
  let second: FirstLine | undefined;
  for (let from = 0; from < text.length && !second; ) {
    let nl = text.indexOf('\n', from);
    if (nl === -1) nl = text.length;
    const line = from === 0 ? stripBom(text.slice(from, nl)) : text.slice(from, nl);
    if (!isBlankText(line)) {
      const found = { text: () => line, complete: nl < text.length };
      if (first) second = found;
      else first = found;
    }
    from = nl + 1;
  }
  if (decideFrom(first, second, true, oneLineIsNdjson) === 'document') return [{ kind: 'text', source, text }];
  const units: Unit[] = [];
  let line = 0;
  for (let from = 0; from <= text.length; ) {
    let nl = text.indexOf('\n', from);
    if (nl === -1) nl = text.length;
    line++;
    let content = text.slice(from, text.charCodeAt(nl - 1) === 0x0d && nl > from ? nl - 1 : nl);
    if (line === 1) content = stripBom(content);
    if (!isBlankText(content)) units.push({ kind: 'text', source, line, text: content });
    from = nl + 1;
  }
  return units;
}

/** Where the lines of the held chunks start and end, as [start, end) offsets over all of them. */
function* lineRanges(chunks: readonly Buffer[]): Generator<{ start: number; end: number; complete: boolean }> {
  let base = 0;
  let start = 0;
  for (const chunk of chunks) {
    for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL, nl + 1)) {
      yield { start, end: base + nl, complete: true };
      start = base + nl + 1;
    }
    base += chunk.length;
  }
  if (start < base) yield { start, end: base, complete: false };
}

function bytesOf(chunks: readonly Buffer[], start: number, end: number): Buffer {
  const parts: Buffer[] = [];
  let base = 0;
  for (const chunk of chunks) {
    const from = Math.max(start - base, 0);
    const to = Math.min(end - base, chunk.length);
    if (from < to) parts.push(chunk.subarray(from, to));
    base += chunk.length;
    if (base >= end) break;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function isBlank(chunks: readonly Buffer[], start: number, end: number): boolean {
  let base = 0;
  for (const chunk of chunks) {
    const from = Math.max(start - base, 0);
    const to = Math.min(end - base, chunk.length);
    for (let i = from; i < to; i++) {
      const b = chunk[i]!;
      // A BOM only opens the first line.
      if (!isBlankByte(b) && !(base + i < 3 && (b === 0xef || b === 0xbb || b === 0xbf))) return false;
    }
    base += chunk.length;
    if (base >= end) break;
  }
  return true;
}
