// The local receiver behind `hookscope listen`: every request is inspected (vendor, event,
// signature, schema, duplicate), written to the NDJSON log before it is answered, reported through
// `onRecords`, and answered by the rules given (status, delay, a request/response event's reply)
// or relayed to the user's app with --forward-to.
import { closeSync, readFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { FifoLimit } from '../delivery/fifo-limit.js';
import { createListenerServer, type Answer, type ReceivedRequest } from '../http/listener.js';
import { requireHttpUrl } from '../http/url.js';
import { DedupeMemory } from '../record/dedupe.js';
import { decodeUtf8, inspect, type InspectContext } from '../record/inspect.js';
import { encodeBody, LOG_RECORD_KIND, type ForwardRecord, type ListenRecord } from '../record/log-record.js';
import { judgeStatus } from '../delivery/judge.js';
import { deadlineFor, judgeDeadline, judgeReplyBody } from '../delivery/reply.js';
import { Committer, openLog, type OnRecords } from '../record/log-writer.js';
import { compilePatterns, redactBody, redactText } from '../record/redact.js';
import { parseSecretFlags, secretFor } from '../signing/secrets.js';
import { authChoice, type AuthChoice } from '../signing/signature.js';
import { UserError } from '../errors.js';
import { fixturePath, loadFixture } from '../vendors/fixtures.js';
import { findEvent, findVendor, vendors as registry } from '../vendors/index.js';
import { resolveVendor } from '../vendors/resolve.js';
import type { EventDefinition, VendorDefinition } from '../vendors/types.js';
import { runDemo, type SecretMap } from './demo.js';
import { forward } from './forward.js';
import { describeSetup, matchRule, parseRoutes, parseRules, replyFor, routeVendor } from './rules.js';

export interface ListenOptions {
  port?: number;
  host?: string;
  /** Force one vendor for every path. */
  vendor?: string;
  /** `/path=vendor`: requests under the path are that vendor's. */
  route?: string[];
  /** `vendor=secret`, or a bare secret (for --vendor's vendor, else every vendor). */
  secret?: string[];
  signatureHeader?: string;
  /** The authentication mode, for vendors with several (Vapi); without it, the one each request carries. */
  auth?: string;
  authSetting?: string[];
  status?: number;
  delayMs?: number;
  /** Event names the status/delay apply to (default: every request). */
  on?: string[];
  /** Replies for request/response events: `event=file`, or `file` for every such event (repeatable). */
  reply?: string | string[];
  forwardTo?: string;
  concurrency?: number;
  forwardTimeoutMs?: number;
  /** Log file; false = no log; undefined = .hookscope/listen-<time>.ndjson. */
  log?: string | false;
  maxBodyBytes?: number;
  /** Bytes of bodies held at once; beyond it requests get 503 with Retry-After. */
  maxInFlightBytes?: number;
  /**
   * The public URL vendors call (a tunnel's address), for URL-signed schemes (Twilio): requests
   * are checked as if sent to it, with their own path and query.
   */
  publicUrl?: string;
  /** Mask phone numbers, emails and the catalog's personal fields in the log, the feed and --json. */
  redact?: boolean;
  /** More paths to blank (implies redact): `data.notes`, `turns[*].text`, `meta.*`. */
  redactPath?: string[];
  demo?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Called with the records logged together (requests that arrived in the same turn of the
   * event loop), after they are in the log and before they are answered. `lines()`: the batch
   * as NDJSON bytes, exactly as written to the log (made once, on demand).
   */
  onRecords: OnRecords;
  /** A message for the user (stderr): demo progress, HTTP-level errors. */
  onNotice?(message: string): void;
}

export interface ListenerStats {
  started: number;
  requests: number;
  badHttp: number;
  /** Requests answered 503 because too many bodies were in flight. */
  overBudget: number;
  /** GET/HEAD requests without a body (tunnels, uptime checks). */
  probes: number;
  byEvent: Map<string, { requests: number; sig: Record<string, number>; schema: Record<string, number>; duplicates: number }>;
}

export interface Listener {
  url: string;
  host: string;
  port: number;
  logPath?: string;
  secrets: ReadonlyMap<string, { source: string; value: string }>;
  /** --forward-to, checked. */
  forwardTo?: URL;
  /** --auth and its settings, checked. */
  auth?: AuthChoice;
  /** Routes, answering rules and the forward target, one line each, for the banner. */
  setup: string[];
  /** True when this run created the log's directory (the CLI then says where logs go). */
  logDirCreated: boolean;
  stats: ListenerStats;
  /** Send the demo requests to this listener (resolves when all are answered). */
  runDemo(): Promise<number>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startListener(options: ListenOptions): Promise<Listener> {
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 4400;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const forced = options.vendor ? resolveVendor(options.vendor) : undefined;
  const routes = parseRoutes(options.route ?? []);
  const rules = parseRules(options);
  const secrets = listenSecrets(options.secret ?? [], forced, env);
  if (options.demo) {
    // The demo signs with the secret configured for a vendor, or with a made-up one it shares.
    for (const vendor of registry) if (signs(vendor) && !secrets.has(vendor.id)) secrets.set(vendor.id, { value: demoSecret(vendor.id), source: 'demo secret' });
  }
  const secretValues = new Map([...secrets].map(([vendorId, s]) => [vendorId, s.value]));
  const forwardUrl = options.forwardTo ? new URL(requireHttpUrl(options.forwardTo, '--forward-to')) : undefined;
  const forwardQueue = new FifoLimit(Math.max(1, options.concurrency ?? 1));
  const dedupe = new DedupeMemory();
  const stats: ListenerStats = { started: Date.now(), requests: 0, badHttp: 0, overBudget: 0, probes: 0, byEvent: new Map() };
  const log = openLog(options.log, options.cwd ?? process.cwd());
  const committer = new Committer(log?.fd, options.onRecords);
  let nextId = 1;
  const clock = { ms: 0, iso: '' };
  const redaction = options.redact || options.redactPath?.length ? redactor(options.redactPath ?? []) : undefined;
  // One options object, set for each request (inspect is synchronous).
  const publicUrl = options.publicUrl ? new URL(requireHttpUrl(options.publicUrl, '--public-url')) : undefined;
  /** This listener's own address, known once it listens. */
  let localOrigin = '';
  const inspectOptions: InspectContext = {
    secrets: secretValues,
    vendor: undefined,
    vendors: registry,
    dedupe,
    signatureHeader: options.signatureHeader,
    now: () => clock.ms,
    urlOf: (path, headers) => calledUrl(path, headers, publicUrl, localOrigin),
    auth: authChoice(options.auth, options.authSetting, forced ? [forced] : registry),
  };

  // Callbacks rather than async/await here: this runs for every request, and promises cost.
  const handle = (req: ReceivedRequest, respond: (answer: Answer) => void): void => {
    const id = nextId++;
    const ms = Date.now();
    // Requests in the same millisecond share one timestamp string.
    if (ms !== clock.ms) {
      clock.ms = ms;
      clock.iso = new Date(ms).toISOString();
    }
    const path = req.url;
    const vendor = routeVendor(routes, path) ?? forced;
    const { body, bodyBytes: bytes, headers } = req;

    const record: ListenRecord = {
      kind: LOG_RECORD_KIND,
      version: 1,
      id,
      time: clock.iso,
      method: req.method,
      path,
      headers,
      body: '',
      bodyEncoding: 'utf8',
      bodyBytes: bytes,
      signature: { state: 'not-checked' },
      schema: { state: 'not-json', issues: [] },
      response: { status: 200, by: 'listener' },
    };

    if (req.omitted === 'too-large') {
      record.bodyOmitted = 'too-large';
      record.schema = { state: 'not-json', issues: [{ code: 'too-large', severity: 'error', message: `body of ${bytes} bytes is over the ${maxBody}-byte limit (--max-body)` }] };
      return finish(record, jsonAnswer(413, { error: 'payload too large', limitBytes: maxBody }), respond);
    }
    if (req.omitted === 'over-budget') {
      record.bodyOmitted = 'over-budget';
      stats.overBudget++;
      record.schema = { state: 'not-json', issues: [{ code: 'over-budget', severity: 'error', message: 'not kept: too many bodies in flight at once (--max-in-flight); answered 503 so the sender delivers it again' }] };
      const busy = jsonAnswer(503, { error: 'hookscope listen is busy; retry later' });
      busy.headers['retry-after'] = '5';
      return finish(record, busy, respond);
    }
    if (bytes === 0 && (req.method === 'GET' || req.method === 'HEAD')) {
      // Tunnels and uptime checks probe the URL: answered, logged, not judged as a payload.
      record.probe = true;
      record.schema = { state: 'probe', issues: [] };
      stats.probes++;
      return finish(record, jsonText(200, `{"ok":true,"id":${id}}`), respond);
    }
    const text = decodeUtf8(body);
    Object.assign(record, encodeBody(body, text));
    inspectOptions.vendor = vendor;
    inspectOptions.path = path;
    const verdict = inspect(body, headers, inspectOptions, text);
    Object.assign(record, verdict);
    const vendorDef = verdict.vendor === undefined ? undefined : findVendor(verdict.vendor);
    const event = vendorDef && findEvent(vendorDef, verdict.event);
    const isExchange = Boolean(vendorDef && event?.reply && verdict.part === 'request');
    // A matching rule answers here, forwarding or not; so does --reply for request/response events.
    const rule = matchRule(rules, record.event);
    const reply = isExchange && event ? replyFor(rules, event.name) : undefined;
    if (forwardUrl && !rule && !reply) {
      record.response.by = 'forward';
      forwardQueue.run(() => forward(forwardUrl, req, options.forwardTimeoutMs ?? 30_000, maxBody)).then(
        ({ answer, record: forwarded }) => {
          record.forward = forwarded;
          if (vendorDef && forwarded.status !== undefined) forwarded.verdict = judgeAnswer(vendorDef, event, answer, forwarded, body);
          finish(record, answer, respond);
        },
        (err: Error) => {
          options.onNotice?.(`request failed inside hookscope: ${err.message}`);
          finish(record, jsonAnswer(502, { error: `hookscope listen could not forward this request: ${err.message}` }), respond);
        },
      );
      return;
    }
    const status = rule?.status ?? 200;
    if (rule) record.response.rule = rule.text;
    if (rule?.delayMs) record.response.delayMs = rule.delayMs;
    let answer: Answer;
    if (vendorDef && event && isExchange && status < 300) {
      answer = reply ? { status, headers: { 'content-type': event.reply!.contentType ?? 'application/json' }, body: reply.body } : { status, ...defaultReply(vendorDef, event) };
    } else {
      // The common answer is written as text: JSON.stringify of a fresh object per request cost more.
      answer = status < 300 ? jsonText(status, `{"ok":true,"id":${id}}`) : jsonAnswer(status, { error: `hookscope listen answered ${status} (--status)`, id });
    }
    finish(record, answer, respond);
  };

  /** Count, log, then answer (after the delay asked for). */
  const finish = (record: ListenRecord, answer: Answer, respond: (answer: Answer) => void): void => {
    record.response.status = answer.status;
    count(stats, record);
    if (redaction) redaction(record);
    // Logged before answering: a crash after this line loses no request. A request that
    // cannot be logged is answered 503, so the vendor delivers it again later.
    committer.commit(record, JSON.stringify(record), (failure) => {
      if (failure) {
        options.onNotice?.(`could not write the log, answered 503 so the sender retries: ${failure.message}`);
        respond(jsonAnswer(503, { error: 'hookscope listen could not record this request; retry later' }));
      } else if (record.response.delayMs) {
        setTimeout(respond, record.response.delayMs, answer);
      } else {
        respond(answer);
      }
    });
  };

  const http = createListenerServer({
    maxBodyBytes: maxBody,
    maxInFlightBytes: options.maxInFlightBytes,
    handle,
    onProblem: (problem) => {
      if (problem.code === 'handler' || problem.code === 'cut-off') return options.onNotice?.(problem.message);
      stats.badHttp++;
      if (problem.code === 'timeout') options.onNotice?.(`answered ${problem.status} to a slow client: ${problem.message}`);
      else options.onNotice?.(`rejected a malformed HTTP request with ${problem.status}: ${problem.message}`);
    },
  });
  const server = http.server;

  await listenOn(server, port, host);
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  localOrigin = url;
  if (!LOOPBACK.has(host)) options.onNotice?.(`listening on ${host}: reachable from other machines on your network, not only this one`);

  return {
    url,
    host,
    port: address.port,
    logPath: log?.path,
    logDirCreated: log?.createdDir ?? false,
    secrets,
    forwardTo: forwardUrl,
    auth: inspectOptions.auth,
    setup: describeSetup(rules, routes, forced, forwardUrl),
    stats,
    runDemo: () => runDemo(url, secrets, options.onNotice),
    close: async () => {
      await http.close();
      if (log) closeSync(log.fd);
    },
  };
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new UserError(`port ${port} on ${host} is already in use`, `pick another with --port, e.g. --port ${port + 1}`));
      else if (err.code === 'EACCES') reject(new UserError(`not allowed to listen on port ${port}`, 'ports below 1024 need privileges; use --port 4400'));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new UserError(`cannot listen on --host ${host}: no such address on this machine`));
      else reject(err);
    });
    server.listen(port, host, () => resolveListen());
  });
}

