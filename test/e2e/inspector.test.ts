// `hookscope listen --ui` as a real process, its page driven in headless Chromium: rows arrive
// live, filters, the detail pane's verdicts, the diff, the calls view, replay and
// edit-and-replay reaching a loopback receiver, a reload keeping the history; and the refusals
// of foreign Host and Origin headers (DNS rebinding, CSRF), over raw HTTP and from a real
// cross-origin page. Screenshots of each view go to test-artifacts/ (git-ignored).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendors } from '../../src/vendors/index.js';
import { artifact, browserAvailable, launch } from '../helpers/browser.js';
import { startListen, type RunningListener } from '../helpers/listen.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { signedHeaders, verifyValue } from '../helpers/signing.js';
import { ROOT } from '../helpers/cli.js';

const SECRET = 'rel-secret-inspector-0123456789';
const relyable = vendors.find((v) => v.id === 'relyable')!;
const retell = vendors.find((v) => v.id === 'retell')!;
/** A Retell call_ended signed `ageMs` ago (listen has no Retell secret: recorded as no-secret). */
const retellSignedAgo = (ageMs: number) => {
  const body = compact(fixture('retell', 'call_ended'));
  return [body, signedHeaders(retell, body, 'key_retell_inspector', { timestampMs: Date.now() - ageMs })] as const;
};
const fixture = (vendor: string, event: string) => readFileSync(join(ROOT, 'fixtures', vendor, `${event}.json`), 'utf8');
const compact = (text: string) => JSON.stringify(JSON.parse(text));

let dir: string;
let app: TestServer;
let other: TestServer;
let listen: RunningListener;
let ui: string;
let port: number;

