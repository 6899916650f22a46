// Vapi's request/response messages through the built binary against real loopback receivers
// that answer correctly, wrongly, slowly and not at all: `send`'s verdict and exit code, and what
// `listen --forward-to` records and shows for the same answers. Then the call player, checked
// event by event by a receiver that records order and ids. Receivers read Vapi's bodies
// themselves (message.type, toolCallList), independently of hookscope's catalog.
import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startListen } from '../helpers/listen.js';
import { startServer, type Received, type TestServer } from '../helpers/server.js';
import { readFileSync } from 'node:fs';

const NO_SECRETS = { HOOKSCOPE_SECRET: '', VAPI_WEBHOOK_SECRET: '', VAPI_SECRET: '' };
const send = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['send', 'vapi', ...args], { env: { ...NO_SECRETS, ...env } });
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/vapi/${name}`, import.meta.url), 'utf8');

interface Message {
  type: string;
  toolCallList?: { id: string }[];
  call?: { id: string };
  timestamp?: number;
}
const messageOf = (r: Received) => (JSON.parse(r.body.toString('utf8')) as { message: Message }).message;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A Vapi receiver whose behaviour is its path: /good, /missing-id, /multi-line, /wrapped, /created, /slow, /silent. */
function answer(req: Received, res: ServerResponse): void {
  const m = messageOf(req);
  const ids = (m.toolCallList ?? []).map((c) => c.id);
  const mode = req.url.split('?')[0]!.replace(/^\//, '');
  if (mode === 'silent') return; // never answers
  const reply: Record<string, unknown> =
    m.type === 'tool-calls'
      ? { results: ids.map((toolCallId) => ({ toolCallId, result: 'Tables at 19:00 and 20:30.' })) }
      : m.type === 'assistant-request'
        ? { assistantId: 'asst_e2e' }
        : {};
  if (mode === 'missing-id') return json(res, 200, { results: [{ result: 'Tables at 19:00 and 20:30.' }] });
  if (mode === 'multi-line') return json(res, 200, { results: ids.map((toolCallId) => ({ toolCallId, result: 'Tables at:\n19:00\n20:30' })) });
  if (mode === 'wrapped') return json(res, 200, { messageResponse: reply });
  if (mode === 'created') return json(res, 201, reply);
  if (mode === 'slow') {
    setTimeout(() => json(res, 200, reply), 8_000);
    return;
  }
  json(res, 200, reply);
}

let app: TestServer;
beforeAll(async () => {
  app = await startServer(answer);
});
afterAll(async () => {
  await app.close();
});

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('send vapi: the reply judged', () => {
  it('a correct tool-calls answer: accepted, exit 0', async () => {
    const r = await send(['tool-calls', '--url', `${app.url}/good`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ accepted: vapi counts 200 as delivered (exactly 200); the reply is what the vendor expects');
    expect(r.stdout).toMatch(/✓ in time: \d+ ms of the 20 s deadline/);
  });

  it.each([
    ['missing-id', 'bad-reply', ['missing-field', '$.results[0].toolCallId'], '✗ bad reply: the reply does not match the tool-calls reply schema'],
    ['multi-line', 'bad-reply', ['multi-line-result', '$.results[0].result'], "✗ bad reply: the reply breaks vapi's rules for a tool-calls reply"],
    ['created', 'rejected', undefined, '✗ rejected: vapi takes a tool-calls reply only with exactly 200; 201 is ignored'],
  ] as const)('tool-calls answered %s: %s, exit 1', async (mode, kind, issue, line) => {
    const [human, machine] = await Promise.all([send(['tool-calls', '--url', `${app.url}/${mode}`]), send(['tool-calls', '--url', `${app.url}/${mode}`, '--json'])]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(line);
    expect(machine.code).toBe(1);
    const result = JSON.parse(machine.stdout);
    expect(result).toMatchObject({ ok: false, exitCode: 1, failure: { kind } });
    if (issue) expect(result.reply.issues.map((i: { code: string; path: string }) => [i.code, i.path])).toContainEqual([...issue]);
  });

  it('the spec\'s {messageResponse} wrapper is accepted, with a warning that names the bare form', async () => {
    const r = await send(['tool-calls', '--url', `${app.url}/wrapped`, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.reply).toMatchObject({ valid: true, issues: [{ code: 'reply-wrapper', severity: 'warning', path: '$.messageResponse' }] });
    const human = await send(['assistant-request', '--url', `${app.url}/wrapped`]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("warning  $.messageResponse: the {messageResponse: …} wrapper is the OpenAPI spec's form");
  });

  it('no answer at all: the request times out, exit 1', async () => {
    const r = await send(['assistant-request', '--url', `${app.url}/silent`, '--timeout', '800', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).failure).toMatchObject({ kind: 'timeout' });
  });

  // The one test with a real wait: Vapi gives assistant-request 7.5 s, fixed; this app takes 8.
  it('assistant-request answered after 8 s is too late for send, and for listen --forward-to', { timeout: 40_000 }, async () => {
    const listener = await startListen(['--json', '--no-log', '--forward-to', app.url], NO_SECRETS);
    const feed = await startListen(['--no-log', '--forward-to', app.url], NO_SECRETS);
    const [r, viaListen] = await Promise.all([
      send(['assistant-request', '--url', `${app.url}/slow`, '--json']),
      post(`${listener.url}/slow`, fixture('assistant-request.json')),
      post(`${feed.url}/slow`, fixture('assistant-request.json')),
    ]);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.failure.kind).toBe('late');
    expect(result.deadline).toMatchObject({ deadlineMs: 7500, state: 'late', provenance: 'documented' });
    expect(result.failure.message).toMatch(/^too late: \d+ ms of the 7\.5 s deadline \(1\d\d %\); the vendor had given up$/);
    expect(viaListen.status).toBe(200);
    await listener.stop();
    const [record] = listener.records();
    expect(record!.forward.verdict).toMatchObject({ accepted: false, deadline: { deadlineMs: 7500, state: 'late' } });
    const { stdout } = await feed.stop();
    expect(stdout).toMatch(/✗ too late: \d+ ms of the 7\.5 s deadline/);
  });
});

describe('listen --forward-to vapi: the app\'s answer judged', () => {
  it('each answer gets its verdict in the --json record and in the feed', async () => {
    const modes = ['good', 'missing-id', 'multi-line', 'wrapped', 'created', 'silent'];
    const body = fixture('tool-calls.json');
    const listener = await startListen(['--json', '--no-log', '--forward-to', app.url, '--forward-timeout', '800'], NO_SECRETS);
    const feed = await startListen(['--no-log', '--forward-to', app.url, '--forward-timeout', '800'], NO_SECRETS);
    const answers = [];
    for (const mode of modes) answers.push(await post(`${listener.url}/${mode}`, body));
    for (const mode of modes) await post(`${feed.url}/${mode}`, body);
    await listener.stop();
    const { stdout } = await feed.stop();
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 201, 504]);
    const records = listener.records();
    expect(records.map((r) => [r.vendor, r.event])).toEqual(modes.map(() => ['vapi', 'tool-calls']));
    const verdicts = records.map((r) => r.forward.verdict);
    expect(verdicts[0]).toMatchObject({ accepted: true, reply: { valid: true } });
    expect(verdicts[1]).toMatchObject({ accepted: false, reply: { valid: false } });
    expect(verdicts[1].reply.issues.map((i: { code: string }) => i.code)).toEqual(['missing-field', 'missing-tool-call-id']);
    expect(verdicts[2].reply.issues.map((i: { code: string; path: string }) => [i.code, i.path])).toEqual([['multi-line-result', '$.results[0].result']]);
    expect(verdicts[3]).toMatchObject({ accepted: true, reply: { valid: true, issues: [{ code: 'reply-wrapper' }] } });
    expect(verdicts[4]).toMatchObject({ accepted: false, reason: 'vapi takes a tool-calls reply only with exactly 200; 201 is ignored' });
    expect(records[5]!.forward).toMatchObject({ error: expect.stringContaining('800 ms') });
    expect(records[5]!.forward.verdict).toBeUndefined();
    const blocks = stdout.split(/\n(?=\d\d:\d\d:\d\d  POST)/);
    expect(blocks).toHaveLength(6);
    expect(blocks[0]).toContain('vapi tool-calls');
    expect(blocks[0]).toContain('check_availability (call_Q7vX2mK9pL4tR8sN)');
    expect(blocks[1]).toContain('✗ the reply does not match the tool-calls reply schema');
    expect(blocks[2]).toContain('$.results[0].result: result has a line break');
    // A rule the schema cannot state is named as a rule, not as the schema.
    expect(blocks[2]).toContain("✗ the reply breaks vapi's rules for a tool-calls reply");
    expect(blocks[3]).toContain('✓ the reply is accepted, with warnings');
    expect(blocks[3]).toContain('warning  $.messageResponse: the {messageResponse: …} wrapper');
    expect(blocks[4]).toContain('vapi takes a tool-calls reply only with exactly 200; 201 is ignored');
    expect(blocks[5]).toContain('forward failed');
  });

  it('listen names the auth mode a request carries, and the old X-Vapi-Signature header', async () => {
    const secret = 'vapi-e2e-secret';
    const listener = await startListen(['--json', '--no-log', '--secret', `vapi=${secret}`], NO_SECRETS);
    const feed = await startListen(['--no-log', '--secret', `vapi=${secret}`], NO_SECRETS);
    const body = fixture('status-update.json');
    const ts = String(Math.floor(Date.now() / 1000));
    const hmac = { 'x-timestamp': ts, 'x-signature': createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex') };
    for (const url of [listener.url, feed.url]) {
      await post(url, body, { 'x-vapi-secret': secret });
      await post(url, body, { 'x-vapi-signature': secret });
      await post(url, body, { authorization: `Bearer ${secret}` });
      await post(url, body, hmac);
      await post(url, body, { 'x-signature': hmac['x-signature'].replace(/^./, (c) => (c === '0' ? '1' : '0')), 'x-timestamp': ts });
    }
    await listener.stop();
    const { stdout } = await feed.stop();
    expect(listener.records().map((r) => [r.signature.mode, r.signature.state])).toEqual([
      ['secret', 'valid'],
      ['secret', 'valid'],
      ['bearer', 'valid'],
      ['hmac', 'valid'],
      ['hmac', 'invalid'],
    ]);
    expect(listener.records()[1]!.signature.detail).toBe('the token came in x-vapi-signature (a legacy name) instead of x-vapi-secret');
    expect(stdout).toContain('✓ signature valid (secret mode) (the token came in x-vapi-signature (a legacy name) instead of x-vapi-secret)');
    expect(stdout).toContain('✓ signature valid (hmac mode)');
    expect(stdout).toContain('✗ signature invalid (hmac mode): wrong secret or body changed');
  });

  it('send signs with the mode chosen, and listen checks that mode', async () => {
    const secret = 'vapi-e2e-secret';
    const detecting = await startListen(['--json', '--no-log', '--secret', `vapi=${secret}`], NO_SECRETS);
    const hmacOnly = await startListen(['--json', '--no-log', '--secret', `vapi=${secret}`, '--auth', 'hmac', '--auth-setting', 'signaturePrefix=sha256='], NO_SECRETS);
    const plain = await send(['status-update', '--url', detecting.url, '--secret', secret]);
    const hmac = await send(['status-update', '--url', hmacOnly.url, '--secret', secret, '--auth', 'hmac', '--auth-setting', 'signaturePrefix=sha256=']);
    const plainToHmac = await send(['status-update', '--url', hmacOnly.url, '--secret', secret]);
    await detecting.stop();
    await hmacOnly.stop();
    expect([plain.code, hmac.code, plainToHmac.code]).toEqual([0, 0, 0]);
    expect(plain.stderr).toContain("hookscope: note: no --auth: signed with vapi's secret mode (X-Vapi-Secret: the secret itself, compared as text), an assumption");
    expect(hmac.stderr).not.toContain('no --auth');
    expect(hmac.stdout).toContain('signed (x-signature, x-timestamp, secret');
    expect(detecting.records()[0]!.signature).toMatchObject({ mode: 'secret', state: 'valid', header: 'x-vapi-secret' });
    const [good, wrongMode] = hmacOnly.records();
    expect(good!.signature).toMatchObject({ mode: 'hmac', state: 'valid', header: 'x-signature' });
    expect(wrongMode!.signature).toMatchObject({ mode: 'hmac', state: 'invalid', reason: 'header missing: no x-signature' });
  });
});

describe('send vapi call: the call player', () => {
  const script = ['assistant-request', 'status-update', 'status-update', 'speech-update', 'transcript', 'conversation-update', 'tool-calls', 'status-update', 'end-of-call-report'];

  it('plays one call in order, with one call id, increasing timestamps, and every reply judged', async () => {
    const recorder = await startServer(answer);
    try {
      const r = await runCli(['send', 'vapi', 'call', '--url', `${recorder.url}/good`, '--speed', 'max', '--json'], { env: NO_SECRETS });
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      const summary = lines.pop();
      expect(summary).toMatchObject({ type: 'call', vendor: 'vapi', steps: 9, failed: [], ok: true, exitCode: 0 });
      const got = recorder.received.map(messageOf);
      expect(got.map((m) => m.type)).toEqual(script);
      expect(got.filter((m) => m.type === 'status-update').map((m) => (m as { status?: string }).status)).toEqual(['ringing', 'in-progress', 'ended']);
      expect(new Set(got.map((m) => m.call?.id))).toEqual(new Set([summary.callId]));
      const times = got.map((m) => m.timestamp!);
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
      expect(lines.map((l) => [l.index, l.step, l.event, l.ok])).toEqual(script.map((e, i) => [i + 1, ['status-update:ringing', 'status-update:in-progress', 'status-update:ended'][[1, 2, 7].indexOf(i)] ?? e, e, true]));
      expect(lines.map((l) => l.request.body.message.call.id)).toEqual(script.map(() => summary.callId));
      // The tool call the player sent is the one the receiver answered, and the one judged.
      const toolStep = lines.find((l) => l.event === 'tool-calls');
      expect(toolStep.reply).toMatchObject({ valid: true, issues: [] });
      expect(toolStep.summary).toBe(`check_availability (${got[6]!.toolCallList![0]!.id})`);
      expect(lines.find((l) => l.event === 'assistant-request').deadline).toMatchObject({ deadlineMs: 7500, state: 'ok' });
      expect(lines.map((l) => l.plannedMs)).toEqual([0, 300, 2800, 3200, 5800, 8800, 10000, 16000, 24000]);
    } finally {
      await recorder.close();
    }
  });

  it('--speed paces the steps: the call\'s 24 s in about 1.2 s at --speed 20', async () => {
    const recorder = await startServer(answer);
    const arrivals: number[] = [];
    try {
      const started = performance.now();
      const r = await runCli(['send', 'vapi', 'call', '--url', `${recorder.url}/good`, '--speed', '20', '--json'], { env: NO_SECRETS });
      const elapsed = performance.now() - started;
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      for (const l of lines.slice(0, -1)) arrivals.push(l.actualMs);
      expect(arrivals.at(-1)).toBeGreaterThanOrEqual(24_000 / 20);
      for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]).toBeGreaterThanOrEqual(lines[i].plannedMs / 20);
      expect(elapsed).toBeGreaterThan(1_200);
    } finally {
      await recorder.close();
    }
  });

  it('a receiver that breaks one step fails the call: the timeline marks the step, exit 1', async () => {
    const recorder = await startServer(answer);
    try {
      const r = await runCli(['send', 'vapi', 'call', '--url', `${recorder.url}/multi-line`, '--speed', 'max'], { env: NO_SECRETS });
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^call [0-9a-f-]{36} \(vapi, 9 steps to http:\/\/127\.0\.0\.1:\d+\/multi-line, speed max\)$/);
      const steps = lines.filter((l) => /^ {2}\+/.test(l));
      expect(steps.map((l) => l.replace(/^ {2}\+\S+ \S*\s+/, '').split(' ')[0])).toEqual(['assistant-request', 'status-update:ringing', 'status-update:in-progress', 'speech-update', 'transcript', 'conversation-update', 'tool-calls', 'status-update:ended', 'end-of-call-report']);
      expect(steps.filter((l) => l.includes('✗')).map((l) => /(tool-calls|\S+)\s+→/.exec(l.slice(11))?.[1])).toEqual(['tool-calls']);
      expect(r.stdout).toContain('$.results[0].result: result has a line break');
      expect(lines.at(-2)).toBe('✗ 1 of 9 steps failed');
      expect(r.stderr).toContain('hookscope: note: no secret: pass --secret');
      expect(r.stderr.match(/no secret: pass --secret/g)).toHaveLength(1);
    } finally {
      await recorder.close();
    }
  });

  it('usage errors: a vendor without a call script, options for one event, --speed on one event', async () => {
    const none = await runCli(['send', 'synthflow', 'call', '--url', app.url]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('synthflow has no event "call"');
    const data = await runCli(['send', 'vapi', 'call', '--url', app.url, '--set', 'a=1']);
    expect(data.code).toBe(2);
    expect(data.stderr).toContain('--set applies to one event; send vapi call plays the whole call');
    const speed = await runCli(['send', 'vapi', 'hang', '--url', app.url, '--speed', '10']);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain('--speed paces a whole call');
  });
});

describe('send retell call: the same player, from Retell\'s script in the catalog', () => {
  it('plays call_inbound → call_started → call_ended → call_analyzed with one call id; the inbound reply judged; the analysis after the end', async () => {
    const recorder = await startServer((req, res) => {
      const body = JSON.parse(req.body.toString('utf8')) as { event: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body.event === 'call_inbound' ? JSON.stringify({ call_inbound: { dynamic_variables: { customer_name: 'Ada' } } }) : '{}');
    });
    try {
      const r = await runCli(['send', 'retell', 'call', '--url', recorder.url, '--speed', 'max', '--json', '--secret', 'key_retell_call_e2e'], { env: { HOOKSCOPE_SECRET: '', RETELL_API_KEY: '' } });
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      const summary = lines.pop();
      expect(summary).toMatchObject({ type: 'call', vendor: 'retell', steps: 4, failed: [], ok: true });
      const got = recorder.received.map((x) => JSON.parse(x.body.toString('utf8')) as { event: string; call?: { call_id: string; start_timestamp: number; end_timestamp?: number; duration_ms?: number } });
      expect(got.map((b) => b.event)).toEqual(['call_inbound', 'call_started', 'call_ended', 'call_analyzed']);
      // The inbound request comes before the call has an id; the three others share the play's.
      expect(got[0]!.call).toBeUndefined();
      expect(new Set(got.slice(1).map((b) => b.call!.call_id))).toEqual(new Set([summary.callId]));
      const [started, ended, analyzed] = got.slice(1).map((b) => b.call!);
      expect(ended!.start_timestamp).toBe(started!.start_timestamp);
      expect(ended!.end_timestamp! - ended!.start_timestamp).toBe(ended!.duration_ms);
      expect(analyzed!.end_timestamp).toBe(ended!.end_timestamp);
      // Each request carries Retell's signature of its own bytes.
      for (const x of recorder.received) {
        const m = /^v=(\d+),d=([0-9a-f]{64})$/.exec(String(x.headers['x-retell-signature']))!;
        expect(m[2]).toBe(createHmac('sha256', 'key_retell_call_e2e').update(Buffer.concat([x.body, Buffer.from(m[1]!)])).digest('hex'));
      }
      expect(lines.find((l) => l.event === 'call_inbound').deadline).toMatchObject({ deadlineMs: 10_000, state: 'ok' });
    } finally {
      await recorder.close();
    }
  });
});