const defaultReplies = new Map<string, { headers: Record<string, string>; body: Buffer }>();

/**
 * The event's reply fixture, read once: JSON compact, a reply that is not JSON (Twilio's TwiML)
 * as written, each with the content type the contract serves it with.
 */
function defaultReply(vendor: VendorDefinition, event: EventDefinition): { headers: Record<string, string>; body: Buffer } {
  const key = `${vendor.id} ${event.name}`;
  let reply = defaultReplies.get(key);
  if (!reply) {
    const contract = event.reply!;
    const file = contract.fixtures[0];
    const body =
      contract.format === 'text' && file !== undefined ? readFileSync(fixturePath(vendor, file)) : Buffer.from(JSON.stringify(loadFixture(vendor, event, 'reply')));
    defaultReplies.set(key, (reply = { headers: { 'content-type': contract.contentType ?? 'application/json' }, body }));
  }
  return reply;
}

/** A small JSON answer. */
function jsonAnswer(status: number, body: unknown): Answer {
  return jsonText(status, JSON.stringify(body));
}

function jsonText(status: number, text: string): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: text };
}

/**
 * --redact, applied to a record once its verdicts are made on the bytes received: the body (and
 * a forwarded answer) with phone numbers, emails, the event's personal fields (from the catalog)
 * and the user's paths masked; the summary and issue messages too (they quote values).
 */
