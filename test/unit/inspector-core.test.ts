// The inspector's pure core: the diff (key order ignored, per-delivery fields apart), the list
// filters, copy-as-curl (run through a shell to check the bytes), the Host/Origin guard, the
// browser opener, the store's budget, and the page's size budget.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { curlCommand, curlNote } from '../../src/inspector/curl.js';
import { diffHeaders, diffJson, isIdOrTimeKey, sameJson } from '../../src/inspector/diff.js';
import { refusal } from '../../src/inspector/guard.js';
import { openerFor } from '../../src/inspector/open.js';
import { matches, parseFilter, recordOf, rowOf, statusMatches, type Entry, type StoredRecord } from '../../src/inspector/rows.js';
import { Store } from '../../src/inspector/store.js';
import { FLOOD_GAP_MS, FLOOD_ROWS, FLOOD_WINDOW_MS, STREAM_GAP_MS, StreamPace } from '../../src/inspector/pace.js';
import type { Choice } from '../../src/signing/signature.js';
import { findVendor } from '../../src/vendors/index.js';
import { ROOT } from '../helpers/cli.js';
import { signedHeaders } from '../helpers/signing.js';

describe('diffJson', () => {
  it('ignores key order', () => {
    expect(diffJson({ a: 1, b: { c: 2, d: [1, 2] } }, { b: { d: [1, 2], c: 2 }, a: 1 })).toEqual([]);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
  it.each([
    [{ a: 1 }, { a: 2 }, [{ path: '$.a', kind: 'changed', a: 1, b: 2, perDelivery: false }]],
    [{ a: 1 }, {}, [{ path: '$.a', kind: 'removed', a: 1, perDelivery: false }]],
    [{}, { 'x.y': true }, [{ path: '$["x.y"]', kind: 'added', b: true, perDelivery: false }]],
    [{ l: [1, 2, 3] }, { l: [1, 5] }, [{ path: '$.l[1]', kind: 'changed', a: 2, b: 5, perDelivery: false }, { path: '$.l[2]', kind: 'removed', a: 3, perDelivery: false }]],
    [{ a: { b: 1 } }, { a: [1] }, [{ path: '$.a', kind: 'changed', a: { b: 1 }, b: [1], perDelivery: false }]],
  ])('lists %j vs %j', (a, b, expected) => {
    expect(diffJson(a, b)).toEqual(expected);
  });
  it('keeps document order', () => {
    expect(diffJson({ a: 1, b: 1, c: 1 }, { c: 2, b: 2, d: 1 }).map((e) => e.path)).toEqual(['$.a', '$.b', '$.c', '$.d']);
  });
  it('marks the catalog\'s fresh paths and id/timestamp keys as per delivery', () => {
    const out = diffJson({ timestamp: 't1', data: { score: 1, call_id: 'a', createdAt: 1, status: 'x' } }, { timestamp: 't2', data: { score: 2, call_id: 'b', createdAt: 2, status: 'x' } }, { fresh: ['timestamp'] });
    expect(out.filter((e) => e.perDelivery).map((e) => e.path)).toEqual(['$.data.call_id', '$.data.createdAt', '$.timestamp']);
    expect(out.filter((e) => !e.perDelivery).map((e) => e.path)).toEqual(['$.data.score']);
  });
  it.each([['id', true], ['call_id', true], ['callId', true], ['sent_at', true], ['updatedAt', true], ['timestamp', true], ['score', false], ['video', false], ['status', false], ['data', false]])('isIdOrTimeKey(%s) = %s', (key, expected) => {
    expect(isIdOrTimeKey(key)).toBe(expected);
  });
  it('is bounded and survives deep nesting', () => {
    const a = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    expect(diffJson(a, {}).length).toBe(1000);
    let deep: unknown = 1;
    let deep2: unknown = 2;
    for (let i = 0; i < 20_000; i++) {
      deep = [deep];
      deep2 = [deep2];
    }
    expect(diffJson(deep, deep2)).toHaveLength(1);
  });
  it('compares headers by name, the signature apart', () => {
    const out = diffHeaders({ 'X-Sig': 'a', 'content-type': 'application/json', 'user-agent': 'v1' }, { 'x-sig': 'b', 'content-type': 'application/json', 'user-agent': 'v2' }, ['x-sig']);
    expect(out).toEqual([
      { path: 'user-agent', kind: 'changed', a: 'v1', b: 'v2', perDelivery: false },
      { path: 'x-sig', kind: 'changed', a: 'a', b: 'b', perDelivery: true },
    ]);
  });
});

const record = (over: Partial<StoredRecord>, seq = 1): StoredRecord =>
  ({ kind: 'hookscope.request', version: 1, id: seq, time: '2026-01-01T00:00:00.000Z', method: 'POST', path: '/hooks', headers: {}, body: '{"data":{"name":"Ada Lovelace"}}', bodyEncoding: 'utf8', bodyBytes: 10, signature: { state: 'valid' }, schema: { state: 'valid', issues: [] }, response: { status: 200, by: 'listener' }, vendor: 'relyable', event: 'test_run.completed', callId: 'c1', ...over }) as StoredRecord;
const entry = (over: Partial<StoredRecord>, seq = 1): Entry => {
  const line = JSON.stringify(record(over, seq));
  return { seq, line, bytes: line.length, row: rowOf(seq, record(over, seq)) };
};

describe('filters', () => {
  it('parses a query, ignoring blanks and unknown keys', () => {
    expect(parseFilter(new URLSearchParams('vendor=relyable&event=&sig=invalid&nope=1&q=%20ada%20'))).toEqual({ vendor: 'relyable', sig: 'invalid', q: 'ada' });
  });
  it.each([
    [{}, true],
    [{ vendor: 'relyable' }, true],
    [{ vendor: 'synthflow' }, false],
    [{ event: 'test_run.failed' }, false],
    [{ sig: 'valid', schema: 'valid' }, true],
    [{ sig: 'invalid' }, false],
    [{ status: '2xx' }, true],
    [{ status: '500' }, false],
    [{ call: 'c1' }, true],
    [{ call: 'c2' }, false],
    [{ q: 'LOVELACE' }, true],
    [{ q: 'babbage' }, false],
    [{ q: '/hooks' }, true],
  ])('%j matches: %s', (filter, expected) => {
    expect(matches(entry({}), filter)).toBe(expected);
  });
  // The stored line holds the body JSON-escaped: text with quotes, backslashes, line breaks or
  // non-ASCII must still be found in the body, and text only in the line's other fields must not.
  it.each([
    ['say "hi"', true],
    ['a\\b', true],
    ['line one\nline two', true],
    ['ünïcödé 😀', true],
    ['x-relyable-signature', false],
    ['hookscope.request', false],
  ])('finds %j in a body that has it: %s', (needle, expected) => {
    const body = 'note: say "hi" a\\b line one\nline two ÜNÏCÖDÉ 😀';
    expect(matches(entry({ body, headers: { 'x-relyable-signature': 'abc' } }), { q: needle.toLowerCase() })).toBe(expected);
  });
  it('does not search base64 bodies as text', () => {
    expect(matches(entry({ body: Buffer.from('secret words').toString('base64'), bodyEncoding: 'base64' }), { q: 'secret' })).toBe(false);
  });
  it.each([[500, '5xx', true], [503, '5', true], [404, '5xx', false], [404, '404', true], [404, '40', false]])('status %i ~ %s: %s', (s, w, e) => {
    expect(statusMatches(s, w)).toBe(e);
  });
});

describe('curlCommand', () => {
  // Run the command's curl through sh with a stand-in that prints its arguments and stdin.
  it('reproduces the exact bytes and headers, through a real shell', async () => {
    const body = `{"text":"it's \\"quoted\\" $HOME \`x\` ü"}\n`;
    const got = await received(curlCommand({ method: 'POST', url: 'URL', headers: { 'content-type': 'application/json', 'x-sig': "a'b", host: 'x', 'content-length': '3' }, body, bodyEncoding: 'utf8' }));
    expect(got.body).toBe(body);
    expect(got.headers['x-sig']).toBe("a'b");
    expect(got.headers.host).not.toBe('x');
  });
  it('pipes a base64 body through base64 -d', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 39]);
    const got = await received(curlCommand({ method: 'POST', url: 'URL', headers: {}, body: bytes.toString('base64'), bodyEncoding: 'base64' }), true);
    expect(Buffer.from(got.raw).equals(bytes)).toBe(true);
  });
});

