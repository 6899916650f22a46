// Standard Webhooks as the fallback vendor: any JSON object, recognised by its request's headers
// and only when no other vendor recognises the body; signed v1 (HMAC) or v1a (ed25519), under the
// spec's header names or Svix's; Svix's delivery rules; one webhook-id across a replay's retries.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/commands/replay.js';
import { judgeStatus } from '../../../src/delivery/judge.js';
import { DedupeMemory } from '../../../src/record/dedupe.js';
import { inspect, type InspectContext } from '../../../src/record/inspect.js';
import { LOG_RECORD_KIND, type ListenRecord } from '../../../src/record/log-record.js';
import { feedEntry } from '../../../src/reporters/listen.js';
import { validateText } from '../../../src/schema/validate.js';
import { signRequest, verifyRequest } from '../../../src/signing/signature.js';
import { generateEd25519Pair } from '../../../src/signing/standard-webhooks.js';
import { makeChalk } from '../../../src/ui/terminal.js';
import { detect } from '../../../src/vendors/detect.js';
import { findVendor, vendors } from '../../../src/vendors/index.js';
import { relyable } from '../../../src/vendors/relyable.js';
import { standardWebhooks } from '../../../src/vendors/standard-webhooks.js';
import type { VendorDefinition } from '../../../src/vendors/types.js';
import { ROOT } from '../../helpers/cli.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { rng } from '../../helpers/mutants.js';
import { MswDispatcher } from '../../helpers/msw-dispatcher.js';
import { VirtualClock } from '../../helpers/virtual-clock.js';

const FIXTURE = `${ROOT}fixtures/standard-webhooks/message.json`;
const text = readFileSync(FIXTURE, 'utf8');
const message = (): Record<string, any> => JSON.parse(text);
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  body: Buffer.from('{"test": 2432232314}'),
  headers: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
  nowMs: 1_614_265_330_000,
};
const SECRET = 'whsec_c3RhbmRhcmQtd2ViaG9va3MtdW5pdC10ZXN0';
const NOW = 1_764_424_900_000;
const HEADERS = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': 'v1,AAAA' };
const SVIX = { 'svix-id': 'msg_1', 'svix-timestamp': String(NOW / 1000), 'svix-signature': 'v1,AAAA' };
const svixOf = (h: Record<string, string>) => ({ 'svix-id': h['webhook-id']!, 'svix-timestamp': h['webhook-timestamp']!, 'svix-signature': h['webhook-signature']! });
const sign = (body: Buffer, secret: string, timestampMs = NOW, id = 'msg_unit_1') => signRequest(standardWebhooks, { body, secret, timestampMs, id })!.headers;
const verify = (body: Buffer, secret: string, headers: Record<string, string>, nowMs = NOW) => verifyRequest(standardWebhooks, { body, secret, headers, nowMs });

/** A neighbour shaped like ElevenLabs' post-call bodies ({type, event_timestamp, data}), for the fallback rules. */
const elevenLike: VendorDefinition = {
  ...relyable,
  id: 'eleven-like',
  events: [{ ...relyable.events[0]!, name: 'post_call_transcription' }],
  detect(body) {
    const b = body as Record<string, unknown>;
    if (typeof b?.type !== 'string' || !('event_timestamp' in b)) return { match: false, resemblance: 0, reason: 'no {type, event_timestamp, data}' };
    if (b.type === 'post_call_transcription') return { match: true, event: b.type, part: 'request', reason: 'its type' };
    return { match: false, resemblance: 0.8, reason: 'its envelope, another type', unknownEvent: b.type };
  },
};
const elevenBody = { type: 'post_call_transcription', event_timestamp: 1739537297, data: { agent_id: 'a', conversation_id: 'c' } };

