// OpenAI against its own SDK: openai-node's webhooks.unwrap() is the independent judge. What
// `hookscope send openai` signs, unwrap() accepts. The SDK cannot sign, so the reverse direction
// signs by the recipe OpenAI documents (Standard Webhooks: `v1,` + base64 HMAC-SHA256 of
// `webhook-id.webhook-timestamp.body`, keyed with the base64 after whsec_) with node:crypto,
// first checked against unwrap(), then sent to `hookscope listen`.
import { createHmac } from 'node:crypto';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendors } from '../../../src/vendors/index.js';
import { runCli } from '../../helpers/cli.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { NO_SECRETS, startListen } from '../../helpers/listen.js';
import { startServer, type Received, type TestServer } from '../../helpers/server.js';

const SECRET = `whsec_${Buffer.from('openai-peer-e2e-secret-4f2a9c1e').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('openai-peer-e2e-secret-4f2a9c1f').toString('base64')}`;
// openai-node uses a secret without the whsec_ prefix as its UTF-8 bytes (the standardwebhooks
// library would base64-decode it): hookscope's catalog says so ('whsec-or-utf8').
const PLAIN = 'openai-plain-secret-e2e-91b2';
const webhooks = new OpenAI({ apiKey: 'unused-by-unwrap' }).webhooks;
const accepts = (body: string, headers: Record<string, string | string[] | undefined>, secret: string) =>
  webhooks.unwrap(body, headers as Record<string, string>, secret).then(() => true, () => false);
const send = (args: string[]) => runCli(['send', 'openai', ...args], { env: NO_SECRETS });
// Every OpenAI event is signed (the vendor's scheme, no event without one).
const events = vendors.find((v) => v.id === 'openai')!.events.map((e) => e.name);
const fixtures = allFixtures().filter((f) => f.vendor === 'openai' && f.part === 'request');

/** The documented recipe, with a fresh id and the current time. */
function sign(body: string, secret = SECRET): Record<string, string> {
  const id = `wh_${Math.random().toString(16).slice(2)}`;
  const t = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return { 'webhook-id': id, 'webhook-timestamp': t, 'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${t}.${body}`).digest('base64')}` };
}

/** The body with its first digit after the envelope's start changed: one byte, still JSON. */
function changeOneByte(body: string): string {
  const i = body.slice(20).search(/\d/) + 20;
  return body.slice(0, i) + String((Number(body[i]) + 1) % 10) + body.slice(i + 1);
}

describe('hookscope send openai → a receiver that verifies with openai-node', () => {
  let server: TestServer;
  const verdicts = new Map<Received, { sdk: boolean; otherSecret: boolean; plain: boolean }>();
  beforeAll(async () => {
    server = await startServer(async (req, res) => {
      const body = req.body.toString('utf8');
      const sdk = await accepts(body, req.headers, SECRET);
      const plain = await accepts(body, req.headers, PLAIN);
      verdicts.set(req, { sdk, otherSecret: await accepts(body, req.headers, OTHER), plain });
      res.writeHead(sdk || plain ? 200 : 400).end();
    });
  });
  afterAll(() => server.close());

  it('covers every openai event', () => {
    expect(events.sort()).toEqual(['live.transport.incoming', 'realtime.call.incoming', 'response.cancelled', 'response.completed', 'response.failed', 'response.incomplete']);
  });

  it.each(events)('%s is accepted by webhooks.unwrap()', async (event) => {
    const before = server.received.length;
    const r = await send([event, '--url', `${server.url}/openai`, '--secret', SECRET]);
    expect(server.received.length).toBe(before + 1);
    const got = server.received.at(-1)!;
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verdicts.get(got)).toEqual({ sdk: true, otherSecret: false, plain: false });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a secret without whsec_ is signed with as text, as unwrap() verifies it', async () => {
    const r = await send(['response.completed', '--url', `${server.url}/openai`, '--secret', PLAIN]);
    expect(verdicts.get(server.received.at(-1)!)).toEqual({ sdk: false, otherSecret: false, plain: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PLAIN);
  });
});

describe('the documented recipe (checked by unwrap) → hookscope listen --secret openai=<whsec_…>', () => {
  const post = (url: string, body: string, headers: Record<string, string>) => request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then((r) => r.body.text());

  it('the recipe is what the SDK verifies, and nothing else', async () => {
    const body = JSON.stringify(fixtures[0]!.body);
    expect(await accepts(body, sign(body), SECRET)).toBe(true);
    expect(await accepts(body, sign(body, OTHER), SECRET)).toBe(false);
    expect(await accepts(changeOneByte(body), sign(body), SECRET)).toBe(false);
  });

  it('a signed body is valid; one changed byte is invalid; a body signed re-serialised is named as such', async () => {
    const listener = await startListen(['--json', '--no-log', '--secret', `openai=${SECRET}`]);
    try {
      for (const f of fixtures) await post(`${listener.url}/openai`, JSON.stringify(f.body), sign(JSON.stringify(f.body)));

      const body = JSON.stringify(fixtures.find((f) => f.event === 'realtime.call.incoming')!.body);
      const changed = changeOneByte(body);
      expect(changed).not.toBe(body);
      expect(changed).toHaveLength(body.length);
      await post(`${listener.url}/openai`, changed, sign(body));

      // Pretty-printed on the wire, signed compact: a sender (or a proxy) that re-serialised.
      await post(`${listener.url}/openai`, JSON.stringify(JSON.parse(body), null, 2), sign(body));
    } finally {
      await listener.stop();
    }
    const records = listener.records();
    expect(records).toHaveLength(fixtures.length + 2);
    for (const [i, f] of fixtures.entries()) {
      expect([records[i]!.vendor, records[i]!.event, records[i]!.signature.state, records[i]!.schema.state]).toEqual(['openai', f.event, 'valid', 'valid']);
    }
    const [tampered, reserialised] = records.slice(fixtures.length);
    expect(tampered!.signature).toMatchObject({ state: 'invalid', reason: 'wrong secret or body changed' });
    expect(reserialised!.signature).toMatchObject({ state: 'invalid', diagnosis: expect.stringContaining('re-serialised') });
  });
});
