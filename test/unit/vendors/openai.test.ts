// OpenAI (Realtime SIP and the thin events): fixtures and their schemas, detection beside the
// Standard Webhooks fallback and other {type, …, data} bodies, the Standard Webhooks signature with
// OpenAI's own key rule (an unprefixed secret is text), and the delivery facts with provenance.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { judgeStatus } from '../../../src/delivery/judge.js';
import { validateText } from '../../../src/schema/validate.js';
import { signRequest, verifyRequest } from '../../../src/signing/signature.js';
import { detect } from '../../../src/vendors/detect.js';
import { openai } from '../../../src/vendors/openai.js';
import { rng } from '../../helpers/mutants.js';

const fixtureDir = new URL('../../../fixtures/openai/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, fixtureDir), 'utf8');
const load = (name: string): Record<string, any> => JSON.parse(text(name));
const incoming = () => load('realtime.call.incoming.json');

/** The Standard Webhooks reference libraries' known answer. */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  body: Buffer.from('{"test": 2432232314}'),
  headers: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
  nowMs: 1_614_265_330_000,
};
const NOW = 1_764_424_900_000;
const SECRET = 'whsec_c2VjcmV0LWtleS1mb3Itb3BlbmFpLXRlc3Rz';
const sign = (body: Buffer, secret: string, timestampMs = NOW, id = 'wh_test_1') => signRequest(openai, { body, secret, timestampMs, id })!.headers;
const verify = (body: Buffer, secret: string, headers: Record<string, string>, nowMs = NOW) => verifyRequest(openai, { body, secret, headers, nowMs });

describe('openai fixtures', () => {
  const declared = openai.events.flatMap((e) => e.fixtures.map((f) => [e.name, f] as const));

  it('every event has its own fixture', () => {
    expect(declared.map(([, f]) => f).sort()).toEqual(openai.events.map((e) => `${e.name}.json`).sort());
  });

  it.each(declared)('%s: valid, detected as itself, pretty-printed with 2 spaces', (event, file) => {
    const result = validateText(text(file));
    expect(result.issues).toEqual([]);
    expect([result.vendor, result.event, result.part, result.valid]).toEqual(['openai', event, 'request', true]);
    expect(openai.detect(load(file))).toMatchObject({ match: true, event });
    expect(text(file).trimEnd()).toBe(JSON.stringify(load(file), null, 2));
  });

  it('realtime.call.incoming says, in its description, its summary and the notes, that a 2xx does not accept the call', () => {
    const event = openai.events.find((e) => e.name === 'realtime.call.incoming')!;
    expect(event.description).toContain('2xx does NOT accept the call');
    expect(event.description).toContain('POST /v1/realtime/calls/{call_id}/accept');
    expect(event.description).toContain('603');
    expect(event.summarize!(incoming())).toBe(
      'sip:+15550100001@pstn.twilio.com → sip:+15550100002@sip.api.openai.com; the 2xx does not accept the call: POST /v1/realtime/calls/rtc_6929f4b0a8f4819087c2d13e5b0a4f71/accept (or /reject, 603 by default)',
    );
    expect(openai.notes!.join(' ')).toMatch(/2xx only acknowledges.*\/v1\/realtime\/calls\/\{call_id\}\/accept.*603/);
  });

  it('the live variant and a thin event have summaries', () => {
    const live = openai.events.find((e) => e.name === 'live.transport.incoming')!;
    expect(live.summarize!(load('live.transport.incoming.json'))).toContain('does not accept the call: POST /v1/live/sessions/live_6929f4b0a9c08190b5d2e7f1a3c4b860/accept');
    const completed = openai.events.find((e) => e.name === 'response.completed')!;
    expect(completed.summarize!(load('response.completed.json'))).toBe('response resp_6929f4c2d5e08190a4b6c8d0e2f4a6b8 completed');
  });

  it('send makes a new event id, time and call id per delivery', () => {
    const event = openai.events.find((e) => e.name === 'realtime.call.incoming')!;
    expect(event.fresh).toEqual([
      { path: 'id', kind: 'id', prefix: 'evt_' },
      { path: 'created_at', kind: 'unix-seconds' },
      { path: 'data.call_id', kind: 'id', prefix: 'rtc_' },
    ]);
  });
});

