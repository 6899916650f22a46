// listen's HTTP server: node:http with its guards set, and the few rules node:http leaves to the
// application. node:http (llhttp) parses, refuses smuggling shapes, answers pipelined requests in
// order and enforces the timeouts; this module adds:
// - the body limit: a body over `maxBodyBytes` is not kept; the request is still handed on
//   (`omitted: 'too-large'`, so it can be logged with its size) and its answer closes the
//   connection; `Expect: 100-continue` with a declared length over the limit gets that answer
//   without a 100 Continue;
// - the memory budget: bodies held at once (received, not yet answered) stay within
//   `maxInFlightBytes`; a request that would go over it is handed on as `omitted:
//   'over-budget'` with its body dropped (the listener answers 503, so the vendor retries);
// - HTTP/1.1 without Host (400) and other HTTP versions (505), answered here so they are
//   counted and reported like the parser's refusals;
// - `clientError`: 400, 431 or 408 on the raw socket when no answer is under way on it, and a
//   report either way (a client that goes away is reported, not counted).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ListenerServerOptions {
  maxBodyBytes: number;
  /** Bytes of bodies held at once, over all requests (default: 8 × maxBodyBytes, at least 64 MiB). */
  maxInFlightBytes?: number;
  /**
   * Answer a request by calling `respond` once, now or later (a callback, not a promise: this
   * runs for every request). A throw is answered 500 and reported through onProblem.
   */
  handle(request: ReceivedRequest, respond: (answer: Answer) => void): void;
  /** A request that was not answered normally: malformed, timed out, cut off, or a failed handler. */
  onProblem?(problem: Problem): void;
  /** Told the bytes of bodies held whenever they grow (to watch the budget fill, in tests). */
  onHeld?(bytes: number): void;
  /** Shorter timeouts, for tests (milliseconds; defaults in SERVER_OPTIONS). */
  timeouts?: Partial<Record<'headersTimeout' | 'requestTimeout' | 'keepAliveTimeout' | 'connectionsCheckingInterval', number>>;
}

export interface ReceivedRequest {
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  /** node:http's header object: lower-case names, its rules for repeated headers. */
  headers: Record<string, string | string[]>;
  /** Names and values as they came, in order. */
  rawHeaders: string[];
  /** The body (empty when `omitted`). */
  body: Buffer;
  /** Bytes in the body; when `omitted`, what was declared or counted before reading stopped. */
  bodyBytes: number;
  /** Why the body was not kept: over the body limit, or over the in-flight budget. */
  omitted?: 'too-large' | 'over-budget';
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

export interface Problem {
  /** The status answered, when one could be. */
  status?: number;
  code: 'malformed' | 'too-large-head' | 'timeout' | 'cut-off' | 'handler';
  message: string;
}

export interface ListenerServer {
  server: Server;
  /** Stop accepting, drop every connection. */
  close(): Promise<void>;
}

/** node:http's guards, set explicitly: what listen promises does not depend on node's defaults. */
const SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 60_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16 * 1024,
  insecureHTTPParser: false,
  // Checked here, so that the refusal is counted and reported (node would answer it silently).
  requireHostHeader: false,
  // How often node looks for requests past headersTimeout/requestTimeout (default 30 s).
  connectionsCheckingInterval: 1_000,
  noDelay: true,
} as const;