describe('curlNote: a recorded signature past the vendor\'s timestamp window', () => {
  const T = Date.parse('2026-03-01T12:00:00.000Z');
  const body = '{"event":"call_ended","call":{"call_id":"c1"}}';
  const vendor = (id: string) => findVendor(id)!;
  /** Headers signed at T by the vendor's scheme (the catalog's, or an --auth mode's). */
  const signedAt = (id: string, choice: Choice = {}, secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') => {
    const v = vendor(id);
    if (!choice.auth) return signedHeaders(v, body, secret, { timestampMs: T });
    return Object.fromEntries(Object.entries(v.authModes![choice.auth.mode]!.create(choice.auth.settings ?? {})!.sign({ body: Buffer.from(body), secret, timestampMs: T })!.headers));
  };
  const note = (id: string, ageMs: number, choice: Choice = {}, headers = signedAt(id, choice), canSign = true) => curlNote({ vendor: vendor(id), choice, headers, nowMs: T + ageMs, canSign });

  // Each vendor's window comes from its catalog entry: Retell 5 min (ms timestamps), ElevenLabs
  // 30 min (one-sided), OpenAI and Standard Webhooks 5 min (seconds).
  it.each([
    ['retell', 300_000],
    ['elevenlabs', 1_800_000],
    ['openai', 300_000],
    ['standard-webhooks', 300_000],
  ])('%s: no note inside its window (%i ms), a note one second past it', (id, windowMs) => {
    expect(note(id, 0)).toBeUndefined();
    expect(note(id, windowMs)).toBeUndefined();
    const past = note(id, windowMs + 1000);
    expect(past).toMatchObject({ signedAt: '2026-03-01T12:00:00.000Z', ageMs: windowMs + 1000, windowMs, provenance: 'documented' });
    expect(past!.text).toBe(`signed at 2026-03-01T12:00:00.000Z, ${windowMs / 1000 + 1} s ago; ${vendor(id).title} accepts signatures up to ${windowMs / 1000} s old: this curl will be rejected as expired — use Replay, which re-signs`);
  });
  it('says how Replay can re-sign when listen has no secret for the vendor', () => {
    expect(note('retell', 3_600_000, {}, undefined, false)!.text).toMatch(/3600 s ago; Retell AI accepts signatures up to 300 s old: .* use Replay, which re-signs once listen has retell's secret \(--secret retell=…\)$/);
  });
  it('reads Svix\'s header names as verify does', () => {
    const svix = Object.fromEntries(Object.entries(signedAt('standard-webhooks')).map(([k, v]) => [k.replace('webhook-', 'svix-'), v]));
    expect(note('standard-webhooks', 600_000, {}, svix)?.ageMs).toBe(600_000);
  });
  it('reads the signature from --signature-header as verify does', () => {
    const headers = { 'x-my-sig': signedAt('retell')['x-retell-signature']! };
    expect(note('retell', 600_000, { headerOverride: 'X-My-Sig' }, headers)?.windowMs).toBe(300_000);
    expect(note('retell', 600_000, {}, headers)).toBeUndefined();
  });
  it('says when the window is an assumption (Vapi\'s HMAC mode)', () => {
    const choice: Choice = { auth: { mode: 'hmac' } };
    expect(note('vapi', 0, choice)).toBeUndefined();
    const past = note('vapi', 301_000, choice);
    expect(past?.provenance).toBe('assumed');
    expect(past?.text).toContain('hookscope assumes Vapi accepts signatures up to 300 s old');
  });
  it.each([
    ['relyable (signs the body only)', 'relyable', {}],
    ['synthflow (signs call_id only)', 'synthflow', {}],
    ['vapi (X-Vapi-Secret, a token)', 'vapi', {}],
  ] as const)('no note for a scheme without a timestamp: %s', (_name, id, choice) => {
    expect(note(id, 365 * 86_400_000, choice, { 'x-relyable-signature': 'abc', 'synthflow-signature': 'abc', 'x-vapi-secret': 'abc' })).toBeUndefined();
  });
  it.each([
    ['no signature header', {}],
    ['a timestamp that is not a number', { 'x-retell-signature': 'v=yesterday,d=00' }],
    ['a timestamp too long to be one', { 'x-retell-signature': `v=${'9'.repeat(17)},d=00` }],
  ])('no note when the request carries no readable timestamp: %s', (_name, headers) => {
    expect(note('retell', 3_600_000, {}, headers)).toBeUndefined();
  });
  it('reads a timestamp even when the signature itself is malformed', () => {
    expect(note('retell', 3_600_000, {}, { 'x-retell-signature': `v=${T},d=not-hex` })?.ageMs).toBe(3_600_000);
  });
});

/** Run the curl command against a loopback server; what it received. */
async function received(command: string, binary = false): Promise<{ body: string; raw: Buffer; headers: Record<string, string | string[] | undefined> }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const got = new Promise<{ body: string; raw: Buffer; headers: Record<string, string | string[] | undefined> }>((resolve) =>
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.end('ok');
        const raw = Buffer.concat(chunks);
        resolve({ body: binary ? '' : raw.toString('utf8'), raw, headers: req.headers });
      });
    }),
  );
  try {
    // Asynchronously: the server answering it runs in this process.
    await promisify(execFile)('sh', ['-c', command.replace("'URL'", `'http://127.0.0.1:${port}/x'`)]);
    return await got;
  } finally {
    server.close();
  }
}