function redactor(userPaths: readonly string[]): (record: ListenRecord) => void {
  let user: ReturnType<typeof compilePatterns>;
  try {
    user = compilePatterns(userPaths);
  } catch (err) {
    throw new UserError(`--redact-path: ${(err as Error).message}`, 'paths look like data.transcript, turns[*].text or metadata.*');
  }
  const byEvent = new Map<string, ReturnType<typeof compilePatterns>>();
  const patternsFor = (record: ListenRecord) => {
    const key = `${record.vendor ?? ''} ${record.event ?? ''}`;
    let patterns = byEvent.get(key);
    if (!patterns) {
      const vendor = record.vendor === undefined ? undefined : findVendor(record.vendor);
      const event = vendor && findEvent(vendor, record.event);
      byEvent.set(key, (patterns = [...compilePatterns(event?.personal ?? []), ...user]));
    }
    return patterns;
  };
  return (record) => {
    record.redacted = true;
    if (record.bodyEncoding === 'utf8' && record.body !== '') record.body = redactBody(record.body, patternsFor(record));
    if (record.summary) record.summary = redactText(record.summary);
    for (const issue of record.schema.issues) issue.message = redactText(issue.message);
    if (record.forward?.body !== undefined && record.forward.bodyEncoding === 'utf8') record.forward.body = redactBody(record.forward.body, user);
  };
}

