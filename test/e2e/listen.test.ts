// `hookscope listen` as a real process: requests from every vendor's fixtures, signed with the
// signer `send` uses (and tampered), checked in the feed, the --json records, the log and the
// answers; duplicates, status/delay rules, forwarding, 413, malformed bodies, a busy port.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders as schemeHeaders } from '../helpers/signing.js';
import { vendors } from '../../src/vendors/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { startListen, type RunningListener } from '../helpers/listen.js';
import { closedPort, startServer } from '../helpers/server.js';

const SECRETS: Record<string, string> = {
  relyable: 'rel-secret-0123456789abcdef',
  smallest: 'sm-secret-0123456789abcdef',
  synthflow: 'sf-secret-0123456789abcdef',
  vapi: 'vapi-secret-0123456789abcdef',
  retell: 'key_rt_0123456789abcdef',
  elevenlabs: 'wsec_el-secret-0123456789abcdef',
  twilio: 'tw-secret-0123456789abcdef',
  openai: 'whsec_b3BlbmFpLWxpc3Rlbi1lMmUtc2VjcmV0',
  bland: 'bl-secret-0123456789abcdef',
  'standard-webhooks': 'whsec_c3RhbmRhcmQtd2ViaG9va3MtbGlzdGVu',
};
const secretArgs = Object.entries(SECRETS).flatMap(([v, s]) => ['--secret', `${v}=${s}`]);
const vendor = (id: string) => vendors.find((v) => v.id === id)!;

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** `url`: where the request goes, for schemes that sign it (Twilio). */
function signedHeaders(vendorId: string, body: string, url?: string): Record<string, string> {
  const secret = SECRETS[vendorId];
  return secret ? schemeHeaders(vendor(vendorId), body, secret, { url }) : {};
}

/** A fixture as its vendor sends it: compact JSON, or form parameters (Twilio) with their content type. */
function wire(f: { vendor: string; event: string; body: unknown }): { body: string; headers: Record<string, string> } {
  const form = vendor(f.vendor).events.find((e) => e.name === f.event)?.bodyFormat === 'form';
  return form ? { body: new URLSearchParams(f.body as Record<string, string>).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } } : { body: JSON.stringify(f.body), headers: {} };
}

