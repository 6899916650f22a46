// Twilio against its own SDK: twilio-node's validateRequest() (form bodies) and
// validateRequestWithBody() (JSON bodies, signed through a bodySHA256 query parameter) are the
// independent judge, and getExpectedTwilioSignature() the independent signer. Twilio signs the URL
// it called, so the receiver rebuilds it from where the request came in, and `hookscope listen`
// takes it from the Host header (the request goes to its loopback address).
// `hookscope send twilio` sends every event form-encoded, as Twilio does for Voice: the JSON path
// is tested through `listen` only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import twilio from 'twilio';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendors } from '../../../src/vendors/index.js';
import { ROOT, runCli } from '../../helpers/cli.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { NO_SECRETS, startListen } from '../../helpers/listen.js';
import { startServer, type Received, type TestServer } from '../../helpers/server.js';

const TOKEN = 'e2e0c3b7a91f4d2e8c6b5a4f3e2d1c0b';
const send = (args: string[]) => runCli(['send', 'twilio', ...args], { env: NO_SECRETS });
// Every Twilio Voice event is signed (the vendor's scheme, no event without one).
const events = vendors.find((v) => v.id === 'twilio')!.events.map((e) => e.name);
const fixtures = allFixtures().filter((f) => f.vendor === 'twilio' && f.part === 'request');
const twiml = readFileSync(join(ROOT, 'fixtures/twilio/incoming-call.reply.xml'), 'utf8');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const params = (body: string) => Object.fromEntries(new URLSearchParams(body));

/** The body with its first digit after its start changed: one byte, still a valid body. */
function changeOneByte(body: string): string {
  const i = body.slice(20).search(/\d/) + 20;
  return body.slice(0, i) + String((Number(body[i]) + 1) % 10) + body.slice(i + 1);
}

describe('hookscope send twilio → a receiver that verifies with twilio-node', () => {
  let server: TestServer;
  const verdicts = new Map<Received, { sdk: boolean; otherToken: boolean }>();
  beforeAll(async () => {
    server = await startServer((req, res) => {
      // The URL Twilio called: what this receiver was configured as, path and query included.
      const url = `${server.url}${req.url}`;
      const signature = req.headers['x-twilio-signature'] as string;
      const form = params(req.body.toString('utf8'));
      const sdk = twilio.validateRequest(TOKEN, signature, url, form);
      verdicts.set(req, { sdk, otherToken: twilio.validateRequest(`${TOKEN}x`, signature, url, form) });
      if (!sdk) return void res.writeHead(403).end();
      if (form.CallbackSource === undefined && form.RecordingSid === undefined) return void res.writeHead(200, { 'content-type': 'text/xml' }).end(twiml);
      res.writeHead(204).end();
    });
  });
  afterAll(() => server.close());

  it('covers every twilio event', () => {
    expect(events.sort()).toEqual(['call-status.answered', 'call-status.completed', 'call-status.initiated', 'call-status.ringing', 'incoming-call', 'recording-status']);
  });

  it.each(events)('%s is accepted by validateRequest()', async (event) => {
    const before = server.received.length;
    const r = await send([event, '--url', `${server.url}/twilio/voice?tenant=a%20b`, '--secret', TOKEN]);
    expect(server.received.length).toBe(before + 1);
    const got = server.received.at(-1)!;
    expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(got.headers['x-twilio-signature']).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(verdicts.get(got)).toEqual({ sdk: true, otherToken: false });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});

describe('twilio-node getExpectedTwilioSignature() → hookscope listen --secret twilio=<token>', () => {
  const post = (url: string, body: string, headers: Record<string, string>) => request(url, { method: 'POST', body, headers }).then((r) => r.body.text());

  it('form bodies: signed is valid; one changed byte is invalid; re-encoded parameters stay valid, as for the SDK', async () => {
    const listener = await startListen(['--json', '--no-log', '--secret', `twilio=${TOKEN}`]);
    const url = `${listener.url}/twilio`;
    const wire = fixtures.map((f) => new URLSearchParams(f.body as Record<string, string>).toString());
    const body = wire[fixtures.findIndex((f) => f.event === 'incoming-call')]!;
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params(body));
    const changed = changeOneByte(body);
    // Twilio signs the decoded values: spaces as %20 instead of +, parameters in another order.
    const reencoded = body.split('&').reverse().join('&').replaceAll('+', '%20');
    expect(changed).not.toBe(body);
    expect(reencoded).not.toBe(body);
    expect([twilio.validateRequest(TOKEN, signature, url, params(changed)), twilio.validateRequest(TOKEN, signature, url, params(reencoded))]).toEqual([false, true]);
    try {
      for (const b of wire) await post(url, b, { ...FORM, 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, url, params(b)) });
      await post(url, changed, { ...FORM, 'x-twilio-signature': signature });
      await post(url, reencoded, { ...FORM, 'x-twilio-signature': signature });
    } finally {
      await listener.stop();
    }
    const records = listener.records();
    expect(records).toHaveLength(fixtures.length + 2);
    for (const [i, f] of fixtures.entries()) {
      expect([records[i]!.vendor, records[i]!.event, records[i]!.signature.state, records[i]!.schema.state]).toEqual(['twilio', f.event, 'valid', 'valid']);
      expect(records[i]!.signature).toMatchObject({ url, urlFrom: expect.stringContaining('Host header') });
    }
    const [tampered, reencodedRecord] = records.slice(fixtures.length);
    expect(tampered!.signature).toMatchObject({ state: 'invalid', reason: 'wrong secret or body changed' });
    expect(reencodedRecord!.signature.state).toBe('valid');
  });

  let reserialisedJson: Record<string, any> | undefined;

  it('JSON bodies (bodySHA256 in the URL): signed is valid; one changed byte or a re-serialised body is invalid', async () => {
    const listener = await startListen(['--json', '--no-log', '--secret', `twilio=${TOKEN}`]);
    const body = JSON.stringify(fixtures.find((f) => f.event === 'incoming-call')!.body);
    // As twilio-node expects a JSON request: the body's SHA-256 in the URL, and the URL alone signed.
    const url = `${listener.url}/twilio?bodySHA256=${twilio.getExpectedBodyHash(body)}`;
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, {});
    const changed = changeOneByte(body);
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    expect(changed).not.toBe(body);
    expect([body, changed, pretty].map((b) => twilio.validateRequestWithBody(TOKEN, signature, url, b))).toEqual([true, false, false]);
    const json = { 'content-type': 'application/json', 'x-twilio-signature': signature };
    try {
      for (const b of [body, changed, pretty]) await post(url, b, json);
    } finally {
      await listener.stop();
    }
    const [signed, tampered, reserialised] = listener.records();
    expect([signed!.vendor, signed!.event, signed!.signature.state]).toEqual(['twilio', 'incoming-call', 'valid']);
    expect(signed!.signature.url).toBe(url);
    expect(tampered!.signature).toMatchObject({ state: 'invalid', reason: expect.stringContaining('bodySHA256') });
    expect(reserialised!.signature).toMatchObject({ state: 'invalid', reason: expect.stringContaining('bodySHA256') });
    reserialisedJson = reserialised;
  });

  // The pretty-printed body whose compact form Twilio hashed: named as re-serialised, as the
  // HMAC schemes name it.
  it('JSON bodies: a body re-serialised after Twilio hashed it is named as re-serialised', () => {
    expect(reserialisedJson?.signature.diagnosis).toContain('re-serialised');
  });
});
