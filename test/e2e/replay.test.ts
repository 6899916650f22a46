// `hookscope replay` through the built binary, against a loopback receiver that fails the
// first N attempts of chosen events and records when each attempt arrives.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { NO_SECRETS, startListen } from '../helpers/listen.js';
import { closedPort, startServer, type TestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'hookscope-replay-'));
const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** Fails the first `failures[event]` attempts of an event with 500, then answers 200; records arrival times. */
/** Vapi's request/response messages, answered as its docs show (tool results for the ids asked). */
const VAPI_REPLIES: Record<string, (calls: { id: string }[]) => string> = {
  'assistant-request': () => '{"assistantId":"asst_1"}',
  'tool-calls': (calls) => JSON.stringify({ results: calls.map((c) => ({ toolCallId: c.id, result: 'done' })) }),
  'transfer-destination-request': () => '{"destination":{"type":"number","number":"+15550100777"}}',
  'handoff-destination-request': () => '{"destination":{"type":"assistant","assistantName":"Reservations"}}',
  'knowledge-base-request': () => '{"documents":[]}',
};

async function flaky(failures: Record<string, number>) {
  const arrivals: { event: string; at: number }[] = [];
  const server = await startServer((req, res) => {
    // Form bodies (Twilio) are parameters; a Voice URL request has no CallbackSource or RecordingSid.
    const form = String(req.headers['content-type']).includes('x-www-form-urlencoded');
    const body = (form ? Object.fromEntries(new URLSearchParams(req.body.toString())) : JSON.parse(req.body.toString())) as Record<string, string | undefined> & { message?: { type?: string; toolCallList?: { id: string }[] } };
    const event = body.event ?? body.message?.type ?? (form ? `twilio:${body.CallbackSource ?? body.RecordingStatus ?? 'voice'}:${body.SequenceNumber ?? ''}` : 'post_call');
    arrivals.push({ event, at: performance.now() });
    const n = arrivals.filter((a) => a.event === event).length;
    const voice = event === 'twilio:voice:';
    res.writeHead(n <= (failures[event] ?? 0) ? 500 : 200, { 'content-type': voice ? 'text/xml' : 'application/json' });
    // A request/response event is answered as its contract asks (replay judges the reply).
    res.end(
      event === 'call_inbound'
        ? '{"call_inbound":{}}'
        : voice
          ? '<Response><Say>Hi</Say></Response>'
          : body.caller_id !== undefined
            ? '{"type":"conversation_initiation_client_data"}'
            : (VAPI_REPLIES[event]?.(body.message?.toolCallList ?? []) ?? ''),
    );
  });
  servers.push(server);
  return { server, arrivals };
}

const fixture = (vendor: string, event: string) => join(ROOT, 'fixtures', vendor, `${event}.json`);