/**
 * The URL a vendor called, for schemes that sign it: --public-url (with the request's own path
 * and query), else what a tunnel says in X-Forwarded-Proto/-Host, else the Host header. The
 * others are named when a check fails (signed for the local address, or for the tunnel's host).
 */
export function calledUrl(path: string, headers: Record<string, string | undefined>, publicUrl: URL | undefined, localOrigin: string): { url: string; from: string; others: { url: string; label: string }[] } {
  const others: { url: string; label: string }[] = [];
  const forwardedHost = headers['x-forwarded-host']?.split(',')[0]!.trim();
  const forwardedProto = headers['x-forwarded-proto']?.split(',')[0]!.trim() || 'https';
  const forwarded = forwardedHost ? `${forwardedProto}://${forwardedHost}${path}` : undefined;
  const host = headers.host ? `http://${headers.host}${path}` : undefined;
  const local = `${localOrigin}${path}`;
  let chosen: { url: string; from: string };
  if (publicUrl) chosen = { url: `${publicUrl.origin}${path}`, from: '--public-url' };
  else if (forwarded) chosen = { url: forwarded, from: 'X-Forwarded-Host (set by the tunnel)' };
  else chosen = { url: host ?? local, from: 'the Host header (no --public-url; behind a tunnel, give it)' };
  for (const [candidate, label] of [[forwarded, "the tunnel's forwarded host"], [host, 'the Host header'], [local, 'the local address']] as const) {
    if (candidate && candidate !== chosen.url && !others.some((o) => o.url === candidate)) others.push({ url: candidate, label });
  }
  return { ...chosen, others };
}

