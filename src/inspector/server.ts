// The inspector's HTTP server (node:http on loopback, its own port): the page and its assets from
// the package (dist/inspector/), the JSON API the page uses (docs/inspector-api.md), and a
// server-sent-events stream of new rows. Every request passes src/inspector/guard.ts first.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deadlineFor } from '../delivery/reply.js';
import { UserError } from '../errors.js';
import { packageRoot } from '../files/package-root.js';
import { logRecordBody } from '../record/log-record.js';
import { choiceFor, schemeFor, schemeHeaderNames } from '../signing/signature.js';
import { loadFixture } from '../vendors/fixtures.js';
import { findEvent, findVendor } from '../vendors/index.js';
import type { Fact, VendorDefinition } from '../vendors/types.js';
import { curlCommand, curlNote } from './curl.js';
import { diffHeaders, diffJson } from './diff.js';
import { refusal } from './guard.js';
import { replay, type ReplayContext } from './replay.js';
import { isEmptyFilter, matches, parseFilter, recordOf, type Entry, type StoredRecord } from './rows.js';
import { Store } from './store.js';
import { HELD_MAX, StreamPace } from './pace.js';
export { Store } from './store.js';
import { FIRST_PAGE, type DetailResponse, type DiffResponse, type FactView, type Filter, type ListResponse, type ReplayRequest, type ReplayResponse, type Row } from './types.js';

export interface InspectorOptions extends ReplayContext {
  port: number;
  host?: string;
  /** listen's own address: copy-as-curl sends the captured request back to it. */
  listenUrl: string;
  /** The log (shown by /api/info); the caller loads its records into the store before requests arrive. */
  logPath?: string;
  store?: Store;
}

export interface Inspector {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

const MAX_JSON_BODY = 12 * 1024 * 1024;

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const store = options.store ?? new Store();
  const streams = new Set<ServerResponse>();
  const assetCache = new Map<string, Buffer>();
  let port = options.port;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, error: string) => send(res, status, { error });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = refusal({ host: req.headers.host, origin: req.headers.origin }, port);
    if (refused) return fail(res, 403, refused);
    const url = new URL(req.url ?? '/', 'http://inspector');
    const path = url.pathname;
    if (req.method === 'GET' || req.method === 'HEAD') {
      const asset = ASSETS[path];
      if (asset?.file === 'index.html') return serveAsset(res, asset, assetCache, (html) => withFirstPage(html, store));
      if (asset) return serveAsset(res, asset, assetCache);
      if (path === '/api/info') return send(res, 200, { listen: options.listenUrl, forwardTo: options.forwardTo?.toString(), log: options.logPath, secrets: [...options.secrets.keys()] });
      if (path === '/api/requests') {
        const page = { after: count(url.searchParams.get('after')), before: count(url.searchParams.get('before')), limit: count(url.searchParams.get('limit')) };
        return send(res, 200, listAnswer(store, parseFilter(url.searchParams), page));
      }
      const one = /^\/api\/requests\/(\d+)$/.exec(path);
      if (one) {
        const entry = store.get(Number(one[1]));
        return entry ? send(res, 200, detail(entry, store, options)) : fail(res, 404, `no request ${one[1]} (it may have been dropped from memory)`);
      }
      if (path === '/api/diff') return diffRoute(url.searchParams, options, store, res, send, fail);
      if (path === '/api/calls') return send(res, 200, { calls: store.callViews() });
      if (path === '/api/stream') return stream(req, res, url.searchParams, store, streams);
      return fail(res, 404, `no such page: ${path}`);
    }
    if (req.method === 'POST') {
      const replayMatch = /^\/api\/requests\/(\d+)\/replay$/.exec(path);
      if (!replayMatch) return fail(res, 404, `no such endpoint: POST ${path}`);
      // JSON only: a cross-site form cannot send it without a preflight, which is refused.
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return fail(res, 415, 'send the replay request as application/json');
      const entry = store.get(Number(replayMatch[1]));
      if (!entry) return fail(res, 404, `no request ${replayMatch[1]}`);
      let body: ReplayRequest;
      try {
        body = JSON.parse((await readBody(req, MAX_JSON_BODY)).toString('utf8') || '{}') as ReplayRequest;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('expected a JSON object');
      } catch (err) {
        return fail(res, 400, `the replay request is not JSON: ${(err as Error).message}`);
      }
      const outcome = await replay(entry, body, options);
      if (!outcome.ok) return send(res, outcome.status, { error: outcome.error, issues: outcome.issues, notes: outcome.notes } satisfies ReplayResponse);
      const [added] = store.add([{ record: outcome.record }]);
      return send(res, 200, { seq: added!.seq, row: added!.row, notes: outcome.notes } satisfies ReplayResponse);
    }
    res.setHeader('allow', 'GET, HEAD, POST');
    return fail(res, 405, `${req.method} is not served here`);
  };

  const server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) fail(res, 500, `the inspector failed: ${err.message}`);
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new UserError(`the inspector's port ${options.port} is already in use`, `pick another with --ui-port, e.g. --ui-port ${options.port + 1}`));
      else reject(err);
    });
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    store,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** GET /api/requests's answer: the rows that pass `filter`, within `page` (Store.rows). */
function listAnswer(store: Store, filter: Filter, page: { after?: number; before?: number; limit?: number }): ListResponse {
  const { rows, more } = store.rows(isEmptyFilter(filter) ? () => true : (e) => matches(e, filter), page);
  return { rows, last: store.last, dropped: store.dropped, ...(page.limit === undefined ? {} : { more }) };
}

