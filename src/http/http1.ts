// An incremental HTTP/1.x request parser for `listen`, with no I/O: bytes go in with `push`, in
// chunks split anywhere, and requests come out through a sink. It replaces node:http's parser
// and stream objects, which cost about as much per request as all of listen's checks (README,
// Design: "listen's HTTP layer"). It is strict where leniency lets a request be
// read two ways (request smuggling) and otherwise follows what node:http does:
// - a head (request line and headers) of at most `maxHeadBytes` (16 KiB, node's default), else
//   431; CRLF line ends only; no obs-fold, no whitespace before the colon, no control characters
//   in values: 400;
// - the body framed by Content-Length (exactly one, digits only) or by chunked transfer coding
//   (the final coding; with trailers); both at once, or Transfer-Encoding in HTTP/1.0: 400;
// - HTTP/1.1 without Host: 400 (node's requireHostHeader); versions other than 1.0 and 1.1: 505;
// - header names lower-cased and duplicates joined, dropped or listed by node's rules, so
//   records look as they did with node:http; `rawHeaders` keeps names and values as sent;
// - a body over `maxBodyBytes` is not read: the request comes out at once with `tooLarge`, and
//   the parser stops, since the connection must close after the answer.
// After an error, a tooLarge request or a request without keep-alive, the parser takes no more
// input: whatever follows on that connection is not read as requests.
import { STATUS_CODES } from 'node:http';

export interface Http1Head {
  method: string;
  /** The request target exactly as sent (latin1), as node's `req.url`. */
  url: string;
  httpVersion: '1.0' | '1.1';
  /** Lower-case names; duplicates joined with ", " ("; " for cookie), dropped for single-value fields, set-cookie as an array. */
  headers: Record<string, string | string[]>;
  /** Names and values as sent, alternating. */
  rawHeaders: string[];
  keepAlive: boolean;
  /** `Expect: 100-continue` on HTTP/1.1 (the client waits for "100 Continue" before the body). */
  expectContinue: boolean;
  /** The declared Content-Length, or -1 when the body is chunked. */
  contentLength: number;
}

export interface Http1Request extends Http1Head {
  /** The body (empty when `tooLarge`). */
  body: Buffer;
  /** Bytes in the body; when `tooLarge`, what was declared or counted before reading stopped. */
  bodyBytes: number;
  tooLarge: boolean;
}

export interface Http1Sink {
  /** The head is complete; the body (if any) follows. */
  head(head: Http1Head): void;
  /** A complete request (or a tooLarge one, at once). */
  request(request: Http1Request): void;
  /** The input is not valid HTTP/1.x; the parser has stopped. */
  error(error: Http1Error): void;
}

export class Http1Error extends Error {
  constructor(
    /** The status to answer with. */
    readonly status: 400 | 431 | 505,
    /** A short machine-readable reason, e.g. "obs-fold". */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Http1Limits {
  /** Request line + headers, and trailers, each at most this many bytes. */
  maxHeadBytes: number;
  maxBodyBytes: number;
  /** Header lines kept beyond this are ignored (node's maxHeadersCount, 2000). */
  maxHeaderPairs?: number;
}

/** Where the parser is: between requests, in a head, or in a body. */
export const IDLE = 0;
export const IN_HEAD = 1;
export const IN_BODY = 2;

const HEAD = 0;
const LENGTH_BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_DATA_END = 4;
const TRAILERS = 5;
const STOPPED = 6;

const CR = 13;
const LF = 10;
const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
/** Body pieces kept as views before they are copied into one buffer. */
const MAX_PARTS = 16;
/** A chunk-size line with extensions, at most. */
const MAX_CHUNK_LINE = 4096;

/** Control characters other than HTAB, CR and LF: never valid in a head (CR and LF are checked where lines end). */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
// Byte classes. tchar (RFC 9110 token characters) for methods and header names; field value
// characters (HTAB, SP, VCHAR, obs-text); request-target characters (VCHAR, obs-text; no space).
const TOKEN = new Uint8Array(256);
const FIELD = new Uint8Array(256);
const TARGET = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  TOKEN[c] = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(ch) ? 1 : 0;
  FIELD[c] = c === 9 || (c >= 0x20 && c !== 0x7f) ? 1 : 0;
  TARGET[c] = c > 0x20 && c !== 0x7f ? 1 : 0;
}

/** Fields node keeps one value of (the first); others are joined. */
const SINGLE = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
  'server', 'user-agent',
]);

