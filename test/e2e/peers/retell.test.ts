// Retell AI against its own SDK: retell-sdk's public verify() and sign() are the independent
// judge. What `hookscope send retell` signs, the SDK accepts; what the SDK signs, `hookscope
// listen` accepts, and a changed byte or a re-serialised body it refuses, naming why. Then the
// inbound-call webhook's reply: good, bad, and slow against Retell's 10 s deadline.
import type { ServerResponse } from 'node:http';
import { sign, verify } from 'retell-sdk';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { startListen } from '../../helpers/listen.js';
import { startServer, type Received, type TestServer } from '../../helpers/server.js';

const KEY = 'key_e2e_4b7c1d9e2f6a8b3c5d0e';
const NO_SECRETS = { HOOKSCOPE_SECRET: '', RETELL_API_KEY: '' };
const send = (args: string[]) => runCli(['send', 'retell', ...args], { env: NO_SECRETS });
const fixtures = allFixtures().filter((f) => f.vendor === 'retell' && f.part === 'request');
const events = [...new Set(fixtures.map((f) => f.event))];
const goodReply = JSON.stringify({ call_inbound: { override_agent_id: 'agent_5e0a2c4e6a8c0e2a4c6e8a0c2e', dynamic_variables: { customer_name: 'Ada' } } });

describe('hookscope send retell → a receiver that verifies with retell-sdk', () => {
  let server: TestServer;
  const verdicts = new Map<Received, { sdk: boolean; otherKey: boolean }>();
  beforeAll(async () => {
    server = await startServer(async (req, res) => {
      const body = req.body.toString('utf8');
      const signature = req.headers['x-retell-signature'] as string;
      // The Retell docs' receiver, with the await their samples leave out.
      const sdk = await verify(body, KEY, signature);
      verdicts.set(req, { sdk, otherKey: await verify(body, `${KEY}x`, signature) });
      if (!sdk) return void res.writeHead(401).end();
      if (body.includes('"event":"call_inbound"')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(goodReply);
      res.writeHead(204).end();
    });
  });
  afterAll(() => server.close());

  it('covers every retell event', () => {
    expect(events.sort()).toEqual(['call_analyzed', 'call_ended', 'call_inbound', 'call_started', 'transcript_updated', 'transfer_bridged', 'transfer_cancelled', 'transfer_ended', 'transfer_started']);
  });

  it.each(events)('%s is accepted by the SDK verifier', async (event) => {
    const before = server.received.length;
    const r = await send([event, '--url', `${server.url}/retell`, '--secret', KEY]);
    expect(server.received.length).toBe(before + 1);
    const got = server.received.at(-1)!;
    expect(got.headers['x-retell-signature']).toMatch(/^v=\d{13},d=[0-9a-f]{64}$/);
    expect(verdicts.get(got)).toEqual({ sdk: true, otherKey: false });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted');
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });
});

describe('retell-sdk sign() → hookscope listen --secret retell=<key>', () => {
  const post = async (url: string, body: string, signature: string) => {
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-retell-signature': signature } });
    return { status: res.statusCode, text: await res.body.text() };
  };

  it('a signed body is valid; one changed byte is invalid; a body signed re-serialised is named as such', async () => {
    const listener = await startListen(['--json', '--no-log', '--secret', `retell=${KEY}`]);
    try {
      for (const f of fixtures) await post(`${listener.url}/retell`, JSON.stringify(f.body), await sign(JSON.stringify(f.body), KEY));

      const body = JSON.stringify(fixtures.find((f) => f.event === 'call_ended')!.body);
      const signature = await sign(body, KEY);
      const changed = body.replace('"duration_ms":94500', '"duration_ms":94501');
      expect(changed).not.toBe(body);
      await post(`${listener.url}/retell`, changed, signature);

      // Retell writes non-ASCII as \u escapes; a signer that re-serialises the parsed body signs ¿Cómo.
      const raw = body.replace('"transcript":"Agent: Hola', '"transcript":"User: \\u00bfC\\u00f3mo est\\u00e1 mi cita?\\nAgent: Hola');
      expect(raw).toContain('\\u00bfC\\u00f3mo');
      await post(`${listener.url}/retell`, raw, await sign(JSON.stringify(JSON.parse(raw)), KEY));

      // Retell's inbound-call webhook is signed the same way, and answered with a Retell reply.
      const inbound = JSON.stringify({ event: 'call_inbound', call_inbound: { from_number: '+14155550142', to_number: '+14155550199' } });
      const answer = await post(`${listener.url}/retell`, inbound, await sign(inbound, KEY));
      expect(JSON.parse(answer.text)).toHaveProperty('call_inbound.override_agent_id');
    } finally {
      await listener.stop();
    }
    const records = listener.records();
    expect(records).toHaveLength(fixtures.length + 3);
    for (const [i, f] of fixtures.entries()) {
      expect([records[i]!.vendor, records[i]!.event, records[i]!.signature.state, records[i]!.schema.state]).toEqual(['retell', f.event, 'valid', 'valid']);
    }
    const [tampered, reserialised, inbound] = records.slice(fixtures.length);
    expect(tampered!.signature).toMatchObject({ state: 'invalid', reason: expect.stringContaining('wrong secret or body changed') });
    expect(reserialised!.signature).toMatchObject({ state: 'invalid', diagnosis: expect.stringContaining('re-serialised (JSON.stringify of the parsed body)') });
    expect([inbound!.vendor, inbound!.event, inbound!.signature.state]).toEqual(['retell', 'call_inbound', 'valid']);
  });
});

describe('hookscope send retell call_inbound: the reply and its 10 s deadline', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const serve = async (respond: (req: Received, res: ServerResponse) => void) => {
    const s = await startServer(respond);
    servers.push(s);
    return s;
  };
  const json = (res: ServerResponse, text: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(text);

  it('a good reply is accepted', async () => {
    const s = await serve((_req, res) => json(res, goodReply));
    const r = await send(['call_inbound', '--url', s.url]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted: retell counts 200 as delivered (any 2xx); the reply is what the vendor expects');
    expect(r.stdout).toMatch(/✓ in time: \d+ ms of the 10 s deadline/);
  });

  it('a reply with a numeric dynamic variable is a bad reply (exit 1) that names the path', async () => {
    const s = await serve((_req, res) => json(res, '{"call_inbound":{"dynamic_variables":{"visits":3}}}'));
    const r = await send(['call_inbound', '--url', s.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('$.call_inbound.dynamic_variables.visits');
    expect(r.stdout).toContain('✗ bad reply: the reply does not match the call_inbound reply schema');
  });

  it('an empty reply is a bad reply that says what Retell does then', async () => {
    const s = await serve((_req, res) => res.writeHead(204).end());
    const r = await send(['call_inbound', '--url', s.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ bad reply: an empty call_inbound reply: Retell expects a JSON body under call_inbound");
  });

  it('a good reply after 8.5 s is accepted with a warning: past 80 % of the deadline', { timeout: 15_000 }, async () => {
    const s = await serve((_req, res) => void setTimeout(() => json(res, goodReply), 8_500));
    const r = await send(['call_inbound', '--url', s.url]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/⚠ close to the deadline: 8\d{3} ms of the 10 s deadline \(8\d %\)/);
    expect(r.stdout).toContain('✓ accepted');
  });
});