export function createListenerServer(options: ListenerServerOptions): ListenerServer {
  const { maxBodyBytes, handle } = options;
  const maxInFlight = options.maxInFlightBytes ?? Math.max(64 * 1024 * 1024, 8 * maxBodyBytes);
  /** Bytes of bodies received and not yet answered, over all connections. */
  let inFlight = 0;
  const report = (problem: Problem) => options.onProblem?.(problem);
  /** Answers under way per socket: a raw error answer may only be written on an idle one. */
  const busy = new WeakMap<Socket, number>();
  /** Connections whose last answer closes them: requests pipelined after it are not taken. */
  const closing = new WeakSet<Socket>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket;
    if (closing.has(socket)) {
      req.resume();
      return;
    }
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once('close', () => busy.set(socket, (busy.get(socket) ?? 1) - 1));
    const refusal = refuse(req);
    if (refusal) {
      closing.add(socket);
      req.resume();
      report({ status: refusal.status, code: 'malformed', message: refusal.message });
      return send(res, { status: refusal.status, headers: { 'content-type': 'text/plain' }, body: `${refusal.message}\n` }, true);
    }
    const declared = declaredLength(req);
    if (declared !== undefined && declared > maxBodyBytes) return pass(req, res, EMPTY, declared, 'too-large');
    if (declared !== undefined && inFlight + declared > maxInFlight) return pass(req, res, EMPTY, declared, 'over-budget');
    const chunks: Buffer[] = [];
    let bytes = 0;
    let held = 0;
    let omitted: ReceivedRequest['omitted'];
    const release = () => {
      inFlight -= held;
      held = 0;
    };
    res.once('close', release);
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (omitted) return;
      const over = bytes > maxBodyBytes ? 'too-large' : inFlight + chunk.length > maxInFlight ? 'over-budget' : undefined;
      if (over) {
        // Answered at once; the rest is read and dropped.
        omitted = over;
        chunks.length = 0;
        release();
        pass(req, res, EMPTY, bytes, over);
      } else {
        chunks.push(chunk);
        held += chunk.length;
        inFlight += chunk.length;
        options.onHeld?.(inFlight);
      }
    });
    req.on('end', () => {
      if (!omitted) pass(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes), bytes, undefined);
    });
    // A client that goes away mid-body: reported by the clientError handler; nothing to record.
    req.on('error', () => {});
  };

  const pass = (req: IncomingMessage, res: ServerResponse, body: Buffer, bodyBytes: number, omitted: ReceivedRequest['omitted']): void => {
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers as Record<string, string | string[]>,
      rawHeaders: req.rawHeaders,
      body,
      bodyBytes,
    };
    if (omitted) {
      request.omitted = omitted;
      closing.add(req.socket);
    }
    let answered = false;
    const respond = (answer: Answer) => {
      if (answered) return;
      answered = true;
      send(res, answer, omitted !== undefined);
    };
    try {
      handle(request, respond);
    } catch (err) {
      report({ status: 500, code: 'handler', message: `request failed inside hookscope: ${(err as Error).message}` });
      respond({ status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"hookscope listen failed on this request"}' });
    }
  };

  const server = createServer({ ...SERVER_OPTIONS, ...options.timeouts }, onRequest);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    // An over-limit body is refused before the client sends it; otherwise go ahead.
    const declared = declaredLength(req);
    if (declared === undefined || declared <= maxBodyBytes) res.writeContinue();
    onRequest(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException & { reason?: string }, socket: Socket) => {
    const refusal = clientErrorAnswer(err);
    if (!refusal) {
      report({ code: 'cut-off', message: 'a client went away in the middle of a request (not recorded: it never arrived whole)' });
      socket.destroy();
      return;
    }
    report(refusal);
    if (socket.writable && !busy.get(socket)) {
      socket.end(`HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });

  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    server,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const EMPTY = Buffer.alloc(0);

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large', 505: 'HTTP Version Not Supported' };

/** What this module refuses that node:http lets through. */
function refuse(req: IncomingMessage): { status: 400 | 505; message: string } | undefined {
  if (req.httpVersionMajor !== 1) return { status: 505, message: `HTTP/${req.httpVersion} is not supported (HTTP/1.0 and 1.1 are)` };
  if (req.httpVersionMinor >= 1 && req.headers.host === undefined) return { status: 400, message: 'an HTTP/1.1 request without a Host header' };
  return undefined;
}

/** The answer and report for a request node:http could not take; undefined when the client left. */
function clientErrorAnswer(err: NodeJS.ErrnoException & { reason?: string }): (Problem & { status: 400 | 408 | 431 }) | undefined {
  switch (err.code) {
    // The client closed or reset the connection in the middle of a request.
    case 'ECONNRESET':
    case 'EPIPE':
    case 'HPE_INVALID_EOF_STATE':
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'timeout', message: 'the request did not arrive in time (its head within 10 s, all of it within 60 s)' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'too-large-head', message: 'the request head is over 16 KiB' };
    default:
      return { status: 400, code: 'malformed', message: `${err.reason ?? err.message}${err.code ? ` (${err.code})` : ''}` };
  }
}

/** The Content-Length a request declares, when it declares one (node has checked its syntax). */
function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers['content-length'];
  return value === undefined ? undefined : Number(value);
}

/** Write an answer; `close` ends the connection after it. 204 and 304 carry no body. */
function send(res: ServerResponse, answer: Answer, close: boolean): void {
  const bodyless = answer.status === 204 || answer.status === 304;
  const body = bodyless ? Buffer.alloc(0) : typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  const headers: Record<string, string | string[] | number> = { ...answer.headers };
  // One write with the head: a known length, never chunked framing.
  if (!bodyless) headers['content-length'] = body.length;
  if (close) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(body);
}
