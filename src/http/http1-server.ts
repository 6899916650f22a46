// listen's HTTP server: the parser in http1.ts on node:net sockets. Per connection, answers go
// out in the order the requests came (a delayed or forwarded answer holds back the ones after
// it), and a connection closes after an answer that ends it: the client asked (Connection:
// close, HTTP/1.0), the body was too large, or the request was not valid HTTP (400/431/505,
// answered by the server itself). Guards against slow or stuck clients, as node:http's:
// - headersTimeout: a request's head must arrive within this time of its first byte; the
//   whole request within requestTimeout; else 408 and close;
// - keepAliveTimeout: an idle connection (no request in progress, no answer pending) closes;
// - at most `maxPipelined` unanswered requests per connection, and reading pauses while the
//   client is not reading its answers;
// - closing after an answer is lingering: the socket is ended, unread input is read and dropped
//   for a while, so the client is not reset before it reads the answer (a 413 sent while the
//   client is still sending its body).
import { createServer, type Server, type Socket } from 'node:net';
import { type Http1Error, Http1Parser, IDLE, IN_HEAD, serializeResponse, type Http1Answer, type Http1Head, type Http1Request, type Http1Sink } from './http1.js';

export interface Http1ServerOptions {
  maxHeadBytes?: number;
  maxBodyBytes: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** How long a closing connection keeps reading (and dropping) input before it is destroyed. */
  lingerMs?: number;
  maxPipelined?: number;
  /**
   * Answer a request by calling `respond` once, now or later (a callback, not a promise: this
   * runs for every request). A throw is answered 500 and reported through onProblem.
   */
  handle(request: Http1Request, respond: (answer: Http1Answer) => void): void;
  /** A request that was not answered normally: malformed, timed out, cut off, or a failed handler. */
  onProblem?(problem: { status?: number; code: string; message: string }): void;
}

export interface Http1Server {
  server: Server;
  /** Stop accepting, drop every connection. */
  close(): Promise<void>;
}

const DEFAULTS = { maxHeadBytes: 16 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, lingerMs: 2_000, maxPipelined: 32 };
/** Pause reading while this much of the answers is not yet taken by the client. */
const WRITE_BACKLOG = 256 * 1024;

interface Slot {
  head: Http1Head;
  answer?: Http1Answer;
  /** Close the connection after this answer. */
  close: boolean;
  /** "100 Continue" is to be sent when this request reaches the front (it expects one, has a body within the limit, and the body has not come yet). */
  continueDue: boolean;
}

export function createHttp1Server(options: Http1ServerOptions): Http1Server {
  const merged = { ...DEFAULTS, ...definedOnly(options), maxBodyBytes: options.maxBodyBytes, handle: options.handle };
  const settings: Settings = { ...merged, keepAliveSeconds: Math.round(merged.keepAliveTimeoutMs / 1000) };
  const connections = new Set<Connection>();
  const tickMs = Math.max(25, Math.min(1000, Math.floor(Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs, settings.keepAliveTimeoutMs, settings.lingerMs) / 4)));
  // A coarse clock, set by the timer that checks the timeouts: one Date per tick, not per request.
  const clock: Clock = { now: Date.now(), date: '' };
  clock.date = new Date(clock.now).toUTCString();
  const timer = setInterval(() => {
    clock.now = Date.now();
    clock.date = new Date(clock.now).toUTCString();
    for (const c of connections) c.tick(clock.now);
  }, tickMs);
  timer.unref();

  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const c = new Connection(socket, settings, clock);
    connections.add(c);
    socket.on('close', () => connections.delete(c));
  });
  server.on('close', () => clearInterval(timer));

  return {
    server,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const c of connections) c.destroy();
      }),
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type Settings = typeof DEFAULTS & Http1ServerOptions & { keepAliveSeconds: number };
interface Clock {
  now: number;
  /** The Date header's value. */
  date: string;
}

class Connection implements Http1Sink {
  private readonly parser: Http1Parser;
  private readonly queue: Slot[] = [];
  /** The slot of the request being read (head seen, body not complete). */
  private current: Slot | undefined;
  private closing = false;
  private closingSince = 0;
  private peerEnded = false;
  private paused = false;
  private lastActive: number;
  private requestStartedAt = 0;
  private seenStarted = 0;