/**
 * The app's answer as the vendor would take it: its status by the vendor's rule (or the event's
 * reply contract), a request/response event's reply against its contract, and the latency
 * against the vendor's deadline (or timeout).
 */
export function judgeAnswer(vendor: VendorDefinition, event: EventDefinition | undefined, answer: Answer, forwarded: ForwardRecord, requestBody: Buffer): NonNullable<ForwardRecord['verdict']> {
  const judged = judgeStatus(vendor, answer.status, answer.headers.location, { event });
  const due = deadlineFor(vendor, event);
  const deadline = judgeDeadline(forwarded.latencyMs, due.fact, due.hard);
  const verdict: NonNullable<ForwardRecord['verdict']> = { accepted: judged.delivered, reason: judged.reason, deadline: { state: deadline.state, message: deadline.message, deadlineMs: deadline.deadlineMs } };
  if (judged.delivered && event?.reply) {
    const text = Buffer.isBuffer(answer.body) ? answer.body.toString('utf8') : answer.body;
    let request: unknown;
    try {
      request = JSON.parse(requestBody.toString('utf8'));
    } catch {
      request = undefined;
    }
    const contentType = answer.headers['content-type'];
    const reply = judgeReplyBody(vendor, event, text, Array.isArray(contentType) ? contentType[0] : contentType, request);
    verdict.reply = { valid: reply.valid, issues: reply.issues.slice(0, 10), ...(reply.explanation ? { explanation: reply.explanation } : {}) };
    if (!reply.valid) verdict.accepted = false;
  }
  if (deadline.state === 'late') verdict.accepted = false;
  return verdict;
}

/** A made-up secret every scheme can use: text for some, whsec_ + base64 for others. */
const demoSecret = (id: string) => `whsec_${Buffer.from(`hookscope demo secret for ${id}`).toString('base64')}`;

/** Whether a vendor signs anything: its scheme, or one of its events'. */
const signs = (vendor: VendorDefinition) => Boolean(vendor.signing) || vendor.events.some((e) => e.signing);

/**
 * Secrets by vendor: --secret (vendor=value, or a bare value for --vendor's vendor or, without
 * --vendor, for every vendor), then each vendor's variables.
 */
function listenSecrets(specs: readonly string[], forced: VendorDefinition | undefined, env: NodeJS.ProcessEnv): SecretMap {
  const flags = parseSecretFlags(specs, forced);
  const out: SecretMap = new Map();
  for (const vendor of forced ? [forced] : registry) {
    if (!signs(vendor)) continue;
    const found = secretFor(vendor, flags, env);
    if (found) out.set(vendor.id, found);
  }
  return out;
}

function count(stats: ListenerStats, record: ListenRecord): void {
  stats.requests++;
  const key = record.probe ? 'probes (GET/HEAD without a body)' : record.vendor ? `${record.vendor} ${record.event ?? '?'}` : 'unrecognised';
  let row = stats.byEvent.get(key);
  if (!row) stats.byEvent.set(key, (row = { requests: 0, sig: {}, schema: {}, duplicates: 0 }));
  row.requests++;
  row.sig[record.signature.state] = (row.sig[record.signature.state] ?? 0) + 1;
  row.schema[record.schema.state] = (row.schema[record.schema.state] ?? 0) + 1;
  if (record.duplicate) row.duplicates++;
}