const dir = mkdtempSync(join(tmpdir(), 'hookscope-listen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('listen: every vendor, every fixture', () => {
  let listener: RunningListener;
  const log = join(dir, 'all.ndjson');
  beforeAll(async () => {
    listener = await startListen([...secretArgs, '--json', '--log', log]);
  });
  afterAll(() => listener.stop());

  const requests = allFixtures().filter((f) => f.part === 'request');

  it('detects, verifies and validates each one; the log and --json hold the same records', async () => {
    const answers = [];
    for (const f of requests) {
      const { body, headers } = wire(f);
      const url = `${listener.url}/hooks/${f.vendor}`;
      answers.push({ f, url, res: await post(url, body, { ...headers, ...signedHeaders(f.vendor, body, url) }) });
    }
    const records = listener.records();
    expect(records).toHaveLength(requests.length);
    for (const [i, { f, url, res }] of answers.entries()) {
      const r = records[i]!;
      expect([r.vendor, r.event, r.part]).toEqual([f.vendor, f.event, 'request']);
      expect(r.schema.state).toBe('valid');
      expect(r.body).toBe(wire(f).body);
      expect(r.path).toBe(`/hooks/${f.vendor}`);
      // Synthflow signs only call_id, which an inbound-call request lacks; Retell signs its inbound webhook like any other;
      // ElevenLabs signs nothing on its conversation-initiation webhook.
      const expected = f.vendor === 'bluejay' || (f.vendor === 'synthflow' && f.event === 'call_inbound') || f.event === 'conversation_initiation' ? 'unsigned' : 'valid';
      expect(r.signature.state, `${f.vendor} ${f.event}`).toBe(expected);
      expect(res.status).toBe(200);
      // Answers carry their length (one write with the head), never chunked framing.
      expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
      expect(res.headers['transfer-encoding']).toBeUndefined();
      expect(r.response.status).toBe(200);
      const reply = allFixtures().find((x) => x.vendor === f.vendor && x.event === f.event && x.part === 'reply');
      // Request/response: the listener answers with a valid reply, never an empty one.
      if (reply) expect(JSON.parse(res.text)).toEqual(reply.body);
      // Every request/response event with a JSON reply has a reply fixture, and listen answers with it.
      const contract = vendor(f.vendor).events.find((e) => e.name === f.event)!.reply;
      expect(Boolean(reply), `${f.vendor} ${f.event}`).toBe(contract !== undefined && (contract.format ?? 'json') === 'json');
      if (f.event === 'incoming-call') {
        // Twilio's Voice URL: answered with TwiML, served as XML.
        expect(res.headers['content-type']).toBe('text/xml');
        expect(res.text).toBe(readFileSync(join(ROOT, 'fixtures/twilio/incoming-call.reply.xml'), 'utf8'));
        expect(r.signature).toMatchObject({ url, urlFrom: expect.stringContaining('Host header') });
      }
      if (f.vendor === 'relyable' && f.event === 'test_run.completed') expect(r.summary).toBe('score 73.5 (+5.3), 15/20 passed');
    }
    const logged = readFileSync(log, 'utf8').trim().split('\n');
    expect(logged).toEqual(listener.stdout().trim().split('\n'));
    // The log is what validate accepts.
    const validated = await runCli(['validate', log]);
    expect(validated.code, validated.stdout).toBe(0);
    expect(validated.stdout).toContain(`1 file (${requests.length} payloads), ${requests.length} valid`);
  });

  it('names why a signature fails: body changed, wrong encoding, header missing', async () => {
    const body = JSON.stringify(requests[0]!.body);
    const good = signedHeaders('relyable', body);
    const sig = good['x-relyable-signature']!;
    await post(`${listener.url}/t`, body.replace('73.5', '99.5'), good);
    await post(`${listener.url}/t`, body, { 'x-relyable-signature': Buffer.from(sig, 'hex').toString('base64') });
    await post(`${listener.url}/t`, JSON.stringify({ ...requests[0]!.body, timestamp: '2024-02-02T00:00:00Z' }));
    const [changed, encoding, missing] = listener.records().slice(-3);
    expect(changed!.signature).toMatchObject({ state: 'invalid', reason: 'wrong secret or body changed' });
    expect(encoding!.signature.state).toBe('invalid');
    expect(encoding!.signature.reason).toMatch(/^wrong encoding: expected 64 hex characters, got 44 characters \(this looks like base64\)/);
    expect(missing!.signature).toMatchObject({ state: 'invalid', reason: 'header missing: no x-relyable-signature' });
  });

  it('marks a retry of the same event as a duplicate, with the attempt count', async () => {
    const body = JSON.stringify({ ...requests[0]!.body, timestamp: '2025-05-05T05:05:05Z' });
    for (let i = 0; i < 3; i++) await post(`${listener.url}/d`, body, signedHeaders('relyable', body));
    const [first, second, third] = listener.records().slice(-3);
    expect(first!.duplicate).toBeUndefined();
    expect(second!.duplicate).toMatchObject({ attempt: 2 });
    expect(third!.duplicate).toMatchObject({ attempt: 3, firstSeen: first!.time });
  });

  it('logs malformed and non-UTF-8 bodies exactly, and still answers', async () => {
    const res = await post(`${listener.url}/m`, '{"event": "test_run.completed",');
    expect(res.status).toBe(200);
    await post(`${listener.url}/b`, Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const [malformed, binary] = listener.records().slice(-2);
    expect(malformed!.schema.state).toBe('not-json');
    expect(malformed!.body).toBe('{"event": "test_run.completed",');
    expect(binary!.bodyEncoding).toBe('base64');
    expect(Buffer.from(binary!.body, 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x41]));
  });
});

