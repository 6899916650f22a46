// The local receiver behind `hookscope listen`: every request is inspected (vendor, event,
// signature, schema, duplicate), written to the NDJSON log before it is answered, reported through
// `onRecords`, and answered by the rules given (status, delay, a request/response event's reply)
// or relayed to the user's app with --forward-to.
import { closeSync, readFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { FifoLimit } from '../delivery/fifo-limit.js';
import { CONNECTION_HEADERS, deliver } from '../http/client.js';
import { createListenerServer, type Answer, type ReceivedRequest } from '../http/listener.js';
import { DedupeMemory } from '../record/dedupe.js';
import { decodeUtf8, inspect, type InspectContext } from '../record/inspect.js';
import { LOG_RECORD_KIND, type ListenRecord } from '../record/log-record.js';
import { Committer, openLog, type OnRecords } from '../record/log-writer.js';
import { resolveSecret } from '../signing/secrets.js';
import { UserError } from '../errors.js';
import { loadFixture } from '../vendors/fixtures.js';
import { findEvent, findVendor, vendors as registry } from '../vendors/index.js';
import { resolveEvent, resolveVendor } from '../vendors/resolve.js';
import type { EventDefinition, VendorDefinition } from '../vendors/types.js';
import { requireHttpUrl } from '../http/url.js';
import { runDemo, type SecretMap } from './demo.js';

export interface ListenOptions {
  port?: number;
  host?: string;
  /** Force one vendor for every path. */
  vendor?: string;
  /** `/path=vendor`: requests under the path are that vendor's. */
  route?: string[];
  /** `vendor=secret`. */
  secret?: string[];
  signatureHeader?: string;
  status?: number;
  delayMs?: number;
  /** Event names the status/delay apply to (default: every request). */
  on?: string[];
  /** A file with the synthflow call_inbound reply to give. */
  reply?: string;
  forwardTo?: string;
  concurrency?: number;
  forwardTimeoutMs?: number;
  /** Log file; false = no log; undefined = .hookscope/listen-<time>.ndjson. */
  log?: string | false;
  maxBodyBytes?: number;
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
  byEvent: Map<string, { requests: number; sig: Record<string, number>; schema: Record<string, number>; duplicates: number }>;
}

export interface Listener {
  url: string;
  host: string;
  port: number;
  logPath?: string;
  secrets: ReadonlyMap<string, { source: string }>;
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
  const secrets = parseSecrets(options.secret ?? [], env);
  if (options.demo) {
    // The demo signs with the secret configured for a vendor, or with a made-up one it shares.
    for (const vendor of registry) if (vendor.signing && !secrets.has(vendor.id)) secrets.set(vendor.id, { value: `hookscope-demo-secret-${vendor.id}`, source: 'demo secret' });
  }
  const secretValues = new Map([...secrets].map(([vendorId, s]) => [vendorId, s.value]));
  const onEvents = new Set((options.on ?? []).map((name) => resolveEvent(name).event.name));
  const inboundReply = options.reply ? readReply(options.reply) : undefined;
  const forwardUrl = options.forwardTo ? new URL(requireHttpUrl(options.forwardTo, '--forward-to')) : undefined;
  const forwardQueue = new FifoLimit(Math.max(1, options.concurrency ?? 1));
  const dedupe = new DedupeMemory();
  const stats: ListenerStats = { started: Date.now(), requests: 0, badHttp: 0, byEvent: new Map() };
  const log = openLog(options.log, options.cwd ?? process.cwd());
  const committer = new Committer(log?.fd, options.onRecords);
  let nextId = 1;
  const clock = { ms: 0, iso: '' };
  // One options object, set for each request (inspect is synchronous).
  const inspectOptions: InspectContext = { secrets: secretValues, vendor: undefined, vendors: registry, dedupe, signatureHeader: options.signatureHeader, now: () => clock.ms };

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
    const { body, bodyBytes: bytes, tooLarge, headers } = req;

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

    if (tooLarge) {
      record.bodyOmitted = 'too-large';
      record.schema = { state: 'not-json', issues: [{ code: 'too-large', severity: 'error', message: `body of ${bytes} bytes is over the ${maxBody}-byte limit (--max-body)` }] };
      return finish(record, jsonAnswer(413, { error: 'payload too large', limitBytes: maxBody }), respond);
    }
    const text = decodeUtf8(body);
    record.body = text ?? body.toString('base64');
    record.bodyEncoding = text === null ? 'base64' : 'utf8';
    inspectOptions.vendor = vendor;
    const verdict = inspect(body, headers, inspectOptions, text);
    Object.assign(record, verdict);
    if (forwardUrl) {
      forwardQueue.run(() => forward(forwardUrl, req, record, options.forwardTimeoutMs ?? 30_000, maxBody)).then(
        (answer) => finish(record, answer, respond),
        (err: Error) => {
          options.onNotice?.(`request failed inside hookscope: ${err.message}`);
          finish(record, jsonAnswer(502, { error: `hookscope listen could not forward this request: ${err.message}` }), respond);
        },
      );
      return;
    }
    const ruled = onEvents.size === 0 || (record.event !== undefined && onEvents.has(record.event));
    const status = ruled && options.status ? options.status : 200;
    if (ruled && options.delayMs) record.response.delayMs = options.delayMs;
    const vendorDef = verdict.vendor === undefined ? undefined : findVendor(verdict.vendor);
    const event = vendorDef && findEvent(vendorDef, verdict.event);
    let answer: Answer;
    if (vendorDef && event?.reply && verdict.part === 'request' && status < 300) {
      answer = { status, headers: { 'content-type': 'application/json' }, body: inboundReply ?? defaultReply(vendorDef, event) };
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
  if (!LOOPBACK.has(host)) options.onNotice?.(`listening on ${host}: reachable from other machines on your network, not only this one`);

  return {
    url,
    host,
    port: address.port,
    logPath: log?.path,
    secrets,
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

const defaultReplies = new Map<string, Buffer>();

/** The event's reply fixture, compact, read once. */
function defaultReply(vendor: VendorDefinition, event: EventDefinition): Buffer {
  const key = `${vendor.id} ${event.name}`;
  let reply = defaultReplies.get(key);
  if (!reply) defaultReplies.set(key, (reply = Buffer.from(JSON.stringify(loadFixture(vendor, event, 'reply')))));
  return reply;
}

/** A small JSON answer. */
function jsonAnswer(status: number, body: unknown): Answer {
  return jsonText(status, JSON.stringify(body));
}

function jsonText(status: number, text: string): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: text };
}

/** Relay the exact bytes and end-to-end headers to the app; its answer goes back to the sender. */
async function forward(
  url: URL,
  req: ReceivedRequest,
  record: ListenRecord,
  timeoutMs: number,
  maxBody: number,
): Promise<Answer> {
  const target = new URL(url);
  const incoming = new URL(req.url, 'http://x');
  if (target.pathname === '/' || target.pathname === '') target.pathname = incoming.pathname;
  if (!target.search) target.search = incoming.search;
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!CONNECTION_HEADERS.has(name.toLowerCase())) headers.push([name, req.rawHeaders[i + 1]!]);
  }
  record.response.by = 'forward';
  const outcome = await deliver({ method: req.method as 'POST', url: target.toString(), headers, body: req.body }, { timeoutMs, keepBytes: maxBody });
  if (!outcome.ok) {
    const status = outcome.failure.kind === 'timeout' ? 504 : 502;
    record.forward = { url: target.toString(), latencyMs: Math.round(outcome.latencyMs), error: outcome.failure.message };
    return jsonAnswer(status, { error: `hookscope listen could not reach your app: ${outcome.failure.message}` });
  }
  const res = outcome.response;
  const text = res.body.subarray(0, 200).toString('utf8');
  record.forward = { url: target.toString(), status: res.status, latencyMs: Math.round(res.latencyMs), bodyPreview: text };
  const headersBack: Record<string, string | string[]> = {};
  // Only values that can be written back as they came (the app's server may be laxer than ours).
  for (const [k, v] of Object.entries(res.headers)) if (!CONNECTION_HEADERS.has(k) && writable(v)) headersBack[k] = v;
  return { status: res.status, headers: headersBack, body: res.body };
}