/** Add one header to a node-style headers object, by node's rules for duplicates. */
function addHeader(headers: Record<string, string | string[]>, lowerName: string, value: string): void {
  if (lowerName === 'set-cookie') {
    const list = headers['set-cookie'];
    if (list === undefined) headers['set-cookie'] = [value];
    else (list as string[]).push(value);
    return;
  }
  const old = headers[lowerName];
  if (old === undefined) headers[lowerName] = value;
  else if (SINGLE.has(lowerName)) return; // node keeps the first
  // Written as node does, so odd names behave alike ("__proto__" is dropped, "constructor" kept).
  else if (typeof old === 'string') headers[lowerName] = old + (lowerName === 'cookie' ? '; ' : ', ') + value;
  else headers[lowerName] = value;
}

export class Http1Parser {
  private state = HEAD;
  /** Bytes of an unfinished head carried over from earlier chunks. */
  private partial: Buffer | undefined;
  /** Where to resume looking for the end of the head in `partial`. */
  private scanFrom = 0;
  private head: Http1Request | undefined;
  private parts: Buffer[] = [];
  private acc: Buffer | undefined;
  private accLength = 0;
  private bodyBytes = 0;
  private remaining = 0;
  /** An unfinished chunk-size or trailer line. */
  private line = '';
  private trailerBytes = 0;
  private readonly maxHeaderPairs: number;
  private holding = false;
  private held: Buffer | undefined;
  /** Requests begun so far (a request begins with its first byte). */
  started = 0;

  constructor(
    private readonly limits: Http1Limits,
    private readonly sink: Http1Sink,
  ) {
    this.maxHeaderPairs = limits.maxHeaderPairs ?? 2000;
  }

  /** IDLE, IN_HEAD or IN_BODY; IDLE also once stopped. */
  get phase(): number {
    if (this.state === STOPPED) return IDLE;
    if (this.state === HEAD) return this.partial === undefined ? IDLE : IN_HEAD;
    return IN_BODY;
  }

  get stopped(): boolean {
    return this.state === STOPPED;
  }

  /** Take no more input (the connection is closing). */
  stop(): void {
    this.state = STOPPED;
    this.partial = undefined;
    this.held = undefined;
    this.parts = [];
    this.acc = undefined;
  }

  /** Stop at the next request boundary, keeping the bytes after it, until `release()`. */
  hold(): void {
    this.holding = true;
  }