describe('listen: the pretty feed', () => {
  it('shows vendor, event, verdicts and summary; --verbose adds headers and body; Ctrl-C prints the summary table', async () => {
    const listener = await startListen(['--secret', `smallest=${SECRETS.smallest}`, '--verbose', '--no-log']);
    const f = allFixtures().find((x) => x.event === 'post-conversation')!;
    const body = JSON.stringify(f.body);
    await post(`${listener.url}/x`, body, signedHeaders('smallest', body));
    await post(`${listener.url}/x`, body, { 'x-signature': 'f'.repeat(64) });
    const { code, stdout, stderr } = await listener.stop();
    expect(code).toBe(130);
    expect(stdout).toMatch(/POST \/x {2}smallest post-conversation {2}→ 200/);
    expect(stdout).toContain('✓ signature valid  ✓ schema valid');
    expect(stdout).toContain('completed, 92.4 s, 8 turns');
    expect(stdout).toContain('✗ signature invalid: wrong secret or body changed');
    expect(stdout).toContain('duplicate: attempt 2');
    expect(stdout).toContain('x-signature: ');
    expect(stdout).toContain('"callId": "CALL-1758122954213-a41f09"');
    expect(stdout).not.toContain(SECRETS.smallest);
    expect(stderr).toContain('secrets: smallest (--secret)');
    expect(stderr).toMatch(/smallest post-conversation\s+2\s+1\s+1\s+0\s+0\s+2\s+0\s+0\s+1/);
    expect(stderr).toContain('log: off (--no-log)');
  });
});

describe('listen: answering', () => {
  it('--status/--delay apply only to the events named with --on', async () => {
    const listener = await startListen(['--json', '--no-log', '--status', '500', '--delay', '300', '--on', 'test_run.completed']);
    const completed = JSON.stringify(allFixtures().find((x) => x.event === 'test_run.completed')!.body);
    const failed = JSON.stringify(allFixtures().find((x) => x.event === 'test_run.failed')!.body);
    const t0 = Date.now();
    const a = await post(listener.url, completed);
    const waited = Date.now() - t0;
    const b = await post(listener.url, failed);
    await listener.stop();
    expect(a.status).toBe(500);
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(b.status).toBe(200);
    const [ra, rb] = listener.records();
    expect(ra!.response).toEqual({ status: 500, by: 'listener', delayMs: 300, rule: 'answer 500 after 300 ms to test_run.completed' });
    expect(rb!.response).toEqual({ status: 200, by: 'listener' });
  });

  it('--reply sets the call_inbound answer', async () => {
    const file = join(dir, 'reply.json');
    writeFileSync(file, '{"call_inbound":{"override_model_id":"m-2"}}');
    const listener = await startListen(['--json', '--no-log', '--reply', file]);
    const res = await post(listener.url, JSON.stringify(allFixtures().find((x) => x.event === 'call_inbound' && x.part === 'request')!.body));
    await listener.stop();
    expect(JSON.parse(res.text)).toEqual({ call_inbound: { override_model_id: 'm-2' } });
  });

  it('a body over --max-body gets 413 and is logged with its size', async () => {
    const log = join(dir, 'big.ndjson');
    const listener = await startListen(['--json', '--log', log, '--max-body', '1kb']);
    const res = await post(listener.url, `{"pad":"${'x'.repeat(2000)}"}`);
    await listener.stop();
    expect(res.status).toBe(413);
    const [r] = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(r).toMatchObject({ bodyOmitted: 'too-large', bodyBytes: 2010, body: '', response: { status: 413 } });
  });

  it('a chunked body (no Content-Length) that grows past --max-body also gets 413', async () => {
    const listener = await startListen(['--json', '--no-log', '--max-body', '1kb']);
    const { request: httpRequest } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${listener.url}/chunked`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write('x'.repeat(512));
      req.end();
    });
    await listener.stop();
    expect(status).toBe(413);
    expect(listener.records()[0]).toMatchObject({ path: '/chunked', bodyOmitted: 'too-large', response: { status: 413 } });
    expect(listener.records()[0]!.bodyBytes).toBeGreaterThan(1024);
  });
});

describe('listen: forwarding', () => {
  it('relays exact bytes and headers to the app and returns its answer', async () => {
    const app = await startServer((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-app': 'yes' });
      res.end('{"stored":true}');
    });
    const listener = await startListen(['--json', '--no-log', '--forward-to', `${app.url}/webhooks`, ...secretArgs]);
    const body = JSON.stringify(allFixtures().find((x) => x.event === 'test_run.failed')!.body);
    const res = await post(`${listener.url}/ignored-path?x=1`, body, signedHeaders('relyable', body));
    await listener.stop();
    await app.close();
    expect(res.status).toBe(201);
    expect(res.text).toBe('{"stored":true}');
    expect(res.headers['x-app']).toBe('yes');
    const got = app.received[0]!;
    expect(got.url).toBe('/webhooks?x=1');
    expect(got.body.toString()).toBe(body);
    expect(got.headers['x-relyable-signature']).toBe(signedHeaders('relyable', body)['x-relyable-signature']);
    expect(listener.records()[0]!.forward).toMatchObject({ status: 201, body: '{"stored":true}', bodyEncoding: 'utf8', bodyBytes: 15 });
  });

  it('an app that is down gives the sender 502; a slow one 504; both are recorded', async () => {
    const down = await startListen(['--json', '--no-log', '--forward-to', `http://127.0.0.1:${await closedPort()}/`]);
    const a = await post(down.url, '{"x":1}');
    await down.stop();
    expect(a.status).toBe(502);
    expect(down.records()[0]!.forward.error).toContain('connection refused');

    const slow = await startServer(() => {
      /* never answers */
    });
    const late = await startListen(['--no-log', '--forward-to', slow.url, '--forward-timeout', '300']);
    const b = await post(late.url, '{"x":1}');
    const { stdout } = await late.stop();
    await slow.close();
    expect(b.status).toBe(504);
    expect(stdout).toContain('forward failed: timed out');
    expect(stdout).toContain('the sender got 504');
  });
});