describe('openai realtime.call.incoming: broken copies fail at the place they break', () => {
  type Case = { name: string; mutate: (b: Record<string, any>) => void; code: string; path: string; severity?: 'error' | 'warning'; at: string };
  const cases: Case[] = [
    { name: 'call_id missing', mutate: (b) => delete b.data.call_id, code: 'missing-field', path: '$.data.call_id', at: '{' },
    { name: 'call_id without rtc_', mutate: (b) => (b.data.call_id = 'call_123'), code: 'bad-format', path: '$.data.call_id', at: '"call_123"' },
    { name: 'event id without evt_', mutate: (b) => (b.id = 'wh_123'), code: 'bad-format', path: '$.id', at: '"wh_123"' },
    { name: 'created_at in an ISO string', mutate: (b) => (b.created_at = '2025-11-29T14:01:20Z'), code: 'wrong-type', path: '$.created_at', at: '"2025-11-29T14:01:20Z"' },
    { name: 'created_at with a fraction', mutate: (b) => (b.created_at = 1764424880.5), code: 'wrong-type', path: '$.created_at', at: '1764424880.5' },
    { name: 'a SIP header without its value', mutate: (b) => delete b.data.sip_headers[1].value, code: 'missing-field', path: '$.data.sip_headers[1].value', at: '{' },
    { name: 'sip_headers as an object', mutate: (b) => (b.data.sip_headers = { From: 'x' }), code: 'wrong-type', path: '$.data.sip_headers', at: '{' },
    { name: 'object is not "event"', mutate: (b) => (b.object = 'webhook'), code: 'bad-enum', path: '$.object', at: '"webhook"' },
    { name: 'an unknown field in data', mutate: (b) => (b.data.caller_name = 'Ada'), code: 'unknown-field', path: '$.data.caller_name', severity: 'warning', at: '"Ada"' },
    { name: 'a new media security value', mutate: (b) => (b.data.sip_media_security = 'zrtp'), code: 'unknown-enum-value', path: '$.data.sip_media_security', severity: 'warning', at: '"zrtp"' },
  ];

  it.each(cases)('$name → $code at $path', (c) => {
    const body = incoming();
    c.mutate(body);
    const source = JSON.stringify(body, null, 2);
    const result = validateText(source);
    expect([result.vendor, result.event]).toEqual(['openai', 'realtime.call.incoming']);
    const issue = result.issues.find((i) => i.path === c.path);
    expect(issue, JSON.stringify(result.issues)).toBeDefined();
    expect([issue!.code, issue!.severity]).toEqual([c.code, c.severity ?? 'error']);
    expect(result.valid).toBe((c.severity ?? 'error') === 'warning');
    const line = source.split('\n')[issue!.line! - 1]!;
    expect(line.slice(issue!.column! - 1).startsWith(c.at), `${issue!.line}:${issue!.column} in ${line}`).toBe(true);
  });

  it('object may be absent (optional in the SDK types)', () => {
    const body = incoming();
    delete body.object;
    expect(validateText(JSON.stringify(body)).valid).toBe(true);
  });
});