describe('standard-webhooks message', () => {
  const event = standardWebhooks.events[0]!;

  it('is the one event; the fixture is the spec\'s envelope, pretty-printed', () => {
    expect(standardWebhooks.events.map((e) => e.name)).toEqual(['message']);
    expect(event.fixtures).toEqual(['message.json']);
    expect(text.trimEnd()).toBe(JSON.stringify(message(), null, 2));
    expect(message()).toMatchObject({ type: expect.any(String), timestamp: expect.any(String), data: expect.any(Object) });
  });

  it.each([
    ['the fixture', message()],
    ['an empty object', {}],
    ['another sender\'s own shape', { event: 'invoice.paid', payload: [1, 'two', null], nested: { deep: { deeper: true } } }],
  ])('its schema takes any JSON object: %s', (_name, body) => {
    expect(validateText(JSON.stringify(body), { vendor: standardWebhooks, event }).issues).toEqual([]);
  });

  it('anything but an object is an error at $, with its position', () => {
    const result = validateText('[1, 2]', { vendor: standardWebhooks, event });
    expect(result.valid).toBe(false);
    expect(result.issues[0]).toMatchObject({ code: 'not-an-object', path: '$' });
    const broken = validateText('{\n  "type": "call.completed",\n  "data": {\n}', { vendor: standardWebhooks, event });
    expect(broken.issues[0]).toMatchObject({ code: 'invalid-json', line: 4, column: 2 });
  });

  it('the feed shows the envelope\'s type, or says there is none', () => {
    expect(event.summarize!(message())).toBe('type call.completed at 2026-11-29T14:03:27.512Z');
    expect(event.summarize!({ event: 'x', id: 1 })).toBe('no type (not the {type, timestamp, data} envelope): 2 top-level fields');
  });

  it('is found under its alias svix', () => {
    expect(findVendor('svix')).toBe(standardWebhooks);
    expect(findVendor('standard-webhooks')).toBe(standardWebhooks);
  });
});

describe('detection: the fallback vendor', () => {
  it('a body with webhook-* headers that no other vendor recognises is a message', () => {
    expect(detect(message(), HEADERS)).toMatchObject({ ok: true, vendor: { id: 'standard-webhooks' }, event: { name: 'message' }, part: 'request' });
    expect(detect({ anything: 1 }, { 'webhook-id': 'msg_1' })).toMatchObject({ ok: true, vendor: { id: 'standard-webhooks' } });
  });

  it("Svix's own header names count the same", () => {
    expect(detect(message(), SVIX)).toMatchObject({ ok: true, vendor: { id: 'standard-webhooks' } });
  });

  it('never by shape alone: a saved body (no headers) is undetected, and the message says why', () => {
    expect(detect(message())).toMatchObject({ ok: false, why: 'none' });
    const saved = validateText(text);
    expect(saved.valid).toBe(false);
    expect(saved.issues[0]!.code).toBe('undetected');
    expect(saved.issues[0]!.message).toContain('standard-webhooks (a saved body has no request headers, and a body is never standard-webhooks by its shape alone, even with the {type, timestamp, data} envelope');
    expect(saved.issues[0]!.message).toContain('--vendor standard-webhooks');
    // Received without the headers: the reason says so.
    const bare = detect(message(), { 'content-type': 'application/json' });
    expect(bare.ok).toBe(false);
    if (!bare.ok && bare.why === 'none') expect(bare.nearMisses.find((n) => n.vendor === 'standard-webhooks')!.reason).toMatch(/^the request has no webhook-id\/-timestamp\/-signature \(or svix-\*\) headers/);
  });

  it('a saved body that nobody recognises: the message says it may be standard-webhooks, and how to check it as one', () => {
    const plain = validateText('{"hello": "world"}');
    expect(plain.issues[0]!.message).toContain('standard-webhooks: a saved body has no request headers, and a body is never standard-webhooks by its shape alone: validate the listen log that recorded it, or name the vendor (--vendor standard-webhooks)');
  });

  it('named (--vendor, a route), a saved body is a message: the user said whose it is', () => {
    expect(detect(message(), undefined, standardWebhooks)).toMatchObject({ ok: true, vendor: { id: 'standard-webhooks' }, event: { name: 'message' } });
    expect(validateText(text, { vendor: standardWebhooks })).toMatchObject({ valid: true, vendor: 'standard-webhooks', event: 'message' });
  });

  it('no vendor claims the fixture by its body alone (every detect() is honest without headers)', () => {
    expect(vendors.filter((v) => v.detect(message()).match)).toEqual([]);
  });

  it("OpenAI's bodies carry the same headers and stay openai, unknown types included", () => {
    const body = allFixtures().find((f) => f.vendor === 'openai' && f.event === 'realtime.call.incoming')!.body;
    expect(detect(body, HEADERS)).toMatchObject({ ok: true, vendor: { id: 'openai' } });
    expect(detect({ ...body, type: 'batch.completed' }, HEADERS)).toMatchObject({ ok: false, why: 'unknown-event', vendor: { id: 'openai' } });
  });

  it('every other vendor\'s fixture, delivered with webhook-* headers, stays its own', () => {
    for (const f of allFixtures()) {
      if (f.vendor === 'standard-webhooks') continue;
      const got = detect(f.body, HEADERS);
      expect(got.ok && [got.vendor.id, got.event.name, got.part], f.file).toEqual([f.vendor, f.event, f.part]);
    }
  });

  it('a vendor\'s unknown event keeps the body from the fallback (Relyable\'s envelope with its agent_id)', () => {
    const body = { ...allFixtures().find((f) => f.event === 'test_run.completed')!.body, event: 'test_run.started' };
    expect(detect(body, HEADERS)).toMatchObject({ ok: false, why: 'unknown-event', vendor: { id: 'relyable' } });
  });

  it('an ElevenLabs {type, event_timestamp, data} body is ElevenLabs\' when it knows the type, even with Standard Webhooks headers; a body nobody knows is a message', () => {
    expect(detect(elevenBody, HEADERS)).toMatchObject({ ok: true, vendor: { id: 'elevenlabs' } });
    expect(detect({ ...elevenBody, type: 'post_call_summary' }, HEADERS)).toMatchObject({ ok: false, why: 'unknown-event', vendor: { id: 'elevenlabs' } });
    expect(detect({ type: 'invoice.paid', timestamp: '2025-10-09T12:00:00Z', data: { id: 'in_1' } }, HEADERS)).toMatchObject({ ok: true, vendor: { id: 'standard-webhooks' } });
    expect(detect(elevenBody)).toMatchObject({ ok: true, vendor: { id: 'elevenlabs' } });
  });

  it('the fallback is asked only when nobody else matched; the registry order does not matter', () => {
    const first = [standardWebhooks, ...vendors.filter((v) => v !== standardWebhooks)];
    expect(detect(allFixtures().find((f) => f.vendor === 'openai')!.body, HEADERS, undefined, first)).toMatchObject({ ok: true, vendor: { id: 'openai' } });
    expect(detect(message(), HEADERS, undefined, first)).toMatchObject({ ok: true, vendor: { id: 'standard-webhooks' } });
  });

  it('two fallback vendors that both take a body are ambiguous, as two others would be', () => {
    const twin = { ...standardWebhooks, id: 'twin' };
    expect(detect(message(), HEADERS, undefined, [...vendors, twin])).toMatchObject({ ok: false, why: 'ambiguous' });
  });

  it('detection asks each vendor at most twice (linear in the vendors)', () => {
    let calls = 0;
    const counted = vendors.map((v) => ({ ...v, detect: (b: unknown, h?: Record<string, string | undefined>) => (calls++, v.detect(b, h)) }));
    detect({ nothing: true }, HEADERS, undefined, counted);
    expect(calls).toBeLessThanOrEqual(2 * vendors.length);
    calls = 0;
    detect({ nothing: true }, undefined, undefined, counted);
    expect(calls).toBeLessThanOrEqual(2 * vendors.length);
  });
});