describe('listen: starting', () => {
  it('a port in use is a usage error that names it', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const r = await runCli(['listen', '--port', String(port), '--no-log']);
    blocker.close();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(r.stderr).toContain(`--port ${port + 1}`);
  });

  it('--forward-to must be an http(s) URL: a usage error that names the flag', async () => {
    const r = await runCli(['listen', '--port', '0', '--no-log', '--forward-to', 'ftp://example.test/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--forward-to must be http:// or https://, got ftp:');
  });

  it('--demo sends every fixture, one retry and one tampered body to itself', async () => {
    const listener = await startListen(['--demo', '--json', '--no-log']);
    await listener.waitFor('demo: sent');
    const { code, stderr } = await listener.stop();
    expect(code).toBe(130);
    const records = listener.records();
    const fixtures = allFixtures().filter((f) => f.part === 'request').length;
    expect(records).toHaveLength(fixtures + 2);
    // The retry repeats the first body; the tampered copy shares its dedupe key too.
    expect(records.filter((r) => r.duplicate).map((r) => r.duplicate.attempt)).toEqual([2, 3]);
    expect(records.filter((r) => r.signature.state === 'invalid')).toHaveLength(1);
    expect(records.filter((r) => r.signature.state === 'valid').length).toBeGreaterThan(8);
    expect(stderr).toContain(`hookscope listen: ${fixtures + 2} requests`);
    expect(stderr).toContain('relyable (demo secret)');
  });
});