  constructor(
    private readonly socket: Socket,
    private readonly settings: Settings,
    private readonly clock: Clock,
  ) {
    this.parser = new Http1Parser({ maxHeadBytes: settings.maxHeadBytes, maxBodyBytes: settings.maxBodyBytes }, this);
    this.lastActive = clock.now;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.flow());
    // A reset or a write after the peer left: the socket closes; nothing to answer any more.
    socket.on('error', () => {});
  }

  destroy(): void {
    this.parser.stop();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closing || this.parser.stopped) return; // lingering: read and dropped
    this.parser.push(chunk);
    // Only the start of a request counts as activity: empty lines between requests, which
    // the parser skips, do not keep an idle connection open.
    if (this.parser.started !== this.seenStarted) {
      this.seenStarted = this.parser.started;
      this.requestStartedAt = this.clock.now;
      this.lastActive = this.clock.now;
    }
    this.flow();
  }

  private onEnd(): void {
    this.peerEnded = true;
    if (this.parser.phase !== IDLE) {
      this.settings.onProblem?.({ code: 'cut-off', message: 'the client closed the connection in the middle of a request' });
    }
    this.parser.stop();
    // A request whose body never came has no answer to wait for.
    if (this.current !== undefined) {
      this.queue.splice(this.queue.indexOf(this.current), 1);
      this.current = undefined;
    }
    // The answers still due go out first (flush closes after the last one).
    if (this.queue.length === 0 && !this.closing) this.startClosing();
  }

  // Sink: the parser's output.
  head(head: Http1Head): void {
    const continueDue = head.expectContinue && head.contentLength !== 0 && head.contentLength <= this.settings.maxBodyBytes;
    const slot: Slot = { head, close: false, continueDue };
    this.current = slot;
    this.queue.push(slot);
    // Many requests can come in one read: stop at the limit, not only at the next read.
    if (this.queue.length >= this.settings.maxPipelined) this.flow();
    if (continueDue) this.flush();
  }

  request(request: Http1Request): void {
    const slot = this.current!;
    this.current = undefined;
    slot.close = !request.keepAlive || request.tooLarge;
    slot.continueDue = false; // the body is here (or will never be read)
    try {
      this.settings.handle(request, (answer) => this.answer(slot, answer));
    } catch (err) {
      if (slot.answer === undefined) this.answer(slot, this.failed(err));
    }
  }

  error(error: Http1Error): void {
    this.refuse(error.status, error.code, error.message);
  }

  /** Report, then answer with `status` after the answers already due, and close; read no more requests. */
  private refuse(status: number, code: string, message: string): void {
    this.settings.onProblem?.({ status, code, message });
    this.parser.stop();
    // A request whose head came but whose body did not: its slot gets this answer.
    const slot = this.current ?? { head: BARE_HEAD, close: true, continueDue: false };
    if (this.current === undefined) this.queue.push(slot);
    this.current = undefined;
    slot.close = true;
    slot.continueDue = false;
    this.answer(slot, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: message }) });
  }

  private failed(err: unknown): Http1Answer {
    this.settings.onProblem?.({ status: 500, code: 'handler', message: `request failed inside hookscope: ${(err as Error)?.message ?? String(err)}` });
    return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"hookscope listen failed to handle this request"}' };
  }

  private answer(slot: Slot, answer: Http1Answer): void {
    if (slot.answer !== undefined) return; // answered twice: the first one stands
    slot.answer = answer;
    if (this.queue[0] === slot) this.flush();
  }

  /** Write the answers that are due, in order; a "100 Continue" for a request waiting on one. */
  private flush(): void {
    const socket = this.socket;
    while (this.queue.length > 0) {
      const slot = this.queue[0]!;
      if (slot.answer === undefined) {
        if (slot.continueDue && !socket.destroyed) {
          slot.continueDue = false;
          socket.write(CONTINUE);
        }
        break;
      }
      this.queue.shift();
      if (socket.destroyed) continue;
      const close = slot.close;
      socket.write(serializeResponse(slot.answer, { head: slot.head.method === 'HEAD', keepAlive: !close, keepAliveSeconds: this.settings.keepAliveSeconds, date: this.clock.date }));
      this.lastActive = this.clock.now;
      if (close) {
        this.startClosing();
        return;
      }
    }
    if (this.queue.length === 0 && this.peerEnded && !this.closing) this.startClosing();
    this.flow();
  }

  private startClosing(): void {
    this.closing = true;
    this.closingSince = this.clock.now;
    this.parser.stop();
    this.queue.length = 0;
    this.current = undefined;
    this.socket.end();
    // Keep reading (and dropping) what the client still sends, so its socket is not reset before it reads the answer.
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Pause reading while too many answers are pending or the client is not reading them. */
  private flow(): void {
    if (this.closing) return;
    const stalled = this.queue.length >= this.settings.maxPipelined || this.socket.writableLength > WRITE_BACKLOG;
    if (stalled && !this.paused) {
      this.paused = true;
      // Requests already read but not parsed wait too, not only the socket.
      this.parser.hold();
      this.socket.pause();
    } else if (!stalled && this.paused) {
      this.paused = false;
      this.socket.resume();
      this.parser.release();
    }
  }

  tick(now: number): void {
    const s = this.settings;
    if (this.closing) {
      if (now - this.closingSince >= s.lingerMs) this.socket.destroy();
      return;
    }
    const phase = this.parser.phase;
    if (phase === IN_HEAD && now - this.requestStartedAt >= s.headersTimeoutMs) {
      this.refuse(408, 'timeout', `the request head did not arrive within ${s.headersTimeoutMs} ms`);
    } else if (phase !== IDLE && now - this.requestStartedAt >= s.requestTimeoutMs) {
      this.refuse(408, 'timeout', `the request did not arrive within ${s.requestTimeoutMs} ms`);
    } else if (phase === IDLE && this.queue.length === 0 && this.socket.writableLength === 0 && now - this.lastActive >= s.keepAliveTimeoutMs) {
      this.socket.destroy();
    }
  }
}

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
/** The head of a request that never had one (a malformed or timed-out one). */
const BARE_HEAD: Http1Head = { method: '', url: '', httpVersion: '1.1', headers: {}, rawHeaders: [], keepAlive: false, expectContinue: false, contentLength: 0 };