function writable(value: string | string[]): boolean {
  return typeof value === 'string' ? !/[\r\n\0]/.test(value) : value.every(writable);
}

function parseRoutes(specs: string[]): { prefix: string; vendor: VendorDefinition }[] {
  return specs
    .map((spec) => {
      const eq = spec.lastIndexOf('=');
      const prefix = spec.slice(0, eq);
      if (eq <= 0 || !prefix.startsWith('/')) throw new UserError(`--route ${JSON.stringify(spec)}: expected /path=vendor, e.g. --route /relyable=relyable`);
      return { prefix: prefix.replace(/\/+$/, '') || '/', vendor: resolveVendor(spec.slice(eq + 1)) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

function routeVendor(routes: { prefix: string; vendor: VendorDefinition }[], url: string): VendorDefinition | undefined {
  const path = url.split('?')[0]!;
  return routes.find((r) => r.prefix === '/' || path === r.prefix || path.startsWith(`${r.prefix}/`))?.vendor;
}

function parseSecrets(specs: string[], env: NodeJS.ProcessEnv): SecretMap {
  const out: SecretMap = new Map();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new UserError('--secret expects vendor=secret, e.g. --secret relyable=whsec_…');
    out.set(resolveVendor(spec.slice(0, eq)).id, { value: spec.slice(eq + 1), source: '--secret' });
  }
  for (const vendor of registry) {
    if (out.has(vendor.id) || !vendor.signing) continue;
    const found = resolveSecret(vendor, undefined, env);
    if (found) out.set(vendor.id, found);
  }
  return out;
}

function readReply(file: string): Buffer {
  try {
    const bytes = readFileSync(file);
    JSON.parse(bytes.toString('utf8'));
    return bytes;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`--reply ${file}: ${e.code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not JSON (${e.message})` : e.message}`);
  }
}

function count(stats: ListenerStats, record: ListenRecord): void {
  stats.requests++;
  const key = record.vendor ? `${record.vendor} ${record.event ?? '?'}` : 'unrecognised';
  let row = stats.byEvent.get(key);
  if (!row) stats.byEvent.set(key, (row = { requests: 0, sig: {}, schema: {}, duplicates: 0 }));
  row.requests++;
  row.sig[record.signature.state] = (row.sig[record.signature.state] ?? 0) + 1;
  row.schema[record.schema.state] = (row.schema[record.schema.state] ?? 0) + 1;
  if (record.duplicate) row.duplicates++;
}