describe('openai detection', () => {
  it('an OpenAI envelope with a type hookscope does not list is OpenAI\'s unknown event, not undetected', () => {
    const body = { object: 'event', id: 'evt_1', type: 'batch.completed', created_at: 1, data: { id: 'batch_1' } };
    expect(openai.detect(body)).toMatchObject({ match: false, unknownEvent: 'batch.completed' });
    expect(detect(body)).toMatchObject({ ok: false, why: 'unknown-event', vendor: { id: 'openai' }, event: 'batch.completed' });
    // Without `object`, the evt_ id with created_at is enough (object is optional in the SDK).
    expect(openai.detect({ id: 'evt_2', type: 'fine_tuning.job.succeeded', created_at: 1, data: { id: 'ftjob_1' } })).toMatchObject({ unknownEvent: 'fine_tuning.job.succeeded' });
  });

  it.each([
    ['an ElevenLabs-like {type, event_timestamp, data}', { type: 'post_call_transcription', event_timestamp: 1739537297, data: { agent_id: 'a', conversation_id: 'c' } }],
    ['the Standard Webhooks envelope {type, timestamp, data}', { type: 'realtime.call.incoming', timestamp: '2026-01-01T00:00:00Z', data: { call_id: 'rtc_1' } }],
    ['a Stripe-like event (created, not created_at)', { object: 'event', id: 'evt_1', type: 'charge.succeeded', created: 1, data: { object: {} } }],
    ['an array', []],
  ])('does not claim %s', (_name, body) => {
    const result = openai.detect(body);
    expect(result.match).toBe(false);
    if (!result.match) {
      expect(result.unknownEvent).toBeUndefined();
      expect(result.resemblance).toBeLessThan(0.5);
    }
  });

  it('with Standard Webhooks headers (as OpenAI sends), an OpenAI body stays openai', () => {
    const body = incoming();
    const headers = sign(Buffer.from(JSON.stringify(body)), SECRET);
    expect(detect(body, headers)).toMatchObject({ ok: true, vendor: { id: 'openai' }, event: { name: 'realtime.call.incoming' } });
    const unknown = { ...body, type: 'eval.run.succeeded' };
    expect(detect(unknown, headers)).toMatchObject({ ok: false, why: 'unknown-event', vendor: { id: 'openai' } });
  });
});

