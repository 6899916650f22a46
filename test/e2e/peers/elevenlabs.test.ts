// ElevenLabs against its own SDK: @elevenlabs/elevenlabs-js's webhooks.constructEvent() is the
// independent judge. What `hookscope send elevenlabs` signs, the SDK accepts; the SDK cannot sign,
// so the reverse direction signs by the documented recipe ("t=timestamp,v0=hash", the hex
// HMAC-SHA256 of `timestamp.request_body`, post-call webhooks page) with node:crypto, first
// checked against constructEvent, then sent to `hookscope listen`.
import { createHmac } from 'node:crypto';
import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendors } from '../../../src/vendors/index.js';
import { runCli } from '../../helpers/cli.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { NO_SECRETS, startListen } from '../../helpers/listen.js';
import { startServer, type Received, type TestServer } from '../../helpers/server.js';

const SECRET = 'wsec_e2e_7d1f3b5a9c2e4f6a8b0c1d3e5f7a9b2c';
const webhooks = new ElevenLabsClient({ apiKey: 'unused-by-constructEvent' }).webhooks;
const accepts = (body: string, header: string, secret: string) => webhooks.constructEvent(body, header, secret).then(() => true, () => false);
const send = (args: string[]) => runCli(['send', 'elevenlabs', ...args], { env: NO_SECRETS });
const elevenlabs = vendors.find((v) => v.id === 'elevenlabs')!;
// conversation_initiation is left out: ElevenLabs signs nothing on it (the catalog's signing: null;
// it sends only the custom headers configured for it), so there is nothing for the SDK to verify.
const signedEvents = elevenlabs.events.filter((e) => e.signing !== null).map((e) => e.name);
const fixtures = allFixtures().filter((f) => f.vendor === 'elevenlabs' && f.part === 'request' && signedEvents.includes(f.event));

/** The documented recipe: `t=<unix s>,v0=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the secret as text. */
const sign = (body: string, secret = SECRET, t = Math.floor(Date.now() / 1000)) => `t=${t},v0=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

/** The body with its first digit after the envelope's start changed: one byte, still JSON. */
function changeOneByte(body: string): string {
  const i = body.slice(20).search(/\d/) + 20;
  return body.slice(0, i) + String((Number(body[i]) + 1) % 10) + body.slice(i + 1);
}

describe('hookscope send elevenlabs → a receiver that verifies with @elevenlabs/elevenlabs-js', () => {
  let server: TestServer;
  const verdicts = new Map<Received, { sdk: boolean; otherSecret: boolean }>();
  beforeAll(async () => {
    server = await startServer(async (req, res) => {
      const body = req.body.toString('utf8');
      const header = req.headers['elevenlabs-signature'] as string;
      const sdk = await accepts(body, header, SECRET);
      verdicts.set(req, { sdk, otherSecret: await accepts(body, header, `${SECRET}x`) });
      res.writeHead(sdk ? 200 : 401).end();
    });
  });
  afterAll(() => server.close());

  it('covers every signed elevenlabs event', () => {
    expect(signedEvents.sort()).toEqual(['call_initiation_failure', 'post_call_audio', 'post_call_transcription']);
  });

  it.each(signedEvents)('%s is accepted by constructEvent', async (event) => {
    const before = server.received.length;
    const r = await send([event, '--url', `${server.url}/elevenlabs`, '--secret', SECRET]);
    expect(server.received.length).toBe(before + 1);
    const got = server.received.at(-1)!;
    expect(got.headers['elevenlabs-signature']).toMatch(/^t=\d{10},v0=[0-9a-f]{64}$/);
    expect(verdicts.get(got)).toEqual({ sdk: true, otherSecret: false });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ accepted');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

describe('the documented recipe (checked by constructEvent) → hookscope listen --secret elevenlabs=<secret>', () => {
  const post = (url: string, body: string, header: string) => request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'elevenlabs-signature': header } }).then((r) => r.body.text());

  it('the recipe is what the SDK verifies, and nothing else', async () => {
    const body = JSON.stringify(fixtures[0]!.body);
    expect(await accepts(body, sign(body), SECRET)).toBe(true);
    expect(await accepts(body, sign(body, `${SECRET}x`), SECRET)).toBe(false);
    expect(await accepts(changeOneByte(body), sign(body), SECRET)).toBe(false);
  });

  it('a signed body is valid; one changed byte is invalid; a body signed re-serialised is named as such', async () => {
    const listener = await startListen(['--json', '--no-log', '--secret', `elevenlabs=${SECRET}`]);
    try {
      for (const f of fixtures) await post(`${listener.url}/elevenlabs`, JSON.stringify(f.body), sign(JSON.stringify(f.body)));

      const body = JSON.stringify(fixtures.find((f) => f.event === 'post_call_transcription')!.body);
      const changed = changeOneByte(body);
      expect(changed).not.toBe(body);
      expect(changed).toHaveLength(body.length);
      await post(`${listener.url}/elevenlabs`, changed, sign(body));

      // Pretty-printed on the wire, signed compact: a sender (or a proxy) that re-serialised.
      const pretty = JSON.stringify(JSON.parse(body), null, 2);
      await post(`${listener.url}/elevenlabs`, pretty, sign(body));
    } finally {
      await listener.stop();
    }
    const records = listener.records();
    expect(records).toHaveLength(fixtures.length + 2);
    for (const [i, f] of fixtures.entries()) {
      expect([records[i]!.vendor, records[i]!.event, records[i]!.signature.state, records[i]!.schema.state]).toEqual(['elevenlabs', f.event, 'valid', 'valid']);
    }
    const [tampered, reserialised] = records.slice(fixtures.length);
    expect(tampered!.signature).toMatchObject({ state: 'invalid', reason: 'wrong secret or body changed' });
    expect(reserialised!.signature).toMatchObject({ state: 'invalid', diagnosis: expect.stringContaining('re-serialised') });
  });
});
