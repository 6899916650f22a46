// Standard Webhooks against the reference library: standardwebhooks' Webhook.verify() and
// Webhook.sign() are the independent judge. What `hookscope send standard-webhooks` signs, the
// library accepts; what the library signs, `hookscope listen` accepts, and a changed byte or a
// re-serialised body it refuses, naming why.
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendors } from '../../../src/vendors/index.js';
import { runCli } from '../../helpers/cli.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { NO_SECRETS, startListen } from '../../helpers/listen.js';
import { startServer, type Received, type TestServer } from '../../helpers/server.js';

const SECRET = `whsec_${Buffer.from('standard-webhooks-peer-e2e-7c3d').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('standard-webhooks-peer-e2e-7c3e').toString('base64')}`;
const accepts = (secret: string, body: string, headers: Record<string, string | string[] | undefined>) => {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};
const send = (args: string[]) => runCli(['send', 'standard-webhooks', ...args], { env: NO_SECRETS });
// One event, `message`, and it is signed.
const events = vendors.find((v) => v.id === 'standard-webhooks')!.events.map((e) => e.name);
const fixtures = allFixtures().filter((f) => f.vendor === 'standard-webhooks' && f.part === 'request');

/** Signed by the library: its three headers, with a fresh id and now. */
function sign(body: string, id = `msg_${Math.random().toString(16).slice(2)}`): Record<string, string> {
  const at = new Date();
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(SECRET).sign(id, at, body) };
}

/** The body with its first digit after the envelope's start changed: one byte, still JSON. */
function changeOneByte(body: string): string {
  const i = body.slice(20).search(/\d/) + 20;
  return body.slice(0, i) + String((Number(body[i]) + 1) % 10) + body.slice(i + 1);
}

describe('hookscope send standard-webhooks → a receiver that verifies with standardwebhooks', () => {
  let server: TestServer;
  const verdicts = new Map<Received, { library: boolean; otherSecret: boolean }>();
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const body = req.body.toString('utf8');
      const library = accepts(SECRET, body, req.headers);
      verdicts.set(req, { library, otherSecret: accepts(OTHER, body, req.headers) });
      res.writeHead(library ? 204 : 400).end();
    });
  });
  afterAll(() => server.close());

  it('covers every standard-webhooks event', () => {
    expect(events).toEqual(['message']);
  });

  it.each(events)('%s is accepted by Webhook.verify()', async (event) => {
    const before = server.received.length;
    const r = await send([event, '--url', `${server.url}/hooks`, '--secret', SECRET]);
    expect(server.received.length).toBe(before + 1);
    const got = server.received.at(-1)!;
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verdicts.get(got)).toEqual({ library: true, otherSecret: false });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

describe('standardwebhooks Webhook.sign() → hookscope listen --secret standard-webhooks=<whsec_…>', () => {
  const post = (url: string, body: string, headers: Record<string, string>) => request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } }).then((r) => r.body.text());

  it('a signed body is valid; one changed byte is invalid; a body signed re-serialised is named as such', async () => {
    const listener = await startListen(['--json', '--no-log', '--secret', `standard-webhooks=${SECRET}`]);
    try {
      for (const f of fixtures) await post(`${listener.url}/hooks`, JSON.stringify(f.body), sign(JSON.stringify(f.body)));

      const body = JSON.stringify(fixtures[0]!.body);
      const changed = changeOneByte(body);
      expect(changed).not.toBe(body);
      expect(changed).toHaveLength(body.length);
      await post(`${listener.url}/hooks`, changed, sign(body));

      // Pretty-printed on the wire, signed compact: a sender (or a proxy) that re-serialised.
      await post(`${listener.url}/hooks`, JSON.stringify(JSON.parse(body), null, 2), sign(body));
    } finally {
      await listener.stop();
    }
    const records = listener.records();
    expect(records).toHaveLength(fixtures.length + 2);
    for (const [i, f] of fixtures.entries()) {
      expect([records[i]!.vendor, records[i]!.event, records[i]!.signature.state, records[i]!.schema.state]).toEqual(['standard-webhooks', f.event, 'valid', 'valid']);
    }
    const [tampered, reserialised] = records.slice(fixtures.length);
    expect([tampered!.vendor, reserialised!.vendor]).toEqual(['standard-webhooks', 'standard-webhooks']);
    expect(tampered!.signature).toMatchObject({ state: 'invalid', reason: 'wrong secret or body changed' });
    expect(reserialised!.signature).toMatchObject({ state: 'invalid', diagnosis: expect.stringContaining('re-serialised') });
  });
});