describe('listen: robustness', () => {
  it('1,000 concurrent requests (some malformed, some oversized) while a slow client holds a connection: one log record each', async () => {
    const log = join(dir, 'load.ndjson');
    const listener = await startListen(['--json', '--log', log, '--max-body', '4kb']);
    const { hostname, port } = new URL(listener.url);
    // A client that sends half a request and then nothing.
    const { connect } = await import('node:net');
    const slow = connect(Number(port), hostname);
    slow.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"par');

    const agent = new Agent({ connections: 200 });
    const body = JSON.stringify(allFixtures()[0]!.body);
    const kinds = Array.from({ length: 1000 }, (_, i) => (i % 10 === 3 ? 'malformed' : i % 10 === 7 ? 'oversized' : 'ok'));
    const results = await Promise.all(
      kinds.map(async (kind, i) => {
        const payload = kind === 'malformed' ? `{"broken":${i}` : kind === 'oversized' ? `{"pad":"${'z'.repeat(5000)}"}` : body;
        const res = await request(`${listener.url}/load/${i}`, { method: 'POST', body: payload, dispatcher: agent });
        await res.body.dump();
        return res.statusCode;
      }),
    );
    await agent.close();
    expect(results.filter((s) => s === 413)).toHaveLength(100);
    expect(results.filter((s) => s === 200)).toHaveLength(900);
    expect(listener.child.exitCode).toBeNull();
    slow.destroy();
    await listener.stop();
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines).toHaveLength(1000);
    expect(new Set(lines.map((r) => r.path)).size).toBe(1000);
    expect(lines.filter((r) => r.schema.state === 'not-json' && !r.bodyOmitted)).toHaveLength(100);
  }, 60_000);

  it('malformed HTTP and smuggling attempts are refused on their own connection; the listener goes on and says why', async () => {
    const log = join(dir, 'bad-http.ndjson');
    const listener = await startListen(['--json', '--log', log]);
    const { port } = new URL(listener.url);
    const { connect } = await import('node:net');
    const exchange = (bytes: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        let text = '';
        socket.on('data', (d) => (text += d.toString('latin1')));
        socket.on('error', () => {});
        socket.on('close', () => resolve(text));
        socket.write(bytes);
      });
    const answers = await Promise.all([
      exchange('POST /smuggle HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hidden HTTP/1.1\r\nHost: x\r\n\r\n'),
      exchange('POST /fold HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\nContent-Length: 0\r\n\r\n'),
      exchange(`GET /${'h'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
      exchange('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello on a plain port\r\n\r\n'),
      exchange('POST /no-host HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}'),
      exchange('POST /two HTTP/2.0\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}'),
    ]);
    // A well-formed request afterwards, pipelined twice on one connection.
    const good = await exchange(`POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{"a":1}POST /after2 HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{"b":2}`);
    const { code, stderr } = await listener.stop();
    expect(answers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 400', 'HTTP/1.1 400', 'HTTP/1.1 431', 'HTTP/1.1 400', 'HTTP/1.1 400', 'HTTP/1.1 505']);
    expect(good.match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(code).toBe(130);
    // The reasons are node's parser's (llhttp), with its error code.
    expect(stderr).toContain("rejected a malformed HTTP request with 400: Transfer-Encoding can't be present with Content-Length (HPE_INVALID_TRANSFER_ENCODING)");
    expect(stderr).toContain('Unexpected whitespace after header value (HPE_INVALID_HEADER_TOKEN)');
    expect(stderr).toContain('rejected a malformed HTTP request with 431: the request head is over 16 KiB');
    expect(stderr).toContain('rejected a malformed HTTP request with 400: an HTTP/1.1 request without a Host header');
    expect(stderr).toContain('rejected a malformed HTTP request with 505: HTTP/2.0 is not supported');
    expect(stderr).toContain('hookscope listen: 2 requests');
    expect(stderr).toContain('6 rejected as malformed or too slow HTTP');
    // Nothing hidden behind the smuggling attempt was taken as a request.
    const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(records.map((r) => r.path)).toEqual(['/after', '/after2']);
    expect(records.map((r) => r.body)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('a client that sends Expect: 100-continue (as curl does for uploads and large bodies) gets its body logged', async () => {
    const listener = await startListen(['--json', '--no-log', ...secretArgs]);
    const { request: httpRequest } = await import('node:http');
    const f = allFixtures().find((x) => x.vendor === 'relyable' && x.part === 'request')!;
    const body = JSON.stringify(f.body, null, 2).padEnd(3000, ' ');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${listener.url}/curl-like`, { method: 'POST', headers: { expect: '100-continue', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...signedHeaders('relyable', body) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    await listener.stop();
    expect(status).toBe(200);
    expect(listener.records()[0]).toMatchObject({ path: '/curl-like', body, signature: { state: 'valid' }, headers: { expect: '100-continue' } });
  });
});
