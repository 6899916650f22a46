// Sending one request the way a vendor does: exactly the headers given (undici.request adds
// none of fetch's accept/sec-fetch-*/user-agent), no redirects followed, one deadline for the
// whole exchange, and a reply read without keeping more than a bounded prefix in memory.
import type { Dispatcher } from 'undici';
import { packageVersion } from '../files/package-root.js';

/**
 * Headers that belong to one connection, not to the message: never relayed or replayed (the
 * client sets its own host, length and connection handling).
 */
export const CONNECTION_HEADERS: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect',
  'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'host', 'content-length',
]);

/** What hookscope puts on a request it sends as a vendor would: the body's type (JSON unless said), and its own name. */
export function defaultHeaders(contentType = 'application/json'): [string, string][] {
  return [
    ['content-type', contentType],
    ['user-agent', `hookscope/${packageVersion()}`],
  ];
}

/** `aborted`: the caller's signal stopped the exchange (Ctrl-C), whatever the receiver was doing. */
export type FailureKind = 'refused' | 'dns' | 'tls' | 'timeout' | 'reset' | 'bad-response' | 'bad-url' | 'aborted' | 'other';

export interface OutgoingRequest {
  method: 'POST';
  url: string;
  /** In the order they go on the wire. */
  headers: [string, string][];
  body: Buffer;
}

export interface ReceivedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** The first `keepBytes` bytes of the body. */
  body: Buffer;
  totalBytes: number;
  truncated: boolean;
  latencyMs: number;
}

export type DeliveryOutcome = { ok: true; response: ReceivedResponse } | { ok: false; failure: { kind: FailureKind; message: string }; latencyMs: number };

export interface DeliverOptions {
  timeoutMs: number;
  /** How much of the reply body to keep (the rest is read and dropped). */
  keepBytes?: number;
  dispatcher?: Dispatcher;
  clock?: () => number;
  /** Aborts the exchange (Ctrl-C): the outcome is a failure of kind `aborted`. */
  signal?: AbortSignal;
}

export async function deliver(req: OutgoingRequest, options: DeliverOptions): Promise<DeliveryOutcome> {
  const dispatcher = options.dispatcher ?? (await sharedAgent());
  const clock = options.clock ?? (() => performance.now());
  const keep = options.keepBytes ?? 1024 * 1024;
  const started = clock();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs);
  const stop = options.signal;
  const onStop = () => abort.abort();
  stop?.addEventListener('abort', onStop, { once: true });
  try {
    if (stop?.aborted) return { ok: false, failure: stopped(stop), latencyMs: 0 };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return { ok: false, failure: { kind: 'bad-url', message: `not a valid URL: ${req.url}` }, latencyMs: 0 };
    }
    const res = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers: req.headers.flat(),
      body: req.body,
      signal: abort.signal,
    });
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (kept < keep) {
        const part = chunk.subarray(0, keep - kept);
        chunks.push(part);
        kept += part.length;
      }
    }
    return {
      ok: true,
      response: {
        status: res.statusCode,
        headers: res.headers as Record<string, string | string[]>,
        body: Buffer.concat(chunks),
        totalBytes: total,
        truncated: total > kept,
        latencyMs: clock() - started,
      },
    };
  } catch (err) {
    if (stop?.aborted) return { ok: false, failure: stopped(stop), latencyMs: clock() - started };
    return { ok: false, failure: classify(err, abort.signal.aborted, options.timeoutMs, req.url), latencyMs: clock() - started };
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', onStop);
  }
}

function stopped(signal: AbortSignal): { kind: FailureKind; message: string } {
  const why = signal.reason instanceof Error ? signal.reason.message : 'stopped';
  return { kind: 'aborted', message: `${why}: no answer awaited` };
}

/** One connection pool for the process, created on first use; undici loads with it. */
let shared: Promise<Dispatcher> | undefined;

function sharedAgent(): Promise<Dispatcher> {
  shared ??= import('./pool.js').then(({ createPool }) => createPool());
  return shared;
}

/** Load the HTTP client ahead of time, so that a scheduled first request is not late by its import. */
export async function prepareHttp(): Promise<void> {
  await sharedAgent();
}

/**
 * Close the shared pool, so that a one-shot command's process exits as soon as its work is done
 * instead of when idle keep-alive connections time out.
 */
export async function closeHttp(): Promise<void> {
  const pool = shared;
  shared = undefined;
  if (pool) await (await pool).close();
}

/** Say which way the exchange failed, in words a user can act on. */
export function classify(err: unknown, timedOut: boolean, timeoutMs: number, url: string): { kind: FailureKind; message: string } {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code ?? '';
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { kind: 'timeout', message: `timed out: no complete reply from ${host} within ${timeoutMs} ms` };
  }
  if (code === 'ECONNREFUSED') return { kind: 'refused', message: `connection refused by ${host}: is the server running on that port?` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', message: `DNS lookup failed for ${host}` };
  if (/^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO)/.test(code)) {
    return { kind: 'tls', message: `TLS handshake with ${host} failed (${code})` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    return { kind: 'reset', message: `connection reset by ${host} before a complete reply` };
  }
  // undici's HTTPParserError has no code when the reply does not even start like HTTP.
  if (code.startsWith('HPE_') || e?.name === 'HTTPParserError' || code === 'UND_ERR_INFO' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return { kind: 'bad-response', message: `${host} sent a reply that is not valid HTTP: ${code || e.message}` };
  }
  return { kind: 'other', message: `request failed: ${e?.message ?? String(err)}${code ? ` (${code})` : ''}` };
}
