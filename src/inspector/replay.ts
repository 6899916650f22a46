// Replay and edit-and-replay from the page: send a captured request again (its bytes, or an
// edited body and headers) to listen's --forward-to target or any URL, re-signed with the
// configured secret at the time of sending, as the vendor signs each attempt. An edited body is
// checked against the event's schema first unless the page says not to. What was sent and what
// came back become a new entry, linked to the original, judged as listen judges a forwarded answer.
import { CONNECTION_HEADERS, deliver } from '../http/client.js';
import { requireHttpUrl } from '../http/url.js';
import { forwardUrl, KEEP_ANSWER_BYTES } from '../listen/forward.js';
import { judgeAnswer } from '../listen/listener.js';
import { DedupeMemory } from '../record/dedupe.js';
import { decodeUtf8, inspect } from '../record/inspect.js';
import { encodeBody, logRecordBody, type ForwardRecord } from '../record/log-record.js';
import { validateText } from '../schema/validate.js';
import { choiceFor, schemeHeaderNames, signRequest, type AuthChoice } from '../signing/signature.js';
import { findEvent, findVendor, vendors as registry } from '../vendors/index.js';
import { recordOf, type Entry, type StoredRecord } from './rows.js';
import type { ReplayRequest } from './types.js';

export interface ReplayContext {
  /** Secrets by vendor id (listen's). */
  secrets: ReadonlyMap<string, string>;
  forwardTo?: URL;
  auth?: AuthChoice;
  signatureHeader?: string;
}

export type ReplayOutcome =
  | { ok: true; record: StoredRecord; notes: string[] }
  | { ok: false; status: number; error: string; issues?: StoredRecord['schema']['issues']; notes: string[] };

/** Headers given by the page: names that HTTP allows, values without line breaks. */
function checkHeaders(headers: unknown): [string, string][] | string {
  if (!Array.isArray(headers)) return 'headers: expected a list of [name, value] pairs';
  const out: [string, string][] = [];
  for (const pair of headers) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return 'headers: expected a list of [name, value] pairs';
    const name = pair[0].trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) return `headers: ${JSON.stringify(pair[0])} is not a header name`;
    if (/[\r\n\0]/.test(pair[1])) return `headers: the value of ${name} has a line break`;
    if (!CONNECTION_HEADERS.has(name)) out.push([name, pair[1].trim()]);
  }
  return out;
}

export async function replay(original: Entry, request: ReplayRequest, ctx: ReplayContext): Promise<ReplayOutcome> {
  const notes: string[] = [];
  const rec = recordOf(original);
  if (rec.bodyOmitted) return { ok: false, status: 409, error: `listen kept no body for this request (${rec.bodyOmitted}): nothing to replay`, notes };
  let target: string;
  try {
    if (request.url) target = requireHttpUrl(request.url, 'url');
    else if (ctx.forwardTo) target = forwardUrl(ctx.forwardTo, rec.path).toString();
    else return { ok: false, status: 400, error: 'no target: listen has no --forward-to, so give a URL to replay to', notes };
  } catch (err) {
    return { ok: false, status: 400, error: (err as Error).message, notes };
  }
  const edited = request.body !== undefined || request.headers !== undefined;
  const body = request.body !== undefined ? Buffer.from(String(request.body), 'utf8') : logRecordBody(rec);
  let headers: [string, string][];
  if (request.headers !== undefined) {
    const checked = checkHeaders(request.headers);
    if (typeof checked === 'string') return { ok: false, status: 400, error: checked, notes };
    headers = checked;
  } else {
    headers = [];
    for (const [name, value] of Object.entries(rec.headers)) if (!CONNECTION_HEADERS.has(name.toLowerCase())) for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }

  const vendor = rec.vendor ? findVendor(rec.vendor) : undefined;
  const event = vendor && findEvent(vendor, rec.event);
  if (request.body !== undefined && request.validate !== false && vendor) {
    const checked = validateText(body.toString('utf8'), { vendor, event });
    if (!checked.valid) return { ok: false, status: 422, error: `the edited body does not match ${vendor.id} ${event?.name ?? 'any event'}: not sent (turn validation off to send it anyway)`, issues: checked.issues.slice(0, 20), notes };
  }

  // Re-sign: drop the recorded signature headers, add the ones made now for these bytes.
  const secret = vendor && ctx.secrets.get(vendor.id);
  if (vendor && secret) {
    const choice = choiceFor(vendor, ctx.auth, event, ctx.signatureHeader);
    const drop = new Set(schemeHeaderNames(vendor, choice));
    const contentType = headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
    const signed = signRequest(vendor, { body, secret, timestampMs: Date.now(), url: target, contentType }, choice);
    if (signed) {
      headers = [...headers.filter(([n]) => !drop.has(n.toLowerCase())), ...Object.entries(signed.headers)];
      if (signed.url) target = signed.url;
      notes.push(`re-signed with ${vendor.id}'s configured secret`);
    } else {
      notes.push('this body cannot be signed by the scheme: sent with the recorded headers');
    }
  } else if (vendor) {
    notes.push(`no secret for ${vendor.id}: sent with the recorded signature${edited ? ', which no longer matches an edited request' : ''}`);
  }

  const timeoutMs = vendor?.delivery.timeoutMs.value ?? 30_000;
  const outcome = await deliver({ method: 'POST', url: target, headers, body }, { timeoutMs, keepBytes: KEEP_ANSWER_BYTES });
  const headerObject: Record<string, string> = {};
  for (const [n, v] of headers) headerObject[n.toLowerCase()] = v;
  const targetUrl = new URL(target);
  // What was sent, judged as listen judges a received request (a fresh dedupe memory: a replay is a retry by design).
  const inspection = inspect(body, headerObject, { secrets: ctx.secrets, vendor, vendors: registry, dedupe: new DedupeMemory(1), signatureHeader: ctx.signatureHeader, auth: ctx.auth, path: targetUrl.pathname + targetUrl.search, urlOf: () => ({ url: target, from: 'the replay target', others: [] }) });
  const forwarded: ForwardRecord = { url: target, latencyMs: 0 };
  let status = 0;
  if (outcome.ok) {
    const res = outcome.response;
    status = res.status;
    Object.assign(forwarded, { status: res.status, latencyMs: Math.round(res.latencyMs), ...encodeBody(res.body, decodeUtf8(res.body)), bodyBytes: res.totalBytes });
    if (res.truncated) forwarded.truncated = true;
    if (vendor) forwarded.verdict = judgeAnswer(vendor, event, { status: res.status, headers: res.headers, body: res.body }, forwarded, body);
  } else {
    forwarded.latencyMs = Math.round(outcome.latencyMs);
    forwarded.error = outcome.failure.message;
  }
  const record: StoredRecord = {
    kind: rec.kind,
    version: 1,
    id: 0,
    time: new Date().toISOString(),
    method: 'POST',
    path: targetUrl.pathname + targetUrl.search,
    headers: headerObject,
    ...encodeBody(body, decodeUtf8(body)),
    bodyBytes: body.length,
    ...inspection,
    response: { status, by: 'forward' },
    forward: forwarded,
    replayOf: original.seq,
    replayTo: target,
    ...(edited ? { edited: true } : {}),
  };
  return { ok: true, record, notes };
}