describe('refusal (DNS rebinding and CSRF)', () => {
  it.each([
    [{ host: '127.0.0.1:4401' }, false],
    [{ host: 'localhost:4401' }, false],
    [{ host: '[::1]:4401' }, false],
    [{ host: 'LOCALHOST:4401' }, false],
    [{ host: '127.0.0.1:4401', origin: 'http://127.0.0.1:4401' }, false],
    [{ host: 'evil.example:4401' }, true],
    [{ host: 'evil.example' }, true],
    [{ host: '127.0.0.1:4400' }, true],
    [{ host: '127.0.0.1' }, true],
    [{}, true],
    [{ host: '127.0.0.1:4401', origin: 'http://evil.example' }, true],
    [{ host: '127.0.0.1:4401', origin: 'null' }, true],
    [{ host: '127.0.0.1:4401', origin: 'http://localhost:4401' }, true],
    [{ host: '127.0.0.1:4401', origin: 'https://127.0.0.1:4401' }, true],
  ])('%j refused: %s', (headers, refused) => {
    expect(refusal(headers, 4401) !== undefined).toBe(refused);
  });
});

describe('openerFor', () => {
  it.each([['linux', 'xdg-open'], ['darwin', 'open'], ['win32', 'cmd']] as const)('%s uses %s', (platform, command) => {
    expect(openerFor(platform).command).toBe(command);
    expect(openerFor(platform).args('http://x/')).toContain('http://x/');
  });
});

