// Bland AI through the built binary: `send` to a loopback receiver that checks X-Webhook-Signature
// with node:crypto (written here, independently of the catalog), `listen` receiving good, badly
// signed and re-serialised deliveries, and the undocumented retry schedule said to be an assumption.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { startListen, type RunningListener } from '../helpers/listen.js';
import { startServer, type TestServer } from '../helpers/server.js';

const SECRET = 'bland-e2e-secret-0123456789abcdef';
const NO_SECRETS = { HOOKSCOPE_SECRET: '', BLAND_WEBHOOK_SECRET: '' };
const fixture = (name: string) => join(ROOT, 'fixtures', 'bland', name);
const CALL_ID = '5e7c1a42-9b3d-4f18-a6c2-0d8e4b71f935';

/** What a receiver built to Bland's docs does, on the raw bytes: hex HMAC-SHA256, compared in constant time. */
function blandVerifies(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

const hex = (body: string | Buffer, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

describe('send bland', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"received"}');
    });
  });
  afterAll(() => server.close());

  it.each(['call.completed', 'call.corrected', 'webhook_event', 'batch.status'])('%s arrives signed over its raw bytes and is accepted', async (event) => {
    const r = await runCli(['send', 'bland', event, '--url', `${server.url}/bland`, '--secret', SECRET], { env: NO_SECRETS });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const got = server.received.at(-1)!;
    expect(got.url).toBe('/bland');
    expect(blandVerifies(got.body, got.headers['x-webhook-signature'], SECRET)).toBe(true);
    expect(blandVerifies(got.body, got.headers['x-webhook-signature'], `${SECRET}0`)).toBe(false);
    expect(blandVerifies(Buffer.concat([got.body, Buffer.from('\n')]), got.headers['x-webhook-signature'], SECRET)).toBe(false);
    const body = JSON.parse(got.body.toString('utf8')) as Record<string, unknown>;
    if (event === 'batch.status') {
      // The batch timestamp is fresh per delivery.
      expect(Math.abs(Date.parse(body.timestamp as string) - Date.now())).toBeLessThan(60_000);
      expect(r.stderr).toContain('fresh per delivery: timestamp');
    } else {
      expect(body.call_id).toBe(CALL_ID);
    }
  });

  it('the secret comes from $BLAND_WEBHOOK_SECRET', async () => {
    const r = await runCli(['send', 'bland', 'call.completed', '--url', server.url], { env: { ...NO_SECRETS, BLAND_WEBHOOK_SECRET: SECRET } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('from $BLAND_WEBHOOK_SECRET');
    const got = server.received.at(-1)!;
    expect(blandVerifies(got.body, got.headers['x-webhook-signature'], SECRET)).toBe(true);
  });
});

describe('bland retries are an assumption', () => {
  it('vendors bland says so, with the override', async () => {
    const r = await runCli(['vendors', 'bland']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/attempts +1 \(no retries\)\n +ASSUMPTION: Bland documents no retry schedule/);
    expect(r.stdout).toContain('override with --schedule');
    expect(r.stdout).toContain("hookscope's names");
  });

  it('replay says so, and delivers once to a failing receiver', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    try {
      const r = await runCli(['replay', fixture('call.completed.json'), '--url', server.url, '--speed', 'max'], { env: NO_SECRETS });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain('ASSUMPTION: bland documents no retry schedule; set --schedule');
      expect(server.received).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('listen: Bland deliveries', () => {
  let listener: RunningListener;
  beforeAll(async () => {
    listener = await startListen(['--secret', `bland=${SECRET}`, '--json']);
  });
  afterAll(() => listener.stop());

  const post = async (body: string, headers: Record<string, string>) => {
    const res = await request(`${listener.url}/bland`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    await res.body.text();
    return res.statusCode;
  };

  it('a signed delivery is valid; a badly signed one is invalid; a pretty body signed compact names the re-serialisation', async () => {
    const pretty = readFileSync(fixture('call.completed.json'), 'utf8');
    const compact = JSON.stringify(JSON.parse(pretty));
    expect(await post(compact, { 'x-webhook-signature': hex(compact) })).toBe(200);
    expect(await post(compact, { 'x-webhook-signature': hex(compact, 'not-the-secret') })).toBe(200);
    expect(await post(pretty, { 'x-webhook-signature': hex(compact) })).toBe(200);
    const [good, bad, reserialised] = listener.records().slice(-3);

    expect([good!.vendor, good!.event, good!.callId]).toEqual(['bland', 'call.completed', CALL_ID]);
    expect(good!.schema.state).toBe('valid');
    expect(good!.signature.state).toBe('valid');

    expect(bad!.event).toBe('call.completed');
    expect(bad!.signature).toMatchObject({ state: 'invalid', reason: 'wrong secret or body changed' });
    expect(bad!.signature.diagnosis).toBeUndefined();

    expect(reserialised!.event).toBe('call.completed');
    expect(reserialised!.signature.state).toBe('invalid');
    expect(reserialised!.signature.diagnosis).toBe('it is the signature of the body re-serialised (JSON.stringify of the parsed body), not of the bytes sent: sign and verify the raw body');
  });

  it('the delayed delivery is call.corrected of the same call, not a duplicate', async () => {
    const body = JSON.stringify(JSON.parse(readFileSync(fixture('call.corrected.json'), 'utf8')));
    expect(await post(body, { 'x-webhook-signature': hex(body) })).toBe(200);
    const [rec] = listener.records().slice(-1);
    expect([rec!.event, rec!.callId, rec!.signature.state]).toEqual(['call.corrected', CALL_ID, 'valid']);
    expect(rec!.duplicate).toBeUndefined();
  });
});
