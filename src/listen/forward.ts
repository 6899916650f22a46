// listen --forward-to: relay a request's exact bytes and end-to-end headers to the user's app,
// and hand its answer back to the sender. How the target URL is made:
// - the target's path, unless it is empty or `/`: then the incoming path;
// - the target's query, unless it has none: then the incoming query.
// So `--forward-to http://localhost:3000` keeps every path; `--forward-to
// http://localhost:3000/webhooks` sends everything to /webhooks.
import { CONNECTION_HEADERS, deliver } from '../http/client.js';
import type { Answer, ReceivedRequest } from '../http/listener.js';
import { decodeUtf8 } from '../record/inspect.js';
import { encodeBody, type ForwardRecord } from '../record/log-record.js';

/** How much of the app's answer the log keeps (the sender always gets all of it, up to --max-body). */
export const KEEP_ANSWER_BYTES = 1024 * 1024;

/** The URL a request is relayed to. */
export function forwardUrl(target: URL, incomingUrl: string): URL {
  const out = new URL(target);
  const incoming = new URL(incomingUrl, 'http://x');
  if (out.pathname === '/' || out.pathname === '') out.pathname = incoming.pathname;
  if (!out.search) out.search = incoming.search;
  return out;
}

/** Relay the request; `record` gets what the app answered (or why it could not). */
export async function forward(target: URL, req: ReceivedRequest, timeoutMs: number, maxBody: number): Promise<{ answer: Answer; record: ForwardRecord }> {
  const url = forwardUrl(target, req.url).toString();
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!CONNECTION_HEADERS.has(name.toLowerCase())) headers.push([name, req.rawHeaders[i + 1]!]);
  }
  const outcome = await deliver({ method: req.method as 'POST', url, headers, body: req.body }, { timeoutMs, keepBytes: maxBody });
  if (!outcome.ok) {
    const status = outcome.failure.kind === 'timeout' ? 504 : 502;
    return {
      answer: { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: `hookscope listen could not reach your app: ${outcome.failure.message}` }) },
      record: { url, latencyMs: Math.round(outcome.latencyMs), error: outcome.failure.message },
    };
  }
  const res = outcome.response;
  const kept = res.body.length > KEEP_ANSWER_BYTES ? res.body.subarray(0, KEEP_ANSWER_BYTES) : res.body;
  const record: ForwardRecord = { url, status: res.status, latencyMs: Math.round(res.latencyMs), ...encodeBody(kept, decodeUtf8(kept)), bodyBytes: res.totalBytes };
  if (res.totalBytes > kept.length) record.truncated = true;
  const headersBack: Record<string, string | string[]> = {};
  // Only values that can be written back as they came (the app's server may be laxer than ours).
  for (const [k, v] of Object.entries(res.headers)) if (!CONNECTION_HEADERS.has(k) && writable(v)) headersBack[k] = v;
  return { answer: { status: res.status, headers: headersBack, body: res.body }, record };
}

function writable(value: string | string[]): boolean {
  return typeof value === 'string' ? !/[\r\n\0]/.test(value) : value.every(writable);
}
