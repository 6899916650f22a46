// `hookscope listen` as a real process: answering rules with --forward-to, the banner, probes,
// the secret flag, strict hex, what the feed says about bodies and answers, the demo's hint.
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../helpers/signing.js';
import { vendors } from '../../src/vendors/index.js';
import { runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { startListen } from '../helpers/listen.js';
import { startServer, type TestServer } from '../helpers/server.js';

const relyable = vendors.find((v) => v.id === 'relyable')!;
const fixture = (event: string) => JSON.stringify(allFixtures().find((f) => f.event === event && f.part === 'request')!.body);

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('listen --forward-to with answering rules', () => {
  it('a matching rule answers here and is not forwarded; everything else reaches the app; the banner says which is which', async () => {
    const app = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"from":"app"}');
    });
    servers.push(app);
    const listener = await startListen(['--json', '--no-log', '--forward-to', app.url, '--status', '500', '--on', 'test_run.failed']);
    const failed = await post(`${listener.url}/hooks`, fixture('test_run.failed'));
    const completed = await post(`${listener.url}/hooks`, fixture('test_run.completed'));
    const { stderr } = await listener.stop();
    expect(failed.status).toBe(500);
    expect(completed).toMatchObject({ status: 200, text: '{"from":"app"}' });
    expect(app.received.map((r) => JSON.parse(r.body.toString()).event)).toEqual(['test_run.completed']);
    const [rf, rc] = listener.records();
    expect(rf!.response).toMatchObject({ status: 500, by: 'listener', rule: 'answer 500 to test_run.failed' });
    expect(rf!.forward).toBeUndefined();
    expect(rc!.response).toMatchObject({ status: 200, by: 'forward' });
    expect(stderr).toContain('  rule: answer 500 to test_run.failed (answered here, not forwarded)');
    expect(stderr).toContain(`  forward: everything else to ${app.url}/`);
  });

  it('--reply answers request/response events here even with --forward-to', async () => {
    const app = await startServer((_req, res) => {
      res.end('{"from":"app"}');
    });
    servers.push(app);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'hookscope-reply-')), 'reply.json');
    writeFileSync(file, '{"call_inbound":{"override_model_id":"m-9"}}');
    const listener = await startListen(['--json', '--no-log', '--forward-to', app.url, '--reply', file]);
    const res = await post(listener.url, fixture('call_inbound'));
    const { stderr } = await listener.stop();
    expect(JSON.parse(res.text)).toEqual({ call_inbound: { override_model_id: 'm-9' } });
    expect(app.received).toHaveLength(0);
    expect(stderr).toContain(`rule: request/response events are answered with ${file} (answered here, not forwarded)`);
  });

  it('the app\'s answer is judged by the vendor\'s rules: its status, a request/response reply\'s contract, in the record and the feed', async () => {
    const app = await startServer((req, res) => {
      const event = (JSON.parse(req.body.toString()) as { event?: string }).event;
      res.writeHead(event === 'call_inbound' ? 200 : 201, { 'content-type': 'application/json' });
      res.end(event === 'call_inbound' ? '{"call_inbound":{"custom_variables":{"n":1}}}' : '{}');
    });
    servers.push(app);
    const listener = await startListen(['--json', '--no-log', '--forward-to', app.url]);
    await post(listener.url, fixture('call_inbound'));
    await post(listener.url, fixture('test_run.completed'));
    await listener.stop();
    const [inbound, completed] = listener.records();
    expect(inbound!.forward.verdict).toMatchObject({ accepted: false, reply: { valid: false, explanation: 'the reply does not match the call_inbound reply schema' } });
    expect(completed!.forward.verdict).toMatchObject({ accepted: false, reason: expect.stringContaining('relyable counts 201 as a failed delivery') });
    expect(completed!.forward.verdict.deadline).toMatchObject({ state: 'ok' });
    const feed = await startListen(['--no-log', '--forward-to', app.url]);
    await post(feed.url, fixture('call_inbound'));
    const { stdout } = await feed.stop();
    expect(stdout).toContain('✗ the reply does not match the call_inbound reply schema');
  });

  it('--on without --status or --delay is a usage error', async () => {
    const r = await runCli(['listen', '--port', '0', '--no-log', '--on', 'test_run.failed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--on needs --status or --delay');
  });

  it('the forwarded answer is cut with … in the feed, and shown whole with --verbose', async () => {
    const long = JSON.stringify({ message: 'x'.repeat(300), tail: 'THE-END' });
    const app = await startServer((_req, res) => {
      res.end(long);
    });
    servers.push(app);
    for (const verbose of [false, true]) {
      const listener = await startListen(['--no-log', '--forward-to', app.url, ...(verbose ? ['--verbose'] : [])]);
      await post(listener.url, fixture('test_run.completed'));
      const { stdout } = await listener.stop();
      const line = stdout.split('\n').find((l) => l.includes('forwarded → 200'))!;
      if (verbose) {
        expect(stdout).toContain('"tail": "THE-END"');
      } else {
        expect(line).toMatch(/…$/);
        expect(stdout).not.toContain('THE-END');
      }
    }
  });
});