  /** Go on with what was kept by `hold()`. */
  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) this.push(held);
  }

  push(chunk: Buffer): void {
    if (this.held !== undefined) {
      chunk = Buffer.concat([this.held, chunk]);
      this.held = undefined;
    }
    let off = 0;
    const end = chunk.length;
    while (off < end) {
      if (this.holding && this.state === HEAD && this.partial === undefined) {
        this.held = off === 0 ? chunk : chunk.subarray(off);
        return;
      }
      switch (this.state) {
        case HEAD:
          off = this.readHead(chunk, off);
          break;
        case LENGTH_BODY: {
          const take = Math.min(this.remaining, end - off);
          this.append(take === end - off && off === 0 ? chunk : chunk.subarray(off, off + take));
          this.bodyBytes += take;
          this.remaining -= take;
          off += take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case CHUNK_SIZE:
          off = this.readChunkSize(chunk, off);
          break;
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, end - off);
          this.append(chunk.subarray(off, off + take));
          this.remaining -= take;
          off += take;
          if (this.remaining === 0) {
            this.state = CHUNK_DATA_END;
            this.remaining = 2;
          }
          break;
        }
        case CHUNK_DATA_END:
          // Exactly CRLF after each chunk's data.
          if (chunk[off] !== (this.remaining === 2 ? CR : LF)) {
            this.fail(400, 'chunk-end', 'chunk data not followed by CRLF');
            return;
          }
          off++;
          if (--this.remaining === 0) this.state = CHUNK_SIZE;
          break;
        case TRAILERS:
          off = this.readTrailer(chunk, off);
          break;
        default:
          return;
      }
    }
  }

  private readHead(chunk: Buffer, off: number): number {
    const end = chunk.length;
    let buf: Buffer;
    let from: number;
    if (this.partial === undefined) {
      // Empty lines before a request line are ignored (RFC 9112 §2.2), as node does.
      while (off < end && (chunk[off] === CR || chunk[off] === LF)) off++;
      if (off === end) return end;
      this.started++;
      buf = chunk;
      from = off;
    } else {
      buf = Buffer.concat([this.partial, chunk.subarray(off)]);
      from = 0;
      off = 0;
    }
    const at = buf.indexOf(CRLF2, buf === chunk ? from : this.scanFrom);
    if (at === -1) {
      if (buf.length - from > this.limits.maxHeadBytes) return this.fail(431, 'head-too-large', `request head over ${this.limits.maxHeadBytes} bytes`);
      // A copy: the chunk may be a view of a larger buffer that should not stay alive.
      this.partial = buf === chunk ? Buffer.from(chunk.subarray(from)) : buf;
      this.scanFrom = Math.max(0, this.partial.length - 3);
      return end;
    }
    if (at + 4 - from > this.limits.maxHeadBytes) return this.fail(431, 'head-too-large', `request head over ${this.limits.maxHeadBytes} bytes`);
    this.partial = undefined;
    const head = this.parseHead(buf, from, at);
    if (head === undefined) return end;
    // Where the body starts, in `chunk`'s offsets.
    const bodyAt = buf === chunk ? at + 4 : end - (buf.length - (at + 4));
    this.begin(head);
    return this.state === STOPPED ? end : bodyAt;
  }

  /** The request line and header lines in buf[from, to) (lines end in CRLF; the last one's CRLF is at `to`). */
  private parseHead(buf: Buffer, from: number, to: number): Http1Request | undefined {
    // One string for the whole head: slicing it is cheaper than a native call per name and value.
    const h = latin1Slice.call(buf, from, to);
    const n = h.length;
    if (CONTROL.test(h)) return this.failHead('control', 'control character in the request head');
    // Request line: method SP request-target SP HTTP-version.
    let i = 0;
    while (i < n && TOKEN[h.charCodeAt(i)]) i++;
    if (i === 0 || h.charCodeAt(i) !== 0x20) return this.failHead('request-line', 'malformed request line (method)');
    const method = h.slice(0, i);
    const urlAt = ++i;
    while (i < n && TARGET[h.charCodeAt(i)]) i++;
    if (i === urlAt || h.charCodeAt(i) !== 0x20) return this.failHead('request-line', 'malformed request line (target)');
    const url = h.slice(urlAt, i);
    const versionAt = ++i;
    let lineEnd = h.indexOf('\r', versionAt);
    if (lineEnd === -1) lineEnd = n;
    if (lineEnd - versionAt !== 8 || !h.startsWith('HTTP/', versionAt) || h.charCodeAt(versionAt + 6) !== 0x2e) {
      return this.failHead('version', 'malformed request line (version)');
    }
    const major = h.charCodeAt(versionAt + 5) - 0x30;
    const minor = h.charCodeAt(versionAt + 7) - 0x30;
    if (major < 0 || major > 9 || minor < 0 || minor > 9) return this.failHead('version', 'malformed request line (version)');
    if (major !== 1 || minor > 1) {
      this.fail(505, 'version', `HTTP/${major}.${minor} is not supported (HTTP/1.0 and 1.1 are)`);
      return undefined;
    }
    if (lineEnd < n && h.charCodeAt(lineEnd + 1) !== LF) return this.failHead('line-end', 'a line ends in CR without LF');

    const headers: Record<string, string | string[]> = {};
    const rawHeaders: string[] = [];
    let contentLength = -2;
    let lengths = 0;
    let transferEncoding: string | undefined;
    let connection = '';
    let expect: string | undefined;
    let host = false;
    let pairs = 0;
    // The framing headers are read from every line, not from `headers`, which stops at
    // maxHeaderPairs: a Transfer-Encoding past the cap must still count.
    i = lineEnd + 2;
    while (i < n) {
      let eol = h.indexOf('\r', i);
      if (eol === -1) eol = n;
      else if (h.charCodeAt(eol + 1) !== LF) return this.failHead('line-end', 'a line ends in CR without LF');
      // name ":" OWS value OWS
      let j = i;
      while (j < eol && TOKEN[h.charCodeAt(j)]) j++;
      if (j === i) {
        const folded = h.charCodeAt(i) === 0x20 || h.charCodeAt(i) === 0x09;
        return this.failHead(folded ? 'obs-fold' : 'header-name', folded ? 'folded header line (obs-fold)' : 'malformed header name');
      }
      if (h.charCodeAt(j) !== 0x3a) return this.failHead('header-name', 'malformed header name (no colon, or whitespace before it)');
      const name = h.slice(i, j);
      let v = j + 1;
      while (v < eol && (h.charCodeAt(v) === 0x20 || h.charCodeAt(v) === 0x09)) v++;
      let ve = eol;
      while (ve > v && (h.charCodeAt(ve - 1) === 0x20 || h.charCodeAt(ve - 1) === 0x09)) ve--;
      const value = h.slice(v, ve);
      // Control characters anywhere in the head were refused above; a bare LF is the one left.
      if (value.indexOf('\n') !== -1) return this.failHead('header-value', `control character in the value of ${name}`);
      const lower = name.toLowerCase();
      switch (lower) {
        case 'content-length':
          lengths++;
          contentLength = parseLength(value);
          break;
        case 'transfer-encoding':
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
          break;
        case 'connection':
          connection = connection ? `${connection}, ${value}` : value;
          break;
        case 'expect':
          expect = value;
          break;
        case 'host':
          host = true;
          break;
      }
      if (pairs < this.maxHeaderPairs) {
        pairs++;
        rawHeaders.push(name, value);
        addHeader(headers, lower, value);
      }
      i = eol + 2;
    }

    const http10 = minor === 0;
    if (!http10 && !host) return this.failHead('host', 'HTTP/1.1 request without a Host header');
    if (transferEncoding !== undefined) {
      if (lengths > 0) return this.failHead('framing', 'both Content-Length and Transfer-Encoding');
      if (http10) return this.failHead('framing', 'Transfer-Encoding in an HTTP/1.0 request');
      const codings = transferEncoding.toLowerCase().split(',').map((c) => c.trim()).filter(Boolean);
      if (codings.at(-1) !== 'chunked' || codings.indexOf('chunked') !== codings.length - 1) {
        return this.failHead('framing', 'Transfer-Encoding does not end in chunked (the body length is unknown)');
      }
      contentLength = -1;
    } else if (lengths > 1) {
      return this.failHead('framing', 'more than one Content-Length');
    } else if (lengths === 1 && contentLength < 0) {
      return this.failHead('framing', 'Content-Length is not a number');
    } else if (lengths === 0) {
      contentLength = 0;
    }
    const tokens = connection.toLowerCase();
    const keepAlive = http10 ? hasToken(tokens, 'keep-alive') : !hasToken(tokens, 'close');
    const expectContinue = !http10 && expect !== undefined && expect.toLowerCase() === '100-continue';
    // Made whole now (one shape), filled in when the body is complete.
    const request: Http1Request = { method, url, httpVersion: http10 ? '1.0' : '1.1', headers, rawHeaders, keepAlive, expectContinue, contentLength, body: EMPTY, bodyBytes: 0, tooLarge: false };
    return request;
  }

  private begin(head: Http1Request): void {
    this.head = head;
    this.sink.head(head);
    this.bodyBytes = 0;
    if (head.contentLength === -1) {
      this.state = CHUNK_SIZE;
      this.line = '';
    } else if (head.contentLength > this.limits.maxBodyBytes) {
      this.bodyBytes = head.contentLength;
      this.tooLarge();
    } else if (head.contentLength === 0) {
      this.complete();
    } else {
      this.remaining = head.contentLength;
      this.state = LENGTH_BODY;
    }
  }

  private readChunkSize(chunk: Buffer, off: number): number {
    const line = this.readLine(chunk, off, MAX_CHUNK_LINE);
    if (line === undefined) return chunk.length;
    const [text, next] = line;
    let i = 0;
    let size = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0) break;
      size = size * 16 + d;
    }
    if (i === 0 || i > 12) return this.fail(400, 'chunk-size', 'malformed chunk size');
    // BWS, then extensions (";" name[=value]), which are ignored.
    let j = i;
    while (j < text.length && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j++;
    if (j < text.length && text.charCodeAt(j) !== 0x3b) return this.fail(400, 'chunk-size', 'malformed chunk size');
    if (!fieldChars(text, j)) return this.fail(400, 'chunk-size', 'control character in a chunk extension');
    if (size === 0) {
      this.state = TRAILERS;
      this.trailerBytes = 0;
      return next;
    }
    if (this.bodyBytes + size > this.limits.maxBodyBytes) {
      this.bodyBytes += size;
      this.tooLarge();
      return chunk.length;
    }
    this.bodyBytes += size;
    this.remaining = size;
    this.state = CHUNK_DATA;
    return next;
  }

  /** Trailer lines after the last chunk, up to an empty line; checked like headers, then dropped. */
  private readTrailer(chunk: Buffer, off: number): number {
    const line = this.readLine(chunk, off, this.limits.maxHeadBytes - this.trailerBytes);
    if (line === undefined) return chunk.length;
    const [text, next] = line;
    this.trailerBytes += text.length + 2;
    if (text === '') {
      this.complete();
      return next;
    }
    let j = 0;
    while (j < text.length && TOKEN[text.charCodeAt(j)]) j++;
    if (j === 0 || text.charCodeAt(j) !== 0x3a) return this.fail(400, 'trailer', 'malformed trailer line');
    if (!fieldChars(text, j + 1)) return this.fail(400, 'trailer', 'control character in a trailer');
    return next;
  }

  /** A CRLF-terminated line (latin1, without the CRLF) and the offset after it; undefined: not complete yet (or failed). */
  private readLine(chunk: Buffer, off: number, max: number): [string, number] | undefined {
    const lf = chunk.indexOf(LF, off);
    const piece = chunk.toString('latin1', off, lf === -1 ? chunk.length : lf);
    const text = this.line.length === 0 ? piece : this.line + piece;
    if (text.length + 1 > max) {
      this.fail(this.state === TRAILERS ? 431 : 400, 'line-too-long', this.state === TRAILERS ? 'trailers too large' : 'chunk-size line too long');
      return undefined;
    }
    if (lf === -1) {
      this.line = text;
      return undefined;
    }
    this.line = '';
    if (text.charCodeAt(text.length - 1) !== CR) {
      this.fail(400, 'line-end', 'a line ends in LF without CR');
      return undefined;
    }
    return [text.slice(0, -1), lf + 1];
  }

  /**
   * Keep a piece of the body: as a view while there are few (the usual body comes in one or two
   * reads), copied into one growing buffer once there are many, so a body sent in tiny chunks
   * or segments costs its size in memory, not an object per piece.
   */
  private append(piece: Buffer): void {
    if (this.acc === undefined) {
      if (this.parts.length < MAX_PARTS) {
        this.parts.push(piece);
        return;
      }
      const first = Buffer.concat(this.parts);
      this.parts = [];
      this.acc = Buffer.allocUnsafe(Math.max(first.length * 2, 16 * 1024));
      first.copy(this.acc);
      this.accLength = first.length;
    }
    if (this.accLength + piece.length > this.acc.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.acc.length * 2, this.accLength + piece.length));
      this.acc.copy(grown, 0, 0, this.accLength);
      this.acc = grown;
    }
    piece.copy(this.acc, this.accLength);
    this.accLength += piece.length;
  }

  private complete(): void {
    const head = this.head!;
    const parts = this.parts;
    const body = this.acc !== undefined ? this.acc.subarray(0, this.accLength) : parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.parts = [];
    this.acc = undefined;
    this.head = undefined;
    this.state = head.keepAlive ? HEAD : STOPPED;
    head.body = body;
    head.bodyBytes = body.length;
    this.sink.request(head);
  }

  private tooLarge(): void {
    const head = this.head!;
    this.stop();
    this.head = undefined;
    head.bodyBytes = this.bodyBytes;
    head.tooLarge = true;
    this.sink.request(head);
  }

  private failHead(code: string, message: string): undefined {
    this.fail(400, code, message);
    return undefined;
  }

  private fail(status: 400 | 431 | 505, code: string, message: string): number {
    this.stop();
    this.head = undefined;
    this.sink.error(new Http1Error(status, code, message));
    return Number.MAX_SAFE_INTEGER;
  }
}