describe('Store', () => {
  it('keeps seqs stable while dropping the oldest over budget', () => {
    const store = new Store({ bytes: 10_000, entries: 3 });
    for (let i = 1; i <= 5000; i++) store.add([{ record: record({}, i) }]);
    expect(store.last).toBe(5000);
    expect(store.dropped).toBe(4997);
    expect(store.get(4997)).toBeUndefined();
    expect(store.get(4998)?.seq).toBe(4998);
    expect(store.after(4998).map((e) => e.seq)).toEqual([4999, 5000]);
    expect(store.rows(() => true).rows.map((r) => r.seq)).toEqual([4998, 4999, 5000]);
  });
  it('pages the rows: the newest first, then the older ones before a seq', () => {
    const store = new Store();
    for (let i = 1; i <= 10; i++) store.add([{ record: record({ event: i % 2 ? 'odd' : 'even' }, i) }]);
    const seqs = (p: { rows: { seq: number }[]; more: boolean }) => [p.rows.map((r) => r.seq), p.more];
    expect(seqs(store.rows(() => true, { limit: 3 }))).toEqual([[8, 9, 10], true]);
    expect(seqs(store.rows(() => true, { before: 8 }))).toEqual([[1, 2, 3, 4, 5, 6, 7], false]);
    expect(seqs(store.rows(() => true, { before: 8, limit: 7 }))).toEqual([[1, 2, 3, 4, 5, 6, 7], false]);
    const even = (e: Entry) => e.row.event === 'even';
    expect(seqs(store.rows(even, { limit: 2 }))).toEqual([[8, 10], true]);
    expect(seqs(store.rows(even, { before: 8, limit: 3 }))).toEqual([[2, 4, 6], false]);
    expect(seqs(store.rows(even, { before: 1 }))).toEqual([[], false]);
    expect(seqs(store.rows(even, { before: 99, limit: 10 }))).toEqual([[2, 4, 6, 8, 10], false]);
    // Between two seqs (what a flood held back: after the page's last row, up to the stream's count).
    expect(seqs(store.rows(() => true, { after: 3, before: 7 }))).toEqual([[4, 5, 6], false]);
    expect(seqs(store.rows(even, { after: 3, before: 9 }))).toEqual([[4, 6, 8], false]);
    expect(seqs(store.rows(even, { after: 3, before: 9, limit: 2 }))).toEqual([[6, 8], true]);
    expect(seqs(store.rows(() => true, { after: 10 }))).toEqual([[], false]);
    expect(seqs(store.rows(() => true, { after: 0, before: 3 }))).toEqual([[1, 2], false]);
  });
  it('loads a log: its records as lines and rows, other lines passed over', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hookscope-store-')), 'log.ndjson');
    const a = record({ summary: 'first – ü' }, 1);
    const b = record({ callId: undefined, event: 'test_run.failed' }, 2);
    writeFileSync(path, `${JSON.stringify(a)}\nnot json\n{"kind":"something else"}\n\n${JSON.stringify(b)}`);
    const store = new Store();
    expect(store.loadLog(path)).toBe(2);
    expect(store.rows(() => true).rows.map((r) => [r.seq, r.event, r.summary])).toEqual([[1, 'test_run.completed', 'first – ü'], [2, 'test_run.failed', undefined]]);
    expect(recordOf(store.get(1)!)).toEqual(a);
    expect(recordOf(store.get(2)!)).toEqual(b);
  });
  it('tells subscribers of new entries and groups calls', () => {
    const store = new Store();
    const heard: number[] = [];
    store.subscribe((es) => heard.push(...es.map((e) => e.seq)));
    store.add([{ record: record({ callId: 'k' }, 1) }, { record: record({ callId: 'k' }, 2) }]);
    expect(heard).toEqual([1, 2]);
    const calls = store.callViews();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.events.map((e) => e.seq)).toEqual([1, 2]);
  });
});