describe('replay: fixtures on the vendor schedule', () => {
  it('retries each event on its own timeline until it succeeds or runs out (--speed 6000)', async () => {
    const { server, arrivals } = await flaky({ 'test_run.completed': 2, 'test_run.failed': 99, 'call.end': 1 });
    const r = await runCli(['replay', fixture('relyable', 'test_run.completed'), fixture('relyable', 'test_run.failed'), fixture('smallest', 'call.end'), '--url', server.url, '--speed', '6000', '--json'], { env: NO_SECRETS });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ kind: 'hookscope.replay.summary', events: 3, delivered: 1, failed: 2 });
    const attempts = (event: string) => lines.filter((l) => l.kind === 'hookscope.replay.attempt' && l.event === event);
    // relyable: 500, 500, then 200 on the third attempt.
    expect(attempts('test_run.completed').map((a) => [a.attempt, a.status, a.plannedMs, a.scheduledMs])).toEqual([
      [1, 500, 0, 0],
      [2, 500, 60_000, 10],
      [3, 200, 360_000, 60],
    ]);
    // relyable: never succeeds, all five attempts.
    expect(attempts('test_run.failed').map((a) => a.plannedMs)).toEqual([0, 60_000, 360_000, 1_260_000, 4_860_000]);
    // smallest documents no retries: one 500 and done.
    expect(attempts('call.end').map((a) => a.status)).toEqual([500]);
    // Never early, by hookscope's own clock. (The receiver's clock is not asserted on: its
    // event loop shares the machine with parallel test workers, so its timestamps lag.)
    for (const a of lines.filter((l) => l.kind === 'hookscope.replay.attempt')) expect(a.deviationMs).toBeGreaterThanOrEqual(0);
    const at = arrivals.filter((a) => a.event === 'test_run.failed').map((a) => a.at);
    expect(at).toHaveLength(5);
    // The ladder widens: 600 ms planned before the fifth attempt, 10 ms before the second.
    expect(at[4]! - at[3]!).toBeGreaterThan(at[1]! - at[0]! + 300);
    expect(arrivals.filter((a) => a.event === 'test_run.completed')).toHaveLength(3);
  });

  it('the pretty output has a timeline per event and a final table; exit 0 when all succeed', async () => {
    const { server } = await flaky({ 'test_run.completed': 1 });
    const r = await runCli(['replay', fixture('relyable', 'test_run.completed'), '--url', server.url, '--speed', 'max'], { env: NO_SECRETS });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('relyable test_run.completed');
    expect(r.stdout).toMatch(/✗ #1 {2}planned \+0 ms {2}actual \+\d+ ms {2}500 in \d+ ms: relyable counts 500 as a failed delivery/);
    expect(r.stdout).toMatch(/✓ #2 {2}planned \+60 s \(\+0 ms at --speed max\)/);
    expect(r.stdout).toContain('delivered on attempt 2');
    expect(r.stdout).toContain('1 event: 1 delivered, 0 failed');
    expect(r.stderr).toContain('attempt 1/5');
  });

  it('each attempt is signed for exactly what is sent, the same body every time', async () => {
    const secret = 'replay-secret-0123456789';
    const { server } = await flaky({ 'test_run.completed': 2 });
    const r = await runCli(['replay', fixture('relyable', 'test_run.completed'), '--url', server.url, '--speed', 'max', '--secret', secret], { env: NO_SECRETS });
    expect(r.code).toBe(0);
    expect(server.received).toHaveLength(3);
    const bodies = new Set(server.received.map((x) => x.body.toString()));
    expect(bodies.size).toBe(1);
    for (const got of server.received) expect(got.headers['x-relyable-signature']).toBe(createHmac('sha256', secret).update(got.body).digest('hex'));
  });
});