describe('standard-webhooks signing', () => {
  it('the reference libraries\' known answer, through the vendor', () => {
    expect(verifyRequest(standardWebhooks, VECTOR)).toEqual({ valid: true });
    expect(signRequest(standardWebhooks, { body: VECTOR.body, secret: VECTOR.secret, timestampMs: VECTOR.nowMs, id: VECTOR.headers['webhook-id'] })).toEqual({ headers: VECTOR.headers });
    // The prefix is optional: the same key without whsec_.
    expect(verifyRequest(standardWebhooks, { ...VECTOR, secret: VECTOR.secret.slice(6) })).toEqual({ valid: true });
  });

  it('the known answer under Svix\'s header names: valid, and the verdict says which names were read', () => {
    const svix = svixOf(VECTOR.headers);
    expect(verifyRequest(standardWebhooks, { ...VECTOR, headers: svix })).toEqual({ valid: true, detail: "read from the svix-id, svix-timestamp and svix-signature headers (Svix's names)" });
    const changed = Buffer.from(VECTOR.body.toString().replace('2432232314', '2432232315'));
    expect(verifyRequest(standardWebhooks, { ...VECTOR, body: changed, headers: svix })).toMatchObject({ valid: false, reason: 'mismatch', detail: expect.stringContaining('svix-signature headers') });
    const { 'svix-id': _id, ...noId } = svix;
    expect(verifyRequest(standardWebhooks, { ...VECTOR, headers: noId })).toMatchObject({ valid: false, reason: 'missing', detail: expect.stringMatching(/^no svix-id header/) });
  });

  it('webhook-signature, when present, is read before the svix-* names', () => {
    const headers = { ...VECTOR.headers, 'svix-id': 'other', 'svix-timestamp': '1', 'svix-signature': 'v1,AAAA' };
    expect(verifyRequest(standardWebhooks, { ...VECTOR, headers })).toEqual({ valid: true });
    expect(standardWebhooks.signing!.alsoAccepted).toEqual(['svix-signature']);
  });

  it('an unprefixed secret is base64-decoded, as the standardwebhooks library does (OpenAI reads it as text)', () => {
    const secret = 'c2VjcmV0LWtleS0xMjM0';
    const body = Buffer.from(JSON.stringify(message()));
    const headers = sign(body, secret, Date.now());
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    const ts = headers['webhook-timestamp'];
    const asText = createHmac('sha256', secret).update(`${headers['webhook-id']}.${ts}.${body}`).digest('base64');
    expect(verify(body, secret, { ...headers, 'webhook-signature': `v1,${asText}` }, Date.now())).toMatchObject({ valid: false, diagnosis: 'made with the secret used as text; this vendor base64-decodes what follows whsec_' });
  });

  it('5 minutes either way; a rotated key header with one good entry is valid', () => {
    const body = Buffer.from(JSON.stringify(message()));
    expect(verify(body, SECRET, sign(body, SECRET, NOW - 360_000))).toMatchObject({ valid: false, reason: 'expired', ageMs: 360_000, windowMs: 300_000 });
    expect(verify(body, SECRET, sign(body, SECRET, NOW + 360_000))).toMatchObject({ valid: false, reason: 'future' });
    const good = sign(body, SECRET);
    const old = sign(body, 'whsec_cm90YXRlZC1hd2F5LWtleS0wMDAwMDAwMDA=')['webhook-signature'];
    expect(verify(body, SECRET, { ...good, 'webhook-signature': `${old} v1a,bm90LWNoZWNrZWQ= ${good['webhook-signature']}` })).toEqual({ valid: true });
  });

  it('v1a: signed with a whsk_ key, verified with the whpk_ key, through the vendor', () => {
    const pair = generateEd25519Pair();
    const body = Buffer.from(JSON.stringify(message()));
    const headers = sign(body, pair.secret);
    expect(headers['webhook-signature']).toMatch(/^v1a,/);
    expect(verify(body, pair.public, headers)).toEqual({ valid: true, detail: 'v1a (ed25519)' });
    expect(verify(body, pair.public, svixOf(headers))).toEqual({ valid: true, detail: "v1a (ed25519); read from the svix-id, svix-timestamp and svix-signature headers (Svix's names)" });
    expect(verify(Buffer.from(body.toString().replace('184', '185')), pair.public, headers)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('seeded: sign and verify never throw, and whatever is signed verifies', () => {
    const rnd = rng(1414);
    const pieces = ['', 'whsec_', 'whsk_', 'whpk_', 'v1,', 'v1a,', ' ', ',', '.', 'a', 'Zm9v', 'AAAA', '==', '\u0000', 'é', String(NOW / 1000)];
    const junk = () => Array.from({ length: Math.floor(rnd() * 8) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    const pair = generateEd25519Pair();
    for (let i = 0; i < 1500; i++) {
      const body = Buffer.from(junk());
      const secret = i % 10 === 0 ? pair.secret : junk();
      const prefix = rnd() < 0.5 ? 'webhook' : 'svix';
      const headers = { [`${prefix}-id`]: junk(), [`${prefix}-timestamp`]: junk(), [`${prefix}-signature`]: junk() };
      // A throw fails the test: verify and sign answer whatever they are given.
      expect(verify(body, secret, headers).valid).toBe(false);
      const signed = signRequest(standardWebhooks, { body, secret, timestampMs: NOW });
      if (signed) expect(verify(body, secret, signed.headers).valid).toBe(true);
      if (signed && prefix === 'svix') expect(verify(body, secret, svixOf(signed.headers)).valid).toBe(true);
    }
  });
});

describe('listen: inspect() with a whpk_ key and with svix-* headers', () => {
  const ctx = (secret: string): InspectContext => ({ secrets: new Map([['standard-webhooks', secret]]), vendors, dedupe: new DedupeMemory(), now: () => NOW });
  const body = Buffer.from(JSON.stringify(message()));
  const record = (r: ReturnType<typeof inspect>): ListenRecord =>
    ({ kind: LOG_RECORD_KIND, version: 1, id: 1, time: '2026-11-29T14:03:28.000Z', method: 'POST', path: '/sw', headers: {}, body: body.toString(), bodyEncoding: 'utf8', response: { status: 200, by: 'listener' }, ...r }) as ListenRecord;

  it('v1a: valid with the public key, and the feed says how it was checked', () => {
    const pair = generateEd25519Pair();
    const got = inspect(body, sign(body, pair.secret), ctx(pair.public));
    expect(got).toMatchObject({ vendor: 'standard-webhooks', event: 'message', signature: { state: 'valid', header: 'webhook-signature', detail: 'v1a (ed25519)' }, schema: { state: 'valid' }, summary: 'type call.completed at 2026-11-29T14:03:27.512Z' });
    expect(feedEntry(record(got), makeChalk(false))).toContain('✓ signature valid (v1a (ed25519))');
    const tampered = Buffer.from(body.toString().replace('inbound', 'outbound'));
    expect(inspect(tampered, sign(body, pair.secret), ctx(pair.public)).signature).toMatchObject({ state: 'invalid', reason: 'wrong secret or body changed' });
  });

  it('svix-* headers: detected, verified, and the record names the header read', () => {
    const got = inspect(body, svixOf(sign(body, SECRET)), ctx(SECRET));
    expect(got).toMatchObject({ vendor: 'standard-webhooks', signature: { state: 'valid', header: 'svix-signature', detail: expect.stringContaining('svix-id, svix-timestamp and svix-signature') } });
    expect(feedEntry(record(got), makeChalk(false))).toContain("✓ signature valid (read from the svix-id, svix-timestamp and svix-signature headers (Svix's names))");
  });

  it('a retry (same webhook-id, a new timestamp and signature) is a duplicate', () => {
    const c = ctx(SECRET);
    const first = inspect(body, sign(body, SECRET, NOW, 'msg_retry'), c);
    const again = inspect(body, sign(body, SECRET, NOW + 5_000, 'msg_retry'), c);
    const other = inspect(body, sign(body, SECRET, NOW + 6_000, 'msg_other'), c);
    expect(first.duplicate).toBeUndefined();
    expect(again.duplicate).toMatchObject({ key: 'standard-webhooks:msg_retry', attempt: 2 });
    expect(other.duplicate).toBeUndefined();
  });
});

describe('standard-webhooks delivery', () => {
  const { delivery } = standardWebhooks;

  it("Svix's schedule, 2xx within 15 s, a 3xx is a failure", () => {
    expect(delivery.retryDelaysMs).toMatchObject({ value: [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000], provenance: 'documented' });
    expect(delivery.timeoutMs).toMatchObject({ value: 15_000, provenance: 'documented' });
    expect(judgeStatus(standardWebhooks, 202).delivered).toBe(true);
    expect(judgeStatus(standardWebhooks, 301, '/elsewhere')).toMatchObject({ delivered: false, kind: 'redirect' });
    expect(judgeStatus(standardWebhooks, 500)).toMatchObject({ delivered: false, kind: 'rejected' });
  });

  it('the dedupe key is webhook-id (or svix-id); a saved body has none', () => {
    expect(delivery.dedupeKey.key(message(), { 'webhook-id': 'msg_a' })).toBe('msg_a');
    expect(delivery.dedupeKey.key(message(), { 'svix-id': 'msg_b' })).toBe('msg_b');
    expect(delivery.dedupeKey.key(message())).toBeUndefined();
  });

  it('secrets: its own variables, then Svix\'s', () => {
    expect(standardWebhooks.secretEnv).toEqual(['STANDARD_WEBHOOKS_SECRET', 'SVIX_WEBHOOK_SECRET']);
  });

  it('replay signs every retry with the same webhook-id and a new timestamp, as the spec requires', async () => {
    const seen: Record<string, string>[] = [];
    const dispatcher = new MswDispatcher([
      http.post('http://receiver.test/hooks', ({ request }) => {
        seen.push(Object.fromEntries(request.headers));
        return new HttpResponse(null, { status: seen.length < 3 ? 503 : 200 });
      }),
    ]);
    const clock = new VirtualClock();
    const report = await clock.run(replay({ paths: [FIXTURE], url: 'http://receiver.test/hooks', vendor: 'svix', secret: [SECRET], env: {}, clock, dispatcher, speed: 'max' }));
    expect(report.events[0]!.succeeded).toBe(true);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((h) => h['webhook-id'])).size).toBe(1);
    for (const h of seen) expect(() => new Webhook(SECRET).verify(Buffer.from(JSON.stringify(message())), h)).not.toThrow();
  });
});