/** A non-negative integer query parameter, or undefined. */
function count(value: string | null): number | undefined {
  if (value === null || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The page with its first rows in it: GET /api/requests?limit=FIRST_PAGE's answer as a JSON data
 * block (not run as a script, so the CSP allows it), in place of the template's marker. `<` is
 * escaped, so no text in a row (paths, call ids and summaries come from the requests) can end it.
 */
function withFirstPage(html: Buffer, store: Store): Buffer {
  const json = JSON.stringify(listAnswer(store, {}, { limit: FIRST_PAGE })).replace(/</g, '\\u003c');
  return Buffer.from(html.toString('utf8').replace('<!-- first page -->', () => `<script type="application/json" id="first-page">${json}</script>`));
}

function serveAsset(res: ServerResponse, asset: { file: string; type: string }, cache: Map<string, Buffer>, fill?: (bytes: Buffer) => Buffer): void {
  let bytes = cache.get(asset.file);
  if (!bytes) {
    try {
      bytes = readFileSync(join(packageRoot(), 'dist', 'inspector', asset.file));
    } catch {
      res.writeHead(500, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
      res.end(`the inspector's page is not built: dist/inspector/${asset.file} is missing (npm run build)\n`);
      return;
    }
    cache.set(asset.file, bytes);
  }
  if (fill) bytes = fill(bytes);
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'content-length': bytes.length });
  res.end(bytes);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`over ${limit} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Rows after `after` that pass the filter, then each new one as it comes, in batches; in a flood,
 * or past HELD_MAX rows waiting, only how many there were (`held`), which the page fetches from
 * GET /api/requests when it shows them (src/inspector/pace.ts).
 */
function stream(req: IncomingMessage, res: ServerResponse, params: URLSearchParams, store: Store, streams: Set<ServerResponse>): void {
  const filter = parseFilter(params);
  const all = isEmptyFilter(filter);
  const pass = (e: Entry) => all || matches(e, filter);
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
  res.write(': hookscope inspector\n\n');
  streams.add(res);
  let pending: Row[] = [];
  /** Rows counted, not sent: how many, and the last one's seq. */
  const held = { count: 0, last: 0 };
  let timer: NodeJS.Timeout | undefined;
  let blocked = false;
  const pace = new StreamPace();
  const waiting = () => pending.length > 0 || held.count > 0;
  const hold = () => {
    held.count += pending.length;
    held.last = pending[pending.length - 1]!.seq;
    pending = [];
  };
  const flush = () => {
    timer = undefined;
    if (blocked || !waiting()) return;
    if (pace.wrote(performance.now()) && pending.length) hold();
    // Each event's id is the last seq it covers: a browser that lost the connection reconnects by
    // itself with it as Last-Event-ID, and the stream goes on from there (see below).
    let text = '';
    if (held.count) {
      text += `event: held\nid: ${held.last}\ndata: {"count":${held.count},"last":${held.last}}\n\n`;
      held.count = 0;
    }
    if (pending.length) {
      text += `event: rows\nid: ${pending[pending.length - 1]!.seq}\ndata: ${JSON.stringify(pending)}\n\n`;
      pending = [];
    }
    if (!res.write(text)) blocked = true;
  };
  const schedule = () => {
    if (timer || blocked || !waiting()) return;
    // An idle stream's wait is 0: node runs the timer a millisecond later.
    timer = setTimeout(flush, pace.wait(performance.now()));
  };
  const queue = (entries: readonly Entry[]) => {
    const before = pending.length;
    for (const e of entries) if (pass(e)) pending.push(e.row);
    pace.arrive(performance.now(), pending.length - before);
    // A page that stopped reading, or a flood: what waits stays bounded.
    if (pending.length > HELD_MAX) hold();
    schedule();
  };
  res.on('drain', () => {
    blocked = false;
    schedule();
  });
  // An EventSource reconnecting sends the URL it was opened with and the id of the last event it
  // had: that id, not the URL's `after`, is where the page's list ends.
  const resumed = req.headers['last-event-id'];
  const after = Number(typeof resumed === 'string' && /^\d+$/.test(resumed) ? resumed : params.get('after'));
  if (Number.isInteger(after) && after >= 0) queue(store.after(after));
  const unsubscribe = store.subscribe(queue);
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  req.on('close', () => {
    unsubscribe();
    clearInterval(ping);
    clearTimeout(timer);
    streams.delete(res);
  });
}

const factView = (name: string, fact: Fact<unknown> | undefined, show: (v: never) => string = (v) => String(v)): FactView[] =>
  fact ? [{ name, value: show(fact.value as never), provenance: fact.provenance, note: fact.note }] : [];

function detail(entry: Entry, store: Store, options: InspectorOptions): DetailResponse {
  const r = recordOf(entry);
  const vendor = r.vendor ? findVendor(r.vendor) : undefined;
  const event = vendor && findEvent(vendor, r.event);
  const out: DetailResponse = {
    row: entry.row,
    record: r as unknown as DetailResponse['record'],
    fresh: event?.fresh?.map((f) => f.path) ?? [],
    curl: curlCommand({ method: r.method, url: r.replayTo ?? `${options.listenUrl}${r.path}`, headers: r.headers, body: r.body, bodyEncoding: r.bodyEncoding }),
    replays: store.replaysOf(entry.seq),
    canSign: Boolean(vendor && options.secrets.has(vendor.id)),
    forwardTo: options.forwardTo?.toString(),
  };
  if (vendor) {
    const choice = checkedChoice(vendor, r, event, options);
    const scheme = schemeFor(vendor, choice);
    if (scheme) {
      out.scheme = {
        kind: scheme.kind,
        facts: [
          ...factView('header', scheme.headers, (v: string[]) => v.join(', ')),
          ...factView('format', scheme.format),
          ...factView('algorithm', scheme.algorithm),
          ...factView('encoding', scheme.encoding),
          ...factView('signed bytes', scheme.signedBytes),
          ...factView('key', scheme.key),
          ...factView('timestamp window', scheme.timestamp, (t: { pastMs: number; futureMs?: number }) => `${t.pastMs / 1000} s past${t.futureMs === undefined ? '' : `, ${t.futureMs / 1000} s ahead`}`),
        ],
      };
    }
    const note = curlNote({ vendor, choice, headers: r.headers, nowMs: Date.now(), canSign: out.canSign });
    if (note) out.curlNote = note;
    const due = deadlineFor(vendor, event);
    out.deadline = { ms: due.fact.value, hard: due.hard, provenance: due.fact.provenance, note: due.fact.note };
  }
  return out;
}

function bodyValue(record: StoredRecord): { value?: unknown; text: string } {
  const text = logRecordBody(record).toString('utf8');
  try {
    return { value: JSON.parse(text), text };
  } catch {
    return { text };
  }
}

/** The scheme a request was checked with: --auth, or the mode its record says it carried (vendors with several). */
function checkedChoice(vendor: VendorDefinition, r: StoredRecord, event: ReturnType<typeof findEvent>, options: InspectorOptions) {
  const auth = options.auth ?? (r.signature?.mode ? { mode: r.signature.mode } : undefined);
  return choiceFor(vendor, auth, event, options.signatureHeader);
}

function diffRoute(params: URLSearchParams, options: InspectorOptions, store: Store, res: ServerResponse, send: (res: ServerResponse, s: number, b: unknown) => void, fail: (res: ServerResponse, s: number, e: string) => void): void {
  const a = store.get(Number(params.get('a')));
  if (!a) return fail(res, 404, `no request ${params.get('a') ?? '(give ?a=<seq>)'}`);
  const aRecord = recordOf(a);
  const vendor: VendorDefinition | undefined = aRecord.vendor ? findVendor(aRecord.vendor) : undefined;
  const event = vendor && findEvent(vendor, aRecord.event);
  const fresh = event?.fresh?.map((f) => f.path) ?? [];
  const left = bodyValue(aRecord);
  let right: { value?: unknown; text: string };
  let bSide: DiffResponse['b'];
  let bHeaders: Record<string, string | string[]> = {};
  if (params.get('b') === 'fixture') {
    if (!vendor || !event) return fail(res, 400, 'this request is of no known event: there is no fixture to compare it with');
    let fixture: unknown;
    try {
      fixture = loadFixture(vendor, event);
    } catch (err) {
      return fail(res, 404, (err as Error).message);
    }
    right = { value: fixture, text: JSON.stringify(fixture) };
    bSide = { label: `${vendor.id} ${event.name} fixture` };
  } else {
    const b = store.get(Number(params.get('b')));
    if (!b) return fail(res, 404, `no request ${params.get('b') ?? '(give &b=<seq> or &b=fixture)'}`);
    const bRecord = recordOf(b);
    right = bodyValue(bRecord);
    bHeaders = bRecord.headers;
    bSide = { label: `#${b.seq}`, seq: b.seq };
  }
  const bothJson = left.value !== undefined && right.value !== undefined;
  const perDeliveryHeaders = vendor ? schemeHeaderNames(vendor, checkedChoice(vendor, aRecord, event, options)) : [];
  const bodyDiff = bothJson ? diffJson(left.value, right.value, { fresh }) : [];
  const out: DiffResponse = {
    a: { label: `#${a.seq}`, seq: a.seq },
    b: bSide,
    same: bothJson ? bodyDiff.length === 0 : left.text === right.text,
    body: bothJson ? bodyDiff : left.text === right.text ? [] : [{ path: '$', kind: 'changed', a: left.text.slice(0, 10_000), b: right.text.slice(0, 10_000), perDelivery: false }],
    headers: params.get('b') === 'fixture' ? [] : diffHeaders(aRecord.headers, bHeaders, perDeliveryHeaders),
  };
  if (!bothJson) out.note = 'one side is not JSON: compared as text';
  send(res, 200, out);
}