const EMPTY = Buffer.alloc(0);
// Buffer's own latin1 decoder, without toString's argument checks (it is called for every request).
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Buffer, start: number, end: number): string }).latin1Slice;

/** Whether text[from..] holds only field-value characters (no control characters but HTAB). */
function fieldChars(text: string, from: number): boolean {
  for (let k = from; k < text.length; k++) if (!FIELD[text.charCodeAt(k)]) return false;
  return true;
}

/** Content-Length: 1 to 15 digits, nothing else; -1 if not. */
function parseLength(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether a lower-case comma-separated list holds `token`. */
function hasToken(list: string, token: string): boolean {
  if (list.indexOf(token) === -1) return false;
  if (list === token) return true;
  for (const t of list.split(',')) if (t.trim() === token) return true;
  return false;
}

export interface Http1Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

/**
 * The response as bytes: status line, the answer's headers, content-length (none for 1xx, 204
 * and 304, which have no body), connection and keep-alive, date (unless given), then the body
 * (none for HEAD). Header values are written as latin1, the body as given (strings as UTF-8).
 */
export function serializeResponse(answer: Http1Answer, options: { head: boolean; keepAlive: boolean; keepAliveSeconds: number; date: string }): Buffer {
  const { status, headers } = answer;
  const bodyless = status < 200 || status === 204 || status === 304;
  let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
  let dated = false;
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding') continue;
    if (lower === 'date') dated = true;
    const value = headers[name]!;
    if (typeof value === 'string') text += `${name}: ${value}\r\n`;
    else for (const v of value) text += `${name}: ${v}\r\n`;
  }
  if (!dated) text += `date: ${options.date}\r\n`;
  const body = answer.body;
  const bodyLength = bodyless ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (!bodyless) text += `content-length: ${bodyLength}\r\n`;
  text += options.keepAlive ? `connection: keep-alive\r\nkeep-alive: timeout=${options.keepAliveSeconds}\r\n\r\n` : 'connection: close\r\n\r\n';
  const written = bodyless || options.head ? 0 : bodyLength;
  const out = Buffer.allocUnsafe(text.length + written);
  out.write(text, 0, 'latin1');
  if (written > 0) {
    if (typeof body === 'string') out.write(body, text.length, 'utf8');
    else body.copy(out, text.length);
  }
  return out;
}