/** POST a JSON body to a listen (the shared one unless `to` says otherwise); its status. */
async function post(path: string, body: string, headers: Record<string, string> = {}, to = listen.url) {
  const res = await request(`${to}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  await res.body.text();
  return res.statusCode;
}

/** The inspector's URL (ending in /) from a listen's banner. */
const inspectorUrl = (l: RunningListener) => /inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(l.stderr())![1]!;

/** A listen of the test's own, with --ui and `args`, handed to `use` (its URL, its inspector's) and stopped after. */
async function withOwnListen(args: string[], use: (own: { url: string; ui: string }) => Promise<void>): Promise<void> {
  const own = await startListen(['--ui', '--ui-port', '0', ...args]);
  try {
    await use({ url: own.url, ui: inspectorUrl(own) });
  } finally {
    await own.stop();
  }
}

/** A raw request to the inspector with the Host/Origin given (undici would not send a foreign Host). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      // An event stream never ends: its head is enough.
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, text: '' });
        res.destroy();
      }
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Requests to `base` over 32 connections at once, as fast as listen takes them (a flood: thousands
 * a second), in bursts of `burst` until `enough()` says so (at most `bursts` of them); how many were sent.
 */
async function flood(base: string, enough: () => boolean | Promise<boolean>, { burst = 600, bursts = 15 } = {}): Promise<number> {
  const body = compact(fixture('relyable', 'test_run.completed'));
  let sent = 0;
  for (let b = 0; b < bursts && !(await enough()); b++) {
    let left = burst;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (left > 0) {
          left--;
          expect(await post('/hooks/relyable', body, {}, base)).toBe(200);
          sent++;
        }
      }),
    );
  }
  return sent;
}

/** Open the inspector's event stream; its events (name, id, data) collect in `events` as they come. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const events: { event: string; id?: string; data: string }[] = [];
  const stream = await request(url, { headers });
  let text = '';
  stream.body.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
      const message = text.slice(0, end);
      text = text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(message)?.[1];
      if (event) events.push({ event, id: /^id: (.*)$/m.exec(message)?.[1], data: /^data: (.*)$/m.exec(message)![1]! });
    }
  });
  return { events, close: () => stream.body.destroy() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hookscope-inspector-'));
  app = await startServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"received":true}');
  });
  other = await startServer((req, res) => {
    // A page on another origin: the cross-site attacker in the CSRF test.
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>evil</title>');
  });
  // History from an earlier run, in the log listen appends to: the page must start with it.
  const earlier = { kind: 'hookscope.request', version: 1, id: 1, time: '2026-01-01T00:00:00.000Z', method: 'POST', path: '/earlier', headers: { 'content-type': 'application/json' }, body: '{"hello":"from before"}', bodyEncoding: 'utf8', bodyBytes: 23, signature: { state: 'not-checked', reason: 'vendor unknown' }, schema: { state: 'undetected', issues: [] }, response: { status: 200, by: 'listener' } };
  writeFileSync(join(dir, 'log.ndjson'), `${JSON.stringify(earlier)}\n`);
  listen = await startListen(['--ui', '--ui-port', '0', '--log', join(dir, 'log.ndjson'), '--secret', `relyable=${SECRET}`, '--forward-to', app.url]);
  ui = inspectorUrl(listen);
  port = Number(new URL(ui).port);
});

afterAll(async () => {
  await listen?.stop();
  await app?.close();
  await other?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('listen --ui: the banner and the API', () => {
  it('prints the inspector on a line of its own, and opens nothing without --open', () => {
    const line = listen.stderr().split('\n').find((l) => l.trimStart().startsWith('inspector'))!;
    expect(line).toMatch(/^ {2}inspector: http:\/\/127\.0\.0\.1:\d+\/ /);
    expect(line).toContain('--open opens it');
  });
  it('starts with the log\'s earlier records', async () => {
    const list = (await (await request(`${ui}api/requests`)).body.json()) as { rows: { path: string }[] };
    expect(list.rows[0]!.path).toBe('/earlier');
  });
  it('carries the newest rows in the page itself, where no text from a request can end the data block', async () => {
    const hostile = '</script><script>alert(1)</script><!--';
    await withOwnListen(['--no-log'], async (own) => {
      const body = JSON.parse(fixture('relyable', 'test_run.completed')) as { data: Record<string, unknown> };
      body.data.call_id = hostile;
      await post('/hooks/relyable', JSON.stringify(body), {}, own.url);
      const html = await (await request(own.ui)).body.text();
      // One data block, one module script: the hostile text added no element.
      expect(html.match(/<script\b/g)).toHaveLength(2);
      const block = /<script type="application\/json" id="first-page">([^<]*)<\/script>/.exec(html);
      expect(block).not.toBeNull();
      const first = JSON.parse(block![1]!) as { rows: { callId?: string }[]; last: number; more: boolean };
      const api = (await (await request(`${own.ui}api/requests?limit=300`)).body.json()) as unknown;
      expect(first).toEqual(api);
      expect(first.rows.at(-1)!.callId).toBe(hostile);
    });
  });
});

describe('the stream (API)', () => {
  it('gives each event the last seq it carries as its id, and goes on after a Last-Event-ID, not the URL\'s after', async () => {
    await withOwnListen(['--no-log'], async (own) => {
      const body = compact(fixture('relyable', 'test_run.completed'));
      for (let i = 0; i < 3; i++) await post('/hooks/relyable', body, {}, own.url);
      const seqs = (rows: string) => (JSON.parse(rows) as { seq: number }[]).map((r) => r.seq);
      const first = await openStream(`${own.ui}api/stream?after=0`);
      await waitUntil(() => first.events.length > 0);
      first.close();
      expect(first.events[0]).toMatchObject({ event: 'rows', id: '3' });
      expect(seqs(first.events[0]!.data)).toEqual([1, 2, 3]);
      // What an EventSource sends when it reconnects by itself: its URL as opened, and the last id it had.
      const resumed = await openStream(`${own.ui}api/stream?after=0`, { 'last-event-id': '2' });
      await waitUntil(() => resumed.events.length > 0);
      await post('/hooks/relyable', body, {}, own.url);
      await waitUntil(() => resumed.events.flatMap((e) => seqs(e.data)).length >= 2);
      resumed.close();
      expect(resumed.events.flatMap((e) => seqs(e.data))).toEqual([3, 4]);
      expect(resumed.events.at(-1)!.id).toBe('4');
    });
  });
});

describe('the stream in a flood (API)', () => {
  it('sends how many rows came instead of the rows, and the list API gives them between two seqs', async () => {
    await withOwnListen(['--no-log'], async (own) => {
      const { events, close } = await openStream(`${own.ui}api/stream?after=0`);
      const sent = await flood(own.url, () => events.some((e) => e.event === 'held'));
      // Every request is in the stream once, as a row or counted in a `held`, in order.
      await waitUntil(() => {
        const counted = events.reduce((n, e) => n + (e.event === 'held' ? (JSON.parse(e.data) as { count: number }).count : (JSON.parse(e.data) as unknown[]).length), 0);
        return counted === sent;
      });
      close();
      const held = events.filter((e) => e.event === 'held').map((e) => JSON.parse(e.data) as { count: number; last: number });
      expect(held.length).toBeGreaterThan(0);
      let lastSeen = 0;
      for (const e of events) {
        if (e.event === 'held') {
          const h = JSON.parse(e.data) as { count: number; last: number };
          // What the page asks for when it shows them: the rows after its last, up to the count's last.
          const got = (await (await request(`${own.ui}api/requests?after=${lastSeen}&before=${h.last + 1}`)).body.json()) as { rows: { seq: number }[] };
          expect(got.rows.map((r) => r.seq)).toEqual(Array.from({ length: h.count }, (_, i) => lastSeen + 1 + i));
          lastSeen = h.last;
        } else {
          const rows = JSON.parse(e.data) as { seq: number }[];
          expect(rows[0]!.seq).toBe(lastSeen + 1);
          lastSeen = rows[rows.length - 1]!.seq;
        }
      }
      expect(lastSeen).toBe(sent);
    });
  }, 60_000);
});

async function waitUntil(ok: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`not so after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('DNS rebinding and CSRF: foreign Host and Origin are refused', () => {
  it.each([
    ['GET', '/api/requests'],
    ['GET', '/api/requests/1'],
    ['GET', '/api/stream'],
    ['GET', '/'],
    ['POST', '/api/requests/1/replay'],
  ])('%s %s with Host: evil.example is 403', async (method, path) => {
    const res = await raw(method, path, { host: `evil.example:${port}` }, method === 'POST' ? '{}' : undefined);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error).toMatch(/Host "evil\.example:\d+" is not this inspector/);
  });
  it.each([
    ['GET', '/api/requests'],
    ['GET', '/api/stream'],
    ['POST', '/api/requests/1/replay'],
  ])('%s %s with Origin: http://evil.example is 403, and nothing is sent', async (method, path) => {
    const before = app.received.length;
    const res = await raw(method, path, { host: `127.0.0.1:${port}`, origin: 'http://evil.example' }, method === 'POST' ? '{}' : undefined);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error).toMatch(/Origin "http:\/\/evil\.example" is not this inspector's/);
    expect(app.received.length).toBe(before);
  });
  it('answers its own Host and Origin', async () => {
    expect((await raw('GET', '/api/requests', { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await raw('GET', '/api/stream', { host: `127.0.0.1:${port}` })).status).toBe(200);
  });
});

const runBrowser = browserAvailable();

describe.skipIf(!runBrowser)('the page in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const rowCount = () => page.locator('[data-testid=list]').getAttribute('data-rows').then(Number);
  const waitRows = (n: number) => page.waitForFunction((n) => Number((globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }).document.querySelector('[data-testid=list]')?.getAttribute('data-rows')) === n, n, { timeout: 10_000 });
  const rowWith = (text: string) => page.locator('.row', { hasText: text }).first();
  /** Select a row and wait for its detail. */
  const open = async (row: ReturnType<Page['locator']>) => {
    const seq = await row.getAttribute('data-seq');
    await row.click();
    await page.locator(`[data-testid=detail][data-seq="${seq}"]`).waitFor();
  };
  const bySig = (state: string) => page.locator('.row').filter({ has: page.locator('.c-sig', { hasText: new RegExp(`^${state}$`) }) });
  const bySchema = (state: string) => page.locator('.row').filter({ has: page.locator('.c-schema', { hasText: new RegExp(`^${state}$`) }) });

  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(ui);
    await page.waitForSelector('body[data-ready]');
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows rows live as requests arrive', async () => {
    expect(await rowCount()).toBe(1);
    const completed = compact(fixture('relyable', 'test_run.completed'));
    expect(await post('/hooks/relyable', completed, signedHeaders(relyable, completed, SECRET))).toBe(200);
    await waitRows(2);
    const failed = compact(fixture('relyable', 'test_run.failed'));
    await post('/hooks/relyable', failed, signedHeaders(relyable, failed, SECRET));
    // Tampered: signed, then a value changed.
    const tampered = completed.replace('73.5', '99.5');
    await post('/hooks/relyable', tampered, signedHeaders(relyable, completed, SECRET));
    // A schema issue: a required field's type broken.
    const broken = JSON.stringify({ ...JSON.parse(completed), data: { ...JSON.parse(completed).data, score: 'high' } });
    await post('/hooks/relyable', broken, signedHeaders(relyable, broken, SECRET));
    // Bluejay: one call out of order (result before the end), one ended without its result.
    await post('/hooks/bluejay', compact(fixture('bluejay', 'simulation_result_evaluated')));
    await post('/hooks/bluejay', compact(fixture('bluejay', 'simulation_ended')));
    await post('/hooks/bluejay', JSON.stringify({ ...JSON.parse(fixture('bluejay', 'simulation_ended')), id: 777 }));
    await waitRows(8);
    // Newest first.
    await expect(page.locator('.row').first().textContent()).resolves.toContain('simulation_ended');
    await page.screenshot({ path: artifact('inspector-list.png') });
  });

  it('filters by verdict, vendor, status and body text', async () => {
    await page.selectOption('[data-testid=f-sig]', 'invalid');
    await waitRows(1);
    await expect(rowWith('test_run.completed').textContent()).resolves.toContain('invalid');
    await page.selectOption('[data-testid=f-sig]', '');
    await page.selectOption('[data-testid=f-vendor]', 'bluejay');
    await waitRows(3);
    await page.selectOption('[data-testid=f-vendor]', '');
    await page.fill('[data-testid=f-q]', 'Phone number not reachable');
    await waitRows(1);
    await page.fill('[data-testid=f-q]', '');
    await page.fill('[data-testid=f-status]', '5xx');
    await waitRows(0);
    await page.fill('[data-testid=f-status]', '');
    await waitRows(8);
    await page.screenshot({ path: artifact('inspector-filters.png') });
  });

  it('shows the detail: signature verdict with the scheme\'s provenance, schema issues in place, the app\'s answer', async () => {
    await open(bySig('invalid').first());
    const sig = page.locator('[data-testid=signature]');
    await expect(sig.textContent()).resolves.toContain('invalid');
    await expect(sig.textContent()).resolves.toMatch(/wrong secret or body changed|changed/);
    await expect(page.locator('[data-testid=scheme]').textContent()).resolves.toMatch(/x-relyable-signature.*(documented|seen|assumed)/s);
    await expect(page.locator('[data-testid=answer]').textContent()).resolves.toMatch(/forwarded to http:\/\/127\.0\.0\.1:\d+\/hooks\/relyable: 200 in \d+ ms/);
    await expect(page.locator('[data-testid=curl]').inputValue()).resolves.toContain("-H 'x-relyable-signature: ");
    await page.screenshot({ path: artifact('inspector-detail.png') });
    // The schema issue is marked on the value in the pretty body.
    await open(bySchema('invalid').first());
    await expect(page.locator('[data-testid=schema] .badge').textContent()).resolves.toBe('invalid');
    const mark = page.locator('[data-testid=body] [data-path="$.data.score"] [data-testid=issue-mark]');
    await expect(mark.textContent()).resolves.toMatch(/score|number/);
    await page.screenshot({ path: artifact('inspector-schema.png') });
  });

  it('diffs two deliveries, per-delivery fields apart', async () => {
    await open(rowWith('test_run.failed'));
    await page.click('[data-testid=mark-diff]');
    await open(page.locator('.row', { hasText: 'test_run.completed' }).last());
    await page.click('[data-testid=diff-with-mark]');
    const result = page.locator('[data-testid=diff-result]');
    await result.waitFor();
    await expect(page.locator('[data-testid=diff-real]').textContent()).resolves.toContain('$.event');
    await expect(page.locator('[data-testid=diff-per-delivery]').textContent()).resolves.toContain('$.timestamp');
    await expect(page.locator('[data-testid=diff-headers-per-delivery]').textContent()).resolves.toContain('x-relyable-signature');
    await page.screenshot({ path: artifact('inspector-diff.png') });
  });

  it('groups calls, with what is out of order and missing', async () => {
    await page.click('[data-testid=tab-calls]');
    const first = page.locator('[data-testid=call][data-call="58214"]');
    await expect(first.locator('[data-testid=out-of-order]').textContent()).resolves.toContain('simulation_ended came after simulation_result_evaluated');
    await expect(page.locator('[data-testid=call][data-call="777"] [data-testid=missing]').textContent()).resolves.toContain('simulation_result_evaluated');
    await page.screenshot({ path: artifact('inspector-calls.png') });
    await page.click('[data-testid=tab-requests]');
  });

  it('replays to the forward target, re-signed, linked to its original', async () => {
    await open(page.locator('.row', { hasText: 'test_run.failed' }).first());
    const before = app.received.length;
    await page.click('[data-testid=replay-send]');
    await page.locator('[data-testid=replay-new]').waitFor();
    expect(app.received.length).toBe(before + 1);
    const got = app.received.at(-1)!;
    expect(got.url).toBe('/hooks/relyable');
    expect(got.body.toString()).toBe(compact(fixture('relyable', 'test_run.failed')));
    expect(verifyValue(relyable.signing!, got.body, SECRET, got.headers['x-relyable-signature'] as string).valid).toBe(true);
    await waitRows(9);
    await expect(page.locator('.row').first().textContent()).resolves.toMatch(/↻ #\d+/);
    await expect(page.locator('[data-testid=replay] [data-testid=replays-note]').textContent()).resolves.toBe('replays are kept while listen runs; they are not in the log');
    await page.click('[data-testid=replay-new]');
    await expect(page.locator('[data-testid=replay-of]').textContent()).resolves.toMatch(/#\d+/);
    await expect(page.locator('.meta [data-testid=replays-note]').textContent()).resolves.toContain('not in the log');
  });

  it('edits and replays to another URL: validated first, re-signed, sent', async () => {
    await open(page.locator('.row', { hasText: 'test_run.failed' }).last());
    await page.click('[data-testid=replay-edit]');
    await page.fill('[data-testid=replay-url]', `${other.url}/edited`);
    const body = JSON.parse(compact(fixture('relyable', 'test_run.failed')));
    // Invalid first: refused before anything is sent.
    await page.fill('[data-testid=edit-body]', JSON.stringify({ ...body, data: 'nope' }));
    await page.click('[data-testid=edit-send]');
    await expect(page.locator('[data-testid=replay-result]').textContent()).resolves.toContain('does not match');
    expect(other.received.length).toBe(0);
    const edited = JSON.stringify({ ...body, data: { ...body.data, error: 'edited in the inspector' } });
    await page.fill('[data-testid=edit-body]', edited);
    await page.fill('[data-testid=edit-headers]', 'content-type: application/json\nx-edited: yes\nx-relyable-signature: stale');
    await page.screenshot({ path: artifact('inspector-edit-replay.png') });
    await page.click('[data-testid=edit-send]');
    await page.locator('[data-testid=replay-new]').waitFor();
    expect(other.received.length).toBe(1);
    const got = other.received[0]!;
    expect(got.url).toBe('/edited');
    expect(got.body.toString()).toBe(edited);
    expect(got.headers['x-edited']).toBe('yes');
    expect(verifyValue(relyable.signing!, got.body, SECRET, got.headers['x-relyable-signature'] as string).valid).toBe(true);
    await waitRows(10);
    await expect(page.locator('.row').first().textContent()).resolves.toContain('✎');
  });

  it('keeps the history over a reload', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    await waitRows(10);
    await expect(page.locator('.row').last().textContent()).resolves.toContain('/earlier');
    // The two replays stay out of the log: it is what listen received, which validate and replay read as deliveries.
    const logged = readFileSync(join(dir, 'log.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(8);
    expect(logged.filter((r) => 'replayOf' in r || 'replayTo' in r)).toEqual([]);
  });

  it('warns next to copy-as-curl that an expired signature will be refused', async () => {
    const [body, headers] = retellSignedAgo(3_600_000);
    await post('/hooks/retell', body, headers);
    await waitRows(11);
    await open(rowWith('call_ended'));
    const note = page.locator('.actions [data-testid=curl-note]');
    await expect(note.textContent()).resolves.toMatch(/^signed at \S+, 36\d\d s ago; Retell AI accepts signatures up to 300 s old: this curl will be rejected as expired — use Replay/);
    await page.screenshot({ path: artifact('inspector-curl-note.png') });
    await open(rowWith('test_run.failed'));
    expect(await page.locator('[data-testid=curl-note]').count()).toBe(0);
  });

  it('shows a history longer than its first page: the newest at once, the older ones after', async () => {
    // 350 records: more than the 300 the page asks for first.
    const base = JSON.parse(readFileSync(join(dir, 'log.ndjson'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    const lines = Array.from({ length: 350 }, (_, i) => JSON.stringify({ ...base, id: i + 1, path: `/old/${i + 1}` }));
    const log = join(dir, 'long.ndjson');
    writeFileSync(log, `${lines.join('\n')}\n`);
    await withOwnListen(['--log', log], async (long) => {
      const first = (await (await request(`${long.ui}api/requests?limit=300`)).body.json()) as { rows: { seq: number }[]; more: boolean };
      expect([first.rows.length, first.rows[0]!.seq, first.more]).toEqual([300, 51, true]);
      const other = await browser.newPage();
      await other.goto(long.ui);
      await other.waitForSelector('body[data-ready]');
      await other.waitForSelector('body[data-history]');
      expect(Number(await other.locator('[data-testid=list]').getAttribute('data-rows'))).toBe(350);
      await expect(other.locator('.row').first().textContent()).resolves.toContain('/old/350');
      // The oldest row is at the bottom of the list.
      await other.locator('[data-testid=list]').evaluate((el) => (el.scrollTop = el.scrollHeight));
      await other.locator('.c-path', { hasText: /^\/old\/1$/ }).waitFor({ timeout: 5_000 });
      await other.close();
    });
  });

  it('holds the list still in a flood, then shows every request in order', async () => {
    await withOwnListen(['--no-log'], async (own) => {
      const other = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await other.goto(own.ui);
      await other.waitForSelector('body[data-ready]');
      const held = other.locator('[data-testid=held]');
      const sent = await flood(own.url, () => held.isVisible());
      await expect(held.textContent()).resolves.toMatch(/^\d+ more requests came faster than a list can be read/);
      await other.screenshot({ path: artifact('inspector-flood-held.png') });
      // The flood is over: the held rows are fetched and the list shows every request, newest on top.
      await held.waitFor({ state: 'detached', timeout: 10_000 });
      await other.waitForFunction(`Number(document.querySelector('[data-testid=list]')?.getAttribute('data-rows')) === ${sent}`, undefined, { timeout: 10_000 });
      await expect(other.locator('.row').first().getAttribute('data-seq')).resolves.toBe(String(sent));
      // In order, none twice: the rows on screen are consecutive seqs down from the newest.
      const seqs = (await other.locator('.row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))))).sort((a, b) => b - a);
      expect(seqs.length).toBeGreaterThan(10);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => sent - i));
      await other.close();
    });
  }, 60_000);

  it('refuses a cross-origin page\'s requests (CSRF from a real browser)', async () => {
    const evil = await browser.newPage();
    await evil.goto(`${other.url}/evil`);
    const before = app.received.length;
    const outcome = await evil.evaluate(async (target) => {
      // A no-cors POST is what a hostile page can send without a preflight.
      await fetch(`${target}api/requests/2/replay`, { method: 'POST', mode: 'no-cors', body: '{}', headers: { 'content-type': 'text/plain' } }).catch(() => undefined);
      try {
        await fetch(`${target}api/requests`);
        return 'read';
      } catch {
        return 'blocked';
      }
    }, ui);
    expect(outcome).toBe('blocked');
    expect(app.received.length).toBe(before);
    await evil.close();
  });
});

describe('copy-as-curl and the vendor\'s timestamp window (API)', () => {
  /** The detail of the newest request on `path`. */
  const newest = async (path: string) => {
    const { rows } = (await (await request(`${ui}api/requests`)).body.json()) as { rows: { seq: number; path: string }[] };
    const seq = rows.filter((r) => r.path === path).at(-1)!.seq;
    return (await (await request(`${ui}api/requests/${seq}`)).body.json()) as { curl: string; curlNote?: { text: string; ageMs: number; windowMs: number; provenance: string } };
  };
  it('notes a Retell signature older than Retell\'s 5 minutes, not a fresh one, nor a scheme without a timestamp', async () => {
    const [old, oldHeaders] = retellSignedAgo(600_000);
    await post('/api/old', old, oldHeaders);
    const detail = await newest('/api/old');
    expect(detail.curl).toContain('x-retell-signature: v=');
    expect(detail.curlNote).toMatchObject({ windowMs: 300_000, provenance: 'documented' });
    expect(detail.curlNote!.ageMs).toBeGreaterThanOrEqual(600_000);
    expect(detail.curlNote!.text).toContain("once listen has retell's secret (--secret retell=…)");
    const [fresh, freshHeaders] = retellSignedAgo(0);
    await post('/api/fresh', fresh, freshHeaders);
    expect((await newest('/api/fresh')).curlNote).toBeUndefined();
    const completed = compact(fixture('relyable', 'test_run.completed'));
    await post('/api/relyable', completed, signedHeaders(relyable, completed, SECRET));
    const plain = await newest('/api/relyable');
    expect(plain.curl).toContain('x-relyable-signature');
    expect(plain.curlNote).toBeUndefined();
  });
  it('shows the scheme of the mode a request carried (Vapi HMAC), in the detail and the diff', async () => {
    const body = compact(fixture('vapi', 'status-update'));
    const headers = { 'x-signature': 'a'.repeat(64), 'x-timestamp': String(Date.now()) };
    await post('/api/vapi-hmac', body, headers);
    await post('/api/vapi-hmac', body, { ...headers, 'x-signature': 'b'.repeat(64) });
    const detail = (await newest('/api/vapi-hmac')) as unknown as { row: { seq: number }; record: { signature: { mode?: string } }; scheme: { facts: { name: string; value: string }[] } };
    expect(detail.record.signature.mode).toBe('hmac');
    const header = detail.scheme.facts.find((f) => f.name === 'header')!.value;
    expect(header).toContain('x-signature');
    expect(header).not.toContain('x-vapi-secret');
    // The two differ only in the signature: the mode's header is per delivery.
    const seq = detail.row.seq;
    const diff = (await (await request(`${ui}api/diff?a=${seq - 1}&b=${seq}`)).body.json()) as { headers: { path: string; perDelivery: boolean }[] };
    expect(diff.headers.find((h) => h.path === 'x-signature')).toMatchObject({ perDelivery: true });
  });
});