describe('openai signing', () => {
  it('the Standard Webhooks known answer verifies through the vendor, and is re-made exactly', () => {
    expect(verifyRequest(openai, { ...VECTOR, nowMs: VECTOR.nowMs })).toEqual({ valid: true });
    expect(signRequest(openai, { body: VECTOR.body, secret: VECTOR.secret, timestampMs: VECTOR.nowMs, id: VECTOR.headers['webhook-id'] })).toEqual({ headers: VECTOR.headers });
  });

  it('a whsec_ secret: the OpenAI SDK and the standardwebhooks library both accept what hookscope signs', async () => {
    const body = Buffer.from(JSON.stringify(incoming()));
    const headers = signRequest(openai, { body, secret: SECRET, timestampMs: Date.now() })!.headers;
    await expect(new OpenAI({ apiKey: 'x' }).webhooks.unwrap(body.toString(), headers, SECRET)).resolves.toMatchObject({ type: 'realtime.call.incoming' });
    expect(() => new Webhook(SECRET).verify(body, headers)).not.toThrow();
  });

  it("an unprefixed secret is used as text, as OpenAI's SDK does (standardwebhooks would base64-decode it)", async () => {
    const secret = 'openai-plain-secret';
    const body = Buffer.from(JSON.stringify(incoming()));
    const headers = sign(body, secret, Date.now());
    const id = headers['webhook-id']!;
    const ts = headers['webhook-timestamp']!;
    expect(headers['webhook-signature']).toBe(`v1,${createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${ts}.${body}`).digest('base64')}`);
    await expect(new OpenAI({ apiKey: 'x' }).webhooks.unwrap(body.toString(), headers, secret)).resolves.toBeDefined();
    expect(() => new Webhook(secret).verify(body, headers)).toThrow();
    expect(openai.signing!.key.value).toBe('whsec_ + base64 (decoded); an unprefixed secret is used as text');
    expect(openai.signing!.key.note).toContain('unlike the standardwebhooks library');
  });

  it('a sender that base64-decoded an unprefixed secret is named', () => {
    const secret = 'c2VjcmV0LWtleS0xMjM0'; // reads as base64 too
    const body = Buffer.from(JSON.stringify(incoming()));
    const ts = String(NOW / 1000);
    const sig = createHmac('sha256', Buffer.from(secret, 'base64')).update(`wh_1.${ts}.${body}`).digest('base64');
    const verdict = verify(body, secret, { 'webhook-id': 'wh_1', 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` });
    expect(verdict).toMatchObject({ valid: false, reason: 'mismatch', diagnosis: 'made with the secret base64-decoded; without the whsec_ prefix this vendor uses it as text' });
  });

  it('one changed byte is a mismatch; another secret too', () => {
    const body = Buffer.from(JSON.stringify(incoming()));
    const headers = sign(body, SECRET);
    expect(verify(body, SECRET, headers)).toEqual({ valid: true });
    const changed = Buffer.from(body);
    const at = changed.indexOf('rtc_') + 4;
    changed[at] = changed[at]! ^ 1;
    expect(verify(changed, SECRET, headers)).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verify(body, 'whsec_b3RoZXItc2VjcmV0LWZvci1vcGVuYWk=', headers)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('300 s either way, as the SDK: 6 minutes old is expired with its age and the window', () => {
    const body = Buffer.from(JSON.stringify(incoming()));
    expect(verify(body, SECRET, sign(body, SECRET, NOW - 299_000))).toEqual({ valid: true });
    expect(verify(body, SECRET, sign(body, SECRET, NOW - 360_000))).toMatchObject({ valid: false, reason: 'expired', ageMs: 360_000, windowMs: 300_000, detail: 'the timestamp is 6 min old; the vendor\'s window is 5 min (the signature itself matches)' });
    expect(verify(body, SECRET, sign(body, SECRET, NOW + 360_000))).toMatchObject({ valid: false, reason: 'future', windowMs: 300_000 });
  });

  it('a rotated key: one good v1 entry among others is enough', () => {
    const body = Buffer.from(JSON.stringify(incoming()));
    const headers = sign(body, SECRET);
    const old = sign(body, 'whsec_b2xkLWtleS1iZWZvcmUtcm90YXRpb24=')['webhook-signature'];
    expect(verify(body, SECRET, { ...headers, 'webhook-signature': `${old} ${headers['webhook-signature']}` })).toEqual({ valid: true });
  });

  it('signs v1 only: no ed25519 for OpenAI', () => {
    expect(openai.signing!.algorithm.value).toBe('HMAC-SHA256 (v1)');
    expect(openai.signing!.format.value).toBe('v1,<base64> (several, space-separated)');
  });

  it('seeded: sign and verify never throw, and what is signed verifies', () => {
    const rnd = rng(14);
    const pieces = ['', 'whsec_', 'whsk_', 'whpk_', 'v1,', 'v1a,', ' ', ',', '.', 'a', 'Zm9v', '==', '\u0000', 'é', String(NOW / 1000)];
    const junk = () => Array.from({ length: Math.floor(rnd() * 8) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    for (let i = 0; i < 1500; i++) {
      const body = Buffer.from(junk());
      const secret = junk();
      const headers = { 'webhook-id': junk(), 'webhook-timestamp': junk(), 'webhook-signature': junk() };
      // A throw fails the test: verify and sign must answer, whatever they are given.
      expect(verify(body, secret, headers).valid).toBe(false);
      const signed = signRequest(openai, { body, secret, timestampMs: NOW });
      if (signed) expect(verify(body, secret, signed.headers)).toEqual({ valid: true });
    }
  });
});

describe('openai delivery', () => {
  const { delivery } = openai;

  it('2xx within an assumed 5 s; a 3xx is a failure; retries for up to 72 h on an assumed ladder', () => {
    expect(delivery.success).toMatchObject({ value: 'any 2xx', provenance: 'seen' });
    expect(judgeStatus(openai, 204).delivered).toBe(true);
    expect(judgeStatus(openai, 302, 'https://x.test/').delivered).toBe(false);
    expect(judgeStatus(openai, 500)).toMatchObject({ delivered: false, reason: expect.stringContaining('would retry') });
    expect(delivery.timeoutMs).toMatchObject({ value: 5_000, provenance: 'assumed', override: '--timeout' });
    expect(delivery.retryDelaysMs).toMatchObject({ provenance: 'assumed', override: '--schedule' });
    const total = delivery.retryDelaysMs.value.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(72 * 3_600_000);
    expect(delivery.retryDelaysMs.note).toMatch(/72 hours.*not published/);
  });

  it('the dedupe key is webhook-id; a saved body falls back on the event id', () => {
    const body = incoming();
    expect(delivery.dedupeKey.key(body, { 'webhook-id': 'wh_abc' })).toBe('wh_abc');
    expect(delivery.dedupeKey.key(body)).toBe('evt_6929f4b0c1d08190a3e7b25c4d1f6a92');
    expect(delivery.dedupeKey.key({})).toBeUndefined();
    expect(delivery.dedupeKey.note).toContain('Assumption');
  });

  it('reads its secret from OPENAI_WEBHOOK_SECRET', () => {
    expect(openai.secretEnv).toEqual(['OPENAI_WEBHOOK_SECRET']);
  });
});