describe('replay: --url', () => {
  it('localhost:PORT/path without a scheme is http://; HOOKSCOPE_URL is the default', async () => {
    const { server } = await flaky({});
    const bare = await runCli(['replay', fixture('bluejay', 'simulation_ended'), '--url', `localhost:${server.port}/bare`, '--speed', 'max'], { env: NO_SECRETS });
    expect(bare.code, bare.stderr).toBe(0);
    const fromEnv = await runCli(['replay', fixture('bluejay', 'simulation_ended'), '--speed', 'max'], { env: { ...NO_SECRETS, HOOKSCOPE_URL: `127.0.0.1:${server.port}/env` } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(server.received.map((x) => x.url)).toEqual(['/bare', '/env']);
  });
});

describe('replay: a listen log', () => {
  it('replays the recorded bytes, headers and path exactly; re-signs only with --secret', async () => {
    const log = join(dir, 'captured.ndjson');
    const listener = await startListen(['--log', log, '--json']);
    const body = `{ "event": "test_run.failed", "timestamp": "2025-01-16T15:38:00Z",\n "data": ${JSON.stringify(allFixtures().find((f) => f.event === 'test_run.failed')!.body.data)} }`;
    const vendorSig = createHmac('sha256', 'vendor-secret').update(JSON.stringify(JSON.parse(body))).digest('hex');
    await (await request(`${listener.url}/webhooks/relyable?src=1`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-relyable-signature': vendorSig, 'x-trace': 't-1' } })).body.dump();
    await listener.stop();

    const { server } = await flaky({});
    const r = await runCli(['replay', log, '--url', server.url, '--speed', 'max'], { env: NO_SECRETS });
    expect(r.code, r.stderr).toBe(0);
    const got = server.received[0]!;
    expect(got.body.toString()).toBe(body); // not re-serialised
    expect(got.url).toBe('/webhooks/relyable?src=1');
    expect(got.headers['x-relyable-signature']).toBe(vendorSig);
    expect(got.headers['x-trace']).toBe('t-1');

    const resigned = await runCli(['replay', log, '--url', `${server.url}/other`, '--speed', 'max', '--secret', 'relyable=new-secret'], { env: NO_SECRETS });
    expect(resigned.code).toBe(0);
    const again = server.received[1]!;
    expect(again.url).toBe('/other');
    expect(again.body.toString()).toBe(body);
    expect(again.headers['x-relyable-signature']).toBe(createHmac('sha256', 'new-secret').update(JSON.stringify(JSON.parse(body))).digest('hex'));
  });

  it('--fresh without --secret: new timestamp, the recorded signature kept, and a note that it no longer matches', async () => {
    const log = join(dir, 'fresh.ndjson');
    const body = JSON.stringify(allFixtures().find((f) => f.event === 'test_run.failed')!.body);
    writeFileSync(log, `${JSON.stringify({ kind: 'hookscope.request', version: 1, id: 4, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/h', headers: { 'content-type': 'application/json', 'x-relyable-signature': 'a'.repeat(64) }, body, bodyEncoding: 'utf8' })}\n`);
    const { server } = await flaky({});
    const r = await runCli(['replay', log, '--url', server.url, '--speed', 'max', '--fresh'], { env: NO_SECRETS });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("--fresh changed 1 recorded request that carry the vendor's signature: without --secret, the recorded signature no longer matches the body (give --secret to re-sign)");
    const got = server.received[0]!;
    expect(JSON.parse(got.body.toString()).timestamp).not.toBe(JSON.parse(body).timestamp);
    expect(got.headers['x-relyable-signature']).toBe('a'.repeat(64));
    expect(r.stdout).toContain('stale;');
  });

  it('--event and --id pick records; a 413 record is passed over with its line', async () => {
    const log = join(dir, 'pick.ndjson');
    const rec = (id: number, event: string) => JSON.stringify({ kind: 'hookscope.request', version: 1, id, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/h', headers: {}, body: JSON.stringify(allFixtures().find((f) => f.event === event && f.part === 'request')!.body), bodyEncoding: 'utf8' });
    const omitted = JSON.stringify({ kind: 'hookscope.request', version: 1, id: 3, time: '2026-01-01T00:00:00Z', method: 'POST', path: '/h', headers: {}, body: '', bodyEncoding: 'utf8', bodyBytes: 11_000_000, bodyOmitted: 'too-large' });
    writeFileSync(log, [rec(1, 'test_run.completed'), rec(2, 'test_run.failed'), omitted, rec(4, 'call.end')].join('\n'));
    const { server } = await flaky({});
    const byEvent = await runCli(['replay', log, '--url', server.url, '--speed', 'max', '--event', 'call.end', '--event', 'test_run.failed'], { env: NO_SECRETS });
    expect(byEvent.code, byEvent.stderr).toBe(0);
    expect(byEvent.stderr).toContain(`hookscope: passed over ${log}:3: the body was not recorded: too large (11000000 bytes`);
    expect(byEvent.stderr).toContain('hookscope: 1 payload left out by --event');
    const byId = await runCli(['replay', log, '--url', server.url, '--speed', 'max', '--id', '1'], { env: NO_SECRETS });
    expect(byId.code, byId.stderr).toBe(0);
    expect(server.received.map((x) => JSON.parse(x.body.toString()).event ?? 'call.end')).toEqual(['test_run.failed', 'call.end', 'test_run.completed']);
  });
});

describe('replay: refusals', () => {
  it.each([
    [['replay', join(dir, 'nope.json'), '--url', 'http://127.0.0.1:1/'], 'nothing to replay'],
    [['replay', fixture('relyable', 'test_run.completed')], 'missing --url'],
    [['replay', fixture('relyable', 'test_run.completed'), '--url', 'http://127.0.0.1:1/', '--schedule', '1m,2m'], 'must be 0'],
    [['replay', fixture('relyable', 'test_run.completed'), '--url', 'http://127.0.0.1:1/', '--speed', 'fast'], 'expected a factor'],
  ])('%j → exit 2 (%s)', async (args, message) => {
    const r = await runCli(args, { env: NO_SECRETS });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('an unrecognised payload is passed over with a note; --strict stops the run before anything is sent', async () => {
    const file = join(dir, 'mystery.json');
    writeFileSync(file, '{"type":"payment.succeeded"}');
    const { server } = await flaky({});
    const r = await runCli(['replay', fixture('relyable', 'test_run.completed'), file, '--url', server.url], { env: NO_SECRETS });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`hookscope: passed over ${file}: not recognised`);
    expect(r.stdout).toContain('1 event: 1 delivered, 0 failed; 1 input passed over');
    expect(server.received).toHaveLength(1);
    const strict = await runCli(['replay', fixture('relyable', 'test_run.completed'), file, '--url', server.url, '--strict'], { env: NO_SECRETS });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('cannot replay 1 input (--strict); nothing was sent:');
    expect(strict.stderr).toContain(`${file}: not recognised`);
    expect(server.received).toHaveLength(1);
  });

  it('replaying fixtures/ itself: the reply fixtures and the Standard Webhooks message (nobody\'s by its body alone) are passed over, every event is delivered', async () => {
    const { server } = await flaky({});
    const r = await runCli(['replay', join(ROOT, 'fixtures'), '--url', server.url, '--speed', 'max', '--json'], { env: NO_SECRETS });
    expect(r.code, r.stderr).toBe(0);
    const passedOver = r.stderr.trim().split('\n');
    const replies = allFixtures().filter((f) => f.part === 'reply');
    expect(passedOver).toHaveLength(replies.length + 1);
    for (const f of replies) {
      expect(passedOver).toContain(`hookscope: passed over ${f.file}: a ${f.vendor} ${f.event} reply (what a receiver answers), not something a vendor sends`);
    }
    expect(passedOver.find((l) => l.includes(join('standard-webhooks', 'message.json')))).toContain('a body is never standard-webhooks by its shape alone');
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    // Every request fixture but the one a body alone cannot name (standard-webhooks' message).
    const requests = allFixtures().filter((f) => f.part === 'request' && f.vendor !== 'standard-webhooks').length;
    expect(summary).toMatchObject({ kind: 'hookscope.replay.summary', events: requests, delivered: requests, passedOver: replies.length + 1, interrupted: false });
    // Named, it is delivered.
    const named = await runCli(['replay', join(ROOT, 'fixtures', 'standard-webhooks'), '--vendor', 'svix', '--url', server.url, '--speed', 'max', '--json'], { env: NO_SECRETS });
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout.trim().split('\n').at(-1)!)).toMatchObject({ events: 1, delivered: 1, passedOver: 0 });
  });

  it('an unreachable receiver counts as a failed attempt and is retried', async () => {
    const r = await runCli(['replay', fixture('relyable', 'test_run.completed'), '--url', `http://127.0.0.1:${await closedPort()}/`, '--speed', 'max', '--max-attempts', '2', '--json'], { env: NO_SECRETS });
    expect(r.code).toBe(1);
    const attempts = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.kind === 'hookscope.replay.attempt');
    expect(attempts.map((a) => a.failure.kind)).toEqual(['refused', 'refused']);
  });
});