describe('the page', () => {
  it('is under 150 KB of JavaScript gzipped', () => {
    const js = readFileSync(join(ROOT, 'dist/inspector/app.js'));
    const size = gzipSync(js, { level: 9 }).length;
    console.log(`dist/inspector/app.js: ${js.length} bytes, ${size} gzipped`);
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThan(150 * 1024);
  });
});

describe('StreamPace (how often a stream writes, and when it sends a count instead of rows)', () => {
  /** Rows arriving at `perSecond` for `ms`, the stream writing whenever its pace allows; whether each write was in a flood. */
  function play(pace: StreamPace, perSecond: number, ms: number, start = 0): boolean[] {
    const floods: boolean[] = [];
    let due = start;
    for (let t = start; t < start + ms; t++) {
      pace.arrive(t, Math.floor(((t + 1) * perSecond) / 1000) - Math.floor((t * perSecond) / 1000));
      if (t >= due) {
        floods.push(pace.wrote(t));
        expect(pace.gap).toBe(floods.at(-1) ? FLOOD_GAP_MS : STREAM_GAP_MS);
        due = t + pace.wait(t);
      }
    }
    return floods;
  }

  it('keeps webhook rates and bursts as rows, quick: 200 rows/s, or 30 rows at once after a pause', () => {
    const pace = new StreamPace();
    const steady = play(pace, 200, 5000);
    expect(steady.length).toBeGreaterThan(250);
    expect(steady.every((f) => !f)).toBe(true);
    pace.arrive(10_000, 30);
    expect(play(pace, 300, 100, 10_000).every((f) => !f)).toBe(true);
  });

  it('calls a flood within a quarter of a second, keeps it while it lasts, and ends it after', () => {
    const pace = new StreamPace();
    const flood = play(pace, 3000, 10_000);
    const called = flood.indexOf(true);
    expect(called).toBeGreaterThan(0);
    // Rows are 15 ms apart until then: at 3,000 a second, FLOOD_ROWS came within FLOOD_WINDOW_MS.
    expect(called * STREAM_GAP_MS).toBeLessThanOrEqual(FLOOD_WINDOW_MS);
    expect((3000 * FLOOD_WINDOW_MS) / 1000).toBeGreaterThan(FLOOD_ROWS);
    // Then once a second, every write a flood's, however long it lasts.
    expect(flood.slice(called).every((f) => f)).toBe(true);
    expect(flood.length).toBeLessThan(called + 12);
    // Back to webhook rates: the next write ends it.
    expect(play(pace, 100, 3000, 10_000).slice(1).every((f) => !f)).toBe(true);
  });

  it('is no flood at 1,000 rows a second, and one just above', () => {
    const at = (perSecond: number) => play(new StreamPace(), perSecond, 3000).includes(true);
    expect(at(900)).toBe(false);
    expect(at(1500)).toBe(true);
  });

  it('waits the rest of the gap, and nothing when idle', () => {
    const pace = new StreamPace();
    expect(pace.wait(0)).toBe(0);
    pace.wrote(100);
    expect(pace.wait(105)).toBe(STREAM_GAP_MS - 5);
    expect(pace.wait(500)).toBe(0);
  });
});