describe('listen: what is not a payload', () => {
  it('GET and HEAD without a body are probes: answered, logged, not counted as invalid', async () => {
    const listener = await startListen(['--json', '--no-log']);
    const get = await request(listener.url, { method: 'GET' });
    await get.body.dump();
    const head = await request(`${listener.url}/health`, { method: 'HEAD' });
    await head.body.dump();
    const { stderr } = await listener.stop();
    expect([get.statusCode, head.statusCode]).toEqual([200, 200]);
    expect(listener.records().map((r) => [r.method, r.probe, r.schema.state])).toEqual([['GET', true, 'probe'], ['HEAD', true, 'probe']]);
    expect(stderr).toMatch(/probes \(GET\/HEAD without a body\)\s+2\s+0\s+0\s+0\s+2\s+0\s+0\s+0\s+0/);
  });
});

describe('listen: signatures', () => {
  const body = fixture('test_run.completed');
  const secret = 'rel-secret-0123456789abcdef';
  const signature = signedHeaders(relyable, body, secret)['x-relyable-signature']!;

  it('a bare --secret with --vendor is that vendor\'s; an upper-case hex signature is valid only if compared case-insensitively', async () => {
    const listener = await startListen(['--json', '--no-log', '--vendor', 'relyable', '--secret', secret]);
    await post(listener.url, body, { 'x-relyable-signature': signature });
    await post(listener.url, body, { 'x-relyable-signature': signature.toUpperCase() });
    const { stderr } = await listener.stop();
    const [lower, upper] = listener.records();
    expect(lower!.signature.state).toBe('valid');
    expect(upper!.signature).toMatchObject({ state: 'invalid' });
    expect(upper!.signature.reason).toMatch(/^valid only if compared case-insensitively/);
    expect(stderr).toContain('secrets: relyable (--secret)');
  });

  it('a --secret that names another vendor than --vendor is a usage error', async () => {
    const r = await runCli(['listen', '--port', '0', '--no-log', '--vendor', 'relyable', '--secret', 'smallest=abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--secret names smallest, but this is relyable');
  });
});

describe('listen: the feed', () => {
  it('--verbose --no-log does not send the reader to a log that does not exist', async () => {
    const big = JSON.stringify({ event: 'test_run.completed', pad: 'y'.repeat(20_000) });
    const listener = await startListen(['--no-log', '--verbose']);
    await post(listener.url, big);
    const { stdout } = await listener.stop();
    expect(stdout).toContain('not logged (--no-log); --json prints it whole');
    expect(stdout).not.toContain('the whole body is in the log');
  });

  it('--demo ends with a send command line that this listener accepts', async () => {
    const listener = await startListen(['--demo', '--json', '--no-log']);
    await listener.waitFor('try it yourself');
    const hint = /\n {2}(RELYABLE_WEBHOOK_SECRET=\S+) npx hookscope send relyable test_run\.completed --url (\S+)\n/.exec(listener.stderr());
    expect(hint).not.toBeNull();
    const assignment = hint![1]!;
    const [name, value] = [assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1)];
    const sent = await runCli(['send', 'relyable', 'test_run.completed', '--url', hint![2]!], { env: { [name!]: value } });
    expect(sent.code).toBe(0);
    await listener.stop();
    expect(listener.records().at(-1)).toMatchObject({ path: '/hooks', event: 'test_run.completed', signature: { state: 'valid' } });
  });
});

describe('listen: calls', () => {
  it('--group call: a call\'s events under it, what comes out of order said at once, what is missing said at Ctrl-C; --json records carry the call id', async () => {
    const base = (event: string) => JSON.parse(fixture(event)) as { metadata: Record<string, unknown> };
    const forCall = (event: string, callId: string) => {
      const body = base(event);
      body.metadata.callId = callId;
      return JSON.stringify(body);
    };
    const listener = await startListen(['--no-log', '--group', 'call']);
    await post(listener.url, forCall('pre-conversation', 'CALL-A'));
    await post(listener.url, forCall('analytics-completed', 'CALL-A'));
    await post(listener.url, forCall('post-conversation', 'CALL-A'));
    await post(listener.url, forCall('post-conversation', 'CALL-B'));
    const { stdout, stderr } = await listener.stop();
    expect(stdout).toMatch(/^── call CALL-A \(smallest\)$/m);
    expect(stdout).toContain("⚠ post-conversation came after analytics-completed; pre-conversation → post-conversation → analytics-completed is the vendor's order");
    expect(stderr).toContain('calls: 2');
    expect(stderr).toMatch(/⚠ CALL-A \(smallest\): pre-conversation → analytics-completed → post-conversation/);
    expect(stderr).toMatch(/⚠ CALL-B \(smallest\): post-conversation\n +missing after the call ended: analytics-completed/);

    const json = await startListen(['--no-log', '--json']);
    await post(json.url, forCall('pre-conversation', 'CALL-C'));
    await json.stop();
    expect(json.records()[0]!.callId).toBe('CALL-C');
  });

  it('--reply <event>=<file> is checked against the event\'s reply contract at start', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-reply-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"call_inbound":{"custom_variables":{"n":1}}}');
    const r = await runCli(['listen', '--port', '0', '--no-log', '--reply', `call_inbound=${bad}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--reply call_inbound=${bad}: not a valid synthflow call_inbound reply`);
    const notExchange = await runCli(['listen', '--port', '0', '--no-log', '--reply', `post_call=${bad}`]);
    expect(notExchange.code).toBe(2);
    expect(notExchange.stderr).toContain('post_call is not a request/response event');
  });
});
