// ElevenLabs Agents: the fixtures against their schemas (and broken copies, located in the text),
// detection among every vendor's bodies, the ElevenLabs-Signature recipe, its one-sided window, the
// mistakes integrators make with it, and the delivery and reply rules with their provenance.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeStatus } from '../../../src/delivery/judge.js';
import { deadlineFor, judgeDeadline, judgeReplyBody } from '../../../src/delivery/reply.js';
import { compilePatterns, redactBody, REDACTED } from '../../../src/record/redact.js';
import { validateText } from '../../../src/schema/validate.js';
import { schemeFor } from '../../../src/signing/signature.js';
import type { HeaderBag, SignatureVerdict } from '../../../src/signing/types.js';
import { detect } from '../../../src/vendors/detect.js';
import { elevenlabs } from '../../../src/vendors/elevenlabs.js';
import { vendors } from '../../../src/vendors/index.js';
import type { BodyPart, EventDefinition, SigningScheme } from '../../../src/vendors/types.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { rng } from '../../helpers/mutants.js';

type Body = Record<string, any>;
const fixtureDir = new URL('../../../fixtures/elevenlabs/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, fixtureDir), 'utf8');
const load = (name: string): Body => JSON.parse(text(name)) as Body;
const event = (name: string): EventDefinition => elevenlabs.events.find((e) => e.name === name)!;
const scheme = elevenlabs.signing as SigningScheme;

const SECRET = 'wsec_8c1f0e6a4b2d9c7e5f3a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e';
const NOW = 1_760_012_200_000;
const MIN = 60_000;
const hex = (secret: string | Buffer, message: string | Buffer) => createHmac('sha256', secret).update(message).digest('hex');
/** The documented recipe: `t=<s>,v0=` + hex HMAC-SHA256(secret as text, "<t>.<raw body>"). */
const recipe = (raw: string, t: number | string, secret = SECRET) => `t=${t},v0=${hex(secret, `${t}.${raw}`)}`;
const verify = (raw: string | Buffer, header: string | undefined, extra: { nowMs?: number; secret?: string; otherSecrets?: Map<string, string> } = {}): SignatureVerdict => {
  const headers: HeaderBag = header === undefined ? {} : { 'elevenlabs-signature': header };
  return scheme.verify({ body: Buffer.from(raw), secret: extra.secret ?? SECRET, headers, nowMs: extra.nowMs ?? NOW, otherSecrets: extra.otherSecrets });
};

describe('elevenlabs vendor definition', () => {
  it('has its identity, events and secret variable', () => {
    expect([elevenlabs.id, elevenlabs.aliases, elevenlabs.secretEnv]).toEqual(['elevenlabs', ['eleven'], ['ELEVENLABS_WEBHOOK_SECRET']]);
    expect(elevenlabs.events.map((e) => e.name)).toEqual(['post_call_transcription', 'post_call_audio', 'call_initiation_failure', 'conversation_initiation']);
  });
});

describe('elevenlabs fixtures', () => {
  const cases: { fixture: string; event: string; part: BodyPart }[] = [
    { fixture: 'post_call_transcription.json', event: 'post_call_transcription', part: 'request' },
    { fixture: 'post_call_audio.json', event: 'post_call_audio', part: 'request' },
    { fixture: 'call_initiation_failure.json', event: 'call_initiation_failure', part: 'request' },
    { fixture: 'call_initiation_failure.twilio.json', event: 'call_initiation_failure', part: 'request' },
    { fixture: 'conversation_initiation.json', event: 'conversation_initiation', part: 'request' },
    { fixture: 'conversation_initiation.reply.json', event: 'conversation_initiation', part: 'reply' },
  ];

  it('every declared fixture is in the table', () => {
    const declared = elevenlabs.events.flatMap((e) => [...e.fixtures, ...(e.reply?.fixtures ?? [])]);
    expect(declared.sort()).toEqual(cases.map((c) => c.fixture).sort());
  });

  it.each(cases)('$fixture validates with no issues and is detected as $event ($part)', ({ fixture, event: name, part }) => {
    const schema = part === 'reply' ? event(name).reply!.schema : event(name).schema;
    expect(schema.safeParse(load(fixture)).success).toBe(true);
    expect(validateText(text(fixture))).toMatchObject({ valid: true, vendor: 'elevenlabs', event: name, part, issues: [] });
    expect(elevenlabs.detect(load(fixture))).toMatchObject({ match: true, event: name, part });
  });

  it.each(cases)('$fixture is pretty-printed with 2 spaces', ({ fixture }) => {
    expect(text(fixture).trimEnd()).toBe(JSON.stringify(JSON.parse(text(fixture)), null, 2));
  });

  it.each([
    ['post_call_transcription', 'post_call_transcription.json', 'done, success, 42 s, 7 turns, Call ended by remote party'],
    ['post_call_audio', 'post_call_audio.json', 'conversation conv_01k2a7h3n9e8f5q6r4t2y1u0wz, 202 bytes of MP3 audio'],
    ['call_initiation_failure', 'call_initiation_failure.json', 'busy (SIP 486 Busy Here), conversation conv_01k2a9p6d3b1x8c4v7n2m5q0rt'],
    ['call_initiation_failure', 'call_initiation_failure.twilio.json', 'no-answer (Twilio CallStatus no-answer), conversation conv_01k2a9r2f7g4h1j8k5l3z6x9cv'],
    ['conversation_initiation', 'conversation_initiation.json', '+15550100001 → +15550100002 (agent agent_01jz8q4m7sfe2b3c9xk5wd6v0r)'],
  ])('summarizes %s (%s)', (name, fixture, line) => {
    expect(event(name).summarize!(load(fixture))).toBe(line);
  });

  it('the audio is an MP3 (ID3 tag, then an MPEG frame header)', () => {
    const audio = Buffer.from(load('post_call_audio.json').data.full_audio as string, 'base64');
    expect(audio.subarray(0, 3).toString('latin1')).toBe('ID3');
    expect([...audio.subarray(10, 12)]).toEqual([0xff, 0xfb]);
  });
});

/** The character at the issue's line:column of a text (1-based). */
const at = (source: string, line: number | undefined, column: number | undefined) => source.split('\n')[line! - 1]!.slice(column! - 1);

describe('elevenlabs broken copies: the issue, its severity and where it is in the file', () => {
  // `value`: what the location must point at (the value itself, or `{` of the parent of a missing field).
  const cases: { name: string; fixture: string; mutate: (b: Body) => void; code: string; path: string; severity: 'error' | 'warning'; value: string }[] = [
    { name: 'a status the model does not have', fixture: 'post_call_transcription.json', mutate: (b) => (b.data.status = 'completed'), code: 'bad-enum', path: '$.data.status', severity: 'error', value: '"completed"' },
    { name: 'event_timestamp as a string', fixture: 'post_call_transcription.json', mutate: (b) => (b.event_timestamp = '1760012139'), code: 'wrong-type', path: '$.event_timestamp', severity: 'error', value: '"1760012139"' },
    { name: 'event_timestamp with a fraction', fixture: 'post_call_audio.json', mutate: (b) => (b.event_timestamp = 1760012141.5), code: 'wrong-type', path: '$.event_timestamp', severity: 'error', value: '1760012141.5' },
    { name: 'has_audio missing', fixture: 'post_call_transcription.json', mutate: (b) => delete b.data.has_audio, code: 'missing-field', path: '$.data.has_audio', severity: 'error', value: '{' },
    { name: 'a turn by a caller role', fixture: 'post_call_transcription.json', mutate: (b) => (b.data.transcript[1].role = 'caller'), code: 'bad-enum', path: '$.data.transcript[1].role', severity: 'error', value: '"caller"' },
    { name: 'a turn without time_in_call_secs', fixture: 'post_call_transcription.json', mutate: (b) => delete b.data.transcript[3].time_in_call_secs, code: 'missing-field', path: '$.data.transcript[3].time_in_call_secs', severity: 'error', value: '{' },
    { name: 'call_successful outside its enum', fixture: 'post_call_transcription.json', mutate: (b) => (b.data.analysis.call_successful = 'maybe'), code: 'bad-enum', path: '$.data.analysis.call_successful', severity: 'error', value: '"maybe"' },
    { name: 'a dynamic variable that is an object', fixture: 'post_call_transcription.json', mutate: (b) => (b.data.conversation_initiation_client_data.dynamic_variables.patient_name = { first: 'Marta' }), code: 'no-variant-matched', path: '$.data.conversation_initiation_client_data.dynamic_variables.patient_name', severity: 'error', value: '{' },
    { name: 'a new phone-call type (drift)', fixture: 'post_call_transcription.json', mutate: (b) => (b.data.metadata.phone_call.type = 'vonage'), code: 'unknown-enum-value', path: '$.data.metadata.phone_call.type', severity: 'warning', value: '"vonage"' },
    { name: 'a new field in data (drift)', fixture: 'post_call_transcription.json', mutate: (b) => (b.data.sentiment = 'positive'), code: 'unknown-field', path: '$.data.sentiment', severity: 'warning', value: '"positive"' },
    { name: 'full_audio that is not base64', fixture: 'post_call_audio.json', mutate: (b) => (b.data.full_audio = 'not base64!'), code: 'bad-format', path: '$.data.full_audio', severity: 'error', value: '"not base64!"' },
    { name: 'a new failure reason (drift)', fixture: 'call_initiation_failure.json', mutate: (b) => (b.data.failure_reason = 'rejected'), code: 'unknown-enum-value', path: '$.data.failure_reason', severity: 'warning', value: '"rejected"' },
    { name: 'a SIP status code as a string', fixture: 'call_initiation_failure.json', mutate: (b) => (b.data.metadata.body.sip_status_code = '486'), code: 'wrong-type', path: '$.data.metadata.body.sip_status_code', severity: 'error', value: '"486"' },
    { name: 'a SIP body without error_reason', fixture: 'call_initiation_failure.json', mutate: (b) => delete b.data.metadata.body.error_reason, code: 'missing-field', path: '$.data.metadata.body.error_reason', severity: 'error', value: '{' },
    { name: 'a Twilio parameter that is not a string', fixture: 'call_initiation_failure.twilio.json', mutate: (b) => (b.data.metadata.body.SipResponseCode = 487), code: 'wrong-type', path: '$.data.metadata.body.SipResponseCode', severity: 'error', value: '487' },
    { name: 'a Twilio body without CallSid', fixture: 'call_initiation_failure.twilio.json', mutate: (b) => delete b.data.metadata.body.CallSid, code: 'missing-field', path: '$.data.metadata.body.CallSid', severity: 'error', value: '{' },
    { name: 'a provider the docs do not list (drift; its body is not checked)', fixture: 'call_initiation_failure.json', mutate: (b) => (b.data.metadata = { type: 'exotel', body: { CallSid: 7 } }), code: 'unknown-enum-value', path: '$.data.metadata.type', severity: 'warning', value: '"exotel"' },
    { name: 'caller_id as a number', fixture: 'conversation_initiation.json', mutate: (b) => (b.caller_id = 15550100001), code: 'wrong-type', path: '$.caller_id', severity: 'error', value: '15550100001' },
  ];

  it.each(cases)('$name → $code at $path', (c) => {
    const body = structuredClone(load(c.fixture));
    c.mutate(body);
    const source = JSON.stringify(body, null, 2);
    const result = validateText(source);
    expect([result.vendor, result.event]).toEqual(['elevenlabs', c.fixture.replace(/(\.twilio)?\.json$/, '')]);
    expect(result.issues.map((i) => [i.code, i.path, i.severity])).toEqual([[c.code, c.path, c.severity]]);
    expect(result.valid).toBe(c.severity === 'warning');
    const [issue] = result.issues;
    expect(at(source, issue!.line, issue!.column).startsWith(c.value)).toBe(true);
  });

  it('a missing field points at the line of its parent object', () => {
    const body = load('call_initiation_failure.json');
    delete body.data.metadata.body.call_sid;
    const source = JSON.stringify(body, null, 2);
    const [issue] = validateText(source).issues;
    expect(issue!.line).toBe(source.split('\n').findIndex((l) => l.includes('"body": {')) + 1);
  });
});

describe('elevenlabs detection', () => {
  const sig = { 'elevenlabs-signature': 't=1760012139,v0=00' };
  const openAiLike = { object: 'event', id: 'evt_685343a1381c819085d44c354e1b330e', type: 'realtime.call.incoming', created_at: 1750287018, data: { call_id: 'rtc_479a275623b54bdb9b6fbae2f7cbd408', sip_headers: [] } };
  const standardLike = { type: 'invoice.paid', timestamp: '2025-10-09T12:00:00Z', data: { id: 'in_1' } };
  const bluejayTyped = { type: 'simulation_ended', id: 1, digital_human_id: 2, simulation_run_id: 3, status: 'COMPLETED' };
  const bluejayUnknown = { type: 'simulation_paused', id: 1, digital_human_id: 2, simulation_run_id: 3 };

  it.each([
    ['OpenAI-like {object:"event", type, created_at, data}', openAiLike],
    ['Standard Webhooks {type, timestamp, data}', standardLike],
    ['a Bluejay body', bluejayTyped],
    ['a Bluejay body with a new type', bluejayUnknown],
  ])('does not claim %s, nor call its type an unknown ElevenLabs event', (_name, body) => {
    const result = elevenlabs.detect(body);
    expect(result).toMatchObject({ match: false });
    if (!result.match) {
      expect(result.resemblance).toBeLessThan(0.5);
      expect(result.unknownEvent).toBeUndefined();
    }
  });

  it('an OpenAI body is OpenAI\'s, even under an ElevenLabs-Signature header: a body a vendor knows beats a header', () => {
    expect(detect(openAiLike)).toMatchObject({ ok: true, vendor: { id: 'openai' } });
    expect(detect(openAiLike, sig)).toMatchObject({ ok: true, vendor: { id: 'openai' } });
  });

  it('the envelope with a type hookscope does not know is an unknown ElevenLabs event', () => {
    const body = { type: 'post_call_summary', event_timestamp: 1760012139, data: { conversation_id: 'conv_1' } };
    expect(elevenlabs.detect(body)).toMatchObject({ match: false, resemblance: 0.8, unknownEvent: 'post_call_summary' });
    expect(detect(body)).toMatchObject({ ok: false, why: 'unknown-event', vendor: { id: 'elevenlabs' }, event: 'post_call_summary' });
  });

  it('a Bluejay body with a new type stays Bluejay\'s unknown event, not ElevenLabs\'', () => {
    expect(detect(bluejayUnknown)).toMatchObject({ ok: false, why: 'unknown-event', vendor: { id: 'bluejay' } });
  });

  it('a post-call type claims the body even without event_timestamp, so that validation names what is missing', () => {
    expect(elevenlabs.detect({ type: 'post_call_audio', data: {} })).toMatchObject({ match: true, event: 'post_call_audio' });
    expect(elevenlabs.detect({ type: 'post_call_audio' })).toMatchObject({ match: false, resemblance: 0.8 });
  });

  it.each([
    [{ caller_id: '+1', called_number: '+2' }, 'call_sid'],
    [{ call_sid: 'CA1' }, 'caller_id'],
  ])('part of a conversation-initiation request is a near miss naming what is missing: %j', (body, missing) => {
    const result = elevenlabs.detect(body);
    expect(result).toMatchObject({ match: false, resemblance: 0.5 });
    if (!result.match) expect(result.reason).toContain(missing);
  });

  it('an agent_id alone (every vendor has one) is not a near miss', () => {
    expect(elevenlabs.detect({ agent_id: 'a' })).toMatchObject({ match: false, resemblance: 0 });
  });

  it('no other vendor\'s fixture resembles ElevenLabs', () => {
    for (const f of allFixtures().filter((x) => x.vendor !== 'elevenlabs')) {
      const result = elevenlabs.detect(f.body);
      expect(result.match, f.file).toBe(false);
      if (!result.match) expect([result.resemblance, result.unknownEvent], f.file).toEqual([0, undefined]);
    }
  });

  it('no other vendor claims an ElevenLabs body', () => {
    for (const f of allFixtures().filter((x) => x.vendor === 'elevenlabs')) {
      expect(vendors.filter((v) => v.id !== 'elevenlabs' && v.detect(f.body).match).map((v) => v.id), f.file).toEqual([]);
    }
  });
});

describe('elevenlabs signing: the documented recipe', () => {
  const raw = JSON.stringify(load('post_call_transcription.json'));
  const t = NOW / 1000;

  it('describes the scheme, each fact documented', () => {
    expect(scheme.headers.value).toEqual(['elevenlabs-signature']);
    expect(scheme.timestamp!.value).toEqual({ unit: 's', pastMs: 30 * MIN });
    for (const fact of [scheme.headers, scheme.format, scheme.algorithm, scheme.encoding, scheme.key, scheme.signedBytes, scheme.timestamp!]) expect(fact.provenance).toBe('documented');
  });

  it('sign() is t=<unix s>,v0=<lower-case hex HMAC-SHA256 of "t.body"> with the secret as text', () => {
    expect(scheme.sign({ body: Buffer.from(raw), secret: SECRET, timestampMs: NOW + 999 })).toEqual({ headers: { 'elevenlabs-signature': recipe(raw, t) } });
    expect(recipe(raw, t)).toMatch(/^t=\d{10},v0=[0-9a-f]{64}$/);
  });

  it('verifies the recipe, in either order of its parts, and fails one changed byte or another secret', () => {
    expect(verify(raw, recipe(raw, t))).toEqual({ valid: true });
    const [ts, v0] = recipe(raw, t).split(',');
    expect(verify(raw, `${v0},${ts}`)).toEqual({ valid: true });
    expect(verify(raw.replace('"busy"', '"busx"').replace('42', '43'), recipe(raw, t))).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verify(raw, recipe(raw, t), { secret: `${SECRET}x` })).toMatchObject({ valid: false, reason: 'mismatch', detail: 'signature does not match: wrong secret, or the signed bytes changed' });
  });

  it.each([
    ['29 minutes old', -29 * MIN, { valid: true }],
    ['31 minutes old: expired, with its age and the window', -31 * MIN, { valid: false, reason: 'expired', ageMs: 31 * MIN, windowMs: 30 * MIN }],
    ['an hour ahead: valid, as constructEvent checks no future', 60 * MIN, { valid: true }],
    ['a year ahead: still valid', 365 * 24 * 60 * MIN, { valid: true }],
  ])('window: %s', (_name, offset, verdict) => {
    const ts = (NOW + offset) / 1000;
    expect(verify(raw, recipe(raw, ts))).toMatchObject(verdict);
  });

  it('an expired signature says it matched otherwise', () => {
    const verdict = verify(raw, recipe(raw, t - 31 * 60));
    expect(verdict).toMatchObject({ valid: false, reason: 'expired', detail: 'the timestamp is 31 min old; the vendor\'s window is 30 min (the signature itself matches)' });
  });
});

describe('elevenlabs signing: the mistakes an integrator makes, named', () => {
  const body = load('call_initiation_failure.json');
  const pretty = JSON.stringify(body, null, 2);
  const t = NOW / 1000;
  const sig = (message: string | Buffer, secret: string | Buffer = SECRET) => hex(secret, message);

  it.each<[string, string, string, Partial<SignatureVerdict>]>([
    ['the body re-serialised (the app signed JSON.stringify of the parsed body)', pretty, `t=${t},v0=${sig(`${t}.${JSON.stringify(body)}`)}`, { reason: 'mismatch', diagnosis: expect.stringContaining('re-serialised (JSON.stringify of the parsed body)') }],
    ['`t.body` signed as `body.t`', pretty, `t=${t},v0=${sig(`${pretty}.${t}`)}`, { reason: 'mismatch', diagnosis: 'it signs `{body}.{timestamp}` instead of `{timestamp}.{body}`' }],
    ['`t.body` signed without the dot', pretty, `t=${t},v0=${sig(`${t}${pretty}`)}`, { reason: 'mismatch', diagnosis: 'it signs `{timestamp}{body}` instead of `{timestamp}.{body}`' }],
    ['signed over the time in ms, header in seconds', pretty, `t=${t},v0=${sig(`${NOW}.${pretty}`)}`, { reason: 'mismatch', diagnosis: expect.stringContaining('signed timestamp is in milliseconds') }],
    ['signed over the time in seconds, header in ms', pretty, `t=${NOW},v0=${sig(`${t}.${pretty}`)}`, { reason: 'mismatch', diagnosis: expect.stringContaining('signed timestamp is in seconds') }],
    ['base64 instead of hex', pretty, `t=${t},v0=${createHmac('sha256', SECRET).update(`${t}.${pretty}`).digest('base64')}`, { reason: 'malformed', diagnosis: 'the signature is base64 where the vendor sends hex' }],
    ['upper-case hex (constructEvent compares strings)', pretty, `t=${t},v0=${sig(`${t}.${pretty}`).toUpperCase()}`, { reason: 'loose' }],
    ['no v0', pretty, `t=${t}`, { reason: 'malformed' }],
    ['no header', pretty, undefined as unknown as string, { reason: 'missing' }],
  ])('%s', (_name, raw, header, verdict) => {
    expect(verify(raw, header)).toMatchObject({ valid: false, ...verdict });
  });

  it('the secret of another vendor configured in the same listener', () => {
    const header = `t=${t},v0=${sig(`${t}.${pretty}`, 'rel-secret')}`;
    expect(verify(pretty, header, { otherSecrets: new Map([['relyable', 'rel-secret']]) })).toMatchObject({ valid: false, diagnosis: 'it was made with the secret configured for relyable' });
  });

  it('a timestamp in ms used consistently passes, as it passes constructEvent (no future check)', () => {
    expect(verify(pretty, `t=${NOW},v0=${sig(`${NOW}.${pretty}`)}`)).toEqual({ valid: true });
  });
});

describe('elevenlabs signing never throws (seeded)', () => {
  const rnd = rng(0x11ab5);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const alphabet = ['t=', 'v0=', 'v1=', ',', ', ', ' ', '=', '.', 'wsec_', 'é', '\u0000', '\uffff', 'a', 'f', '0', '9', '-', '1760012139', '1760012139000', 'e3', 'Infinity', '{"type":"post_call_audio"}'];
  const junk = () => Array.from({ length: Math.floor(rnd() * 14) }, () => pick(alphabet)).join('');

  it('2,000 random headers, secrets and bodies: verify and sign answer, never throw', () => {
    for (let i = 0; i < 2000; i++) {
      const headers: HeaderBag = {};
      if (rnd() < 0.9) headers['elevenlabs-signature'] = rnd() < 0.1 ? [junk(), junk()] : junk();
      const body = Buffer.from(rnd() < 0.5 ? junk() : Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      const secret = junk();
      const nowMs = Math.floor(rnd() * 4e12);
      let verdict: SignatureVerdict | undefined;
      expect(() => (verdict = scheme.verify({ body, secret, headers, nowMs, otherSecrets: new Map([['x', junk()]]) }))).not.toThrow();
      expect(typeof verdict!.valid).toBe('boolean');
      expect(() => scheme.sign({ body, secret, timestampMs: nowMs })).not.toThrow();
    }
  });

  it('500 random bodies and secrets: what sign() makes, verify() accepts, and the recipe agrees', () => {
    for (let i = 0; i < 500; i++) {
      const body = Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      const secret = `${junk()}k`;
      const timestampMs = Math.floor(rnd() * 2e12);
      const header = scheme.sign({ body, secret, timestampMs })!.headers['elevenlabs-signature']!;
      const t = Math.floor(timestampMs / 1000);
      expect(header).toBe(`t=${t},v0=${hex(secret, Buffer.concat([Buffer.from(`${t}.`), body]))}`);
      expect(scheme.verify({ body, secret, headers: { 'elevenlabs-signature': header }, nowMs: timestampMs + Math.floor(rnd() * 30 * MIN) })).toEqual({ valid: true });
    }
  });
});

describe('elevenlabs delivery', () => {
  const { delivery } = elevenlabs;

  it('success is exactly 200 (documented)', () => {
    expect(delivery.success.provenance).toBe('documented');
    expect([200, 201, 202, 204, 301, 500].map((s) => delivery.success.isSuccess(s))).toEqual([true, false, false, false, false, false]);
  });

  it('retries 5xx, 429 and 408 only (and no answer, assumed), on the transcription ladder', () => {
    expect([500, 502, 503, 599, 429, 408, undefined].every((s) => delivery.retryOn!.isRetryable(s))).toBe(true);
    expect([400, 401, 403, 404, 409, 410, 422, 201].some((s) => delivery.retryOn!.isRetryable(s))).toBe(false);
    expect(delivery.retryOn!.note).toMatch(/Assumption: no answer/);
    expect(delivery.retryDelaysMs).toMatchObject({ value: [0, 30_000, 120_000, 480_000, 1_800_000], provenance: 'documented', override: '--schedule' });
    expect(delivery.retryDelaysMs.note).toMatch(/opt-in.*only for post_call_transcription.*up to 5 retries.*ambiguous.*one attempt/s);
  });

  it('says whether ElevenLabs would deliver again', () => {
    expect(judgeStatus(elevenlabs, 503).reason).toBe('elevenlabs counts 503 as a failed delivery (success is exactly 200) and would retry');
    expect(judgeStatus(elevenlabs, 404).reason).toBe('elevenlabs counts 404 as a failed delivery (success is exactly 200) and would not retry it (5xx, 429 and 408)');
  });

  it('the timeout is an assumption with its override', () => {
    expect(delivery.timeoutMs).toMatchObject({ value: 30_000, provenance: 'assumed', override: '--timeout' });
  });

  it('dedupes on type + conversation_id + event_timestamp; initiation requests have no key', () => {
    expect(delivery.dedupeKey.provenance).toBe('documented');
    expect(delivery.dedupeKey.key(load('post_call_transcription.json'))).toBe('post_call_transcription:conv_01k2a7h3n9e8f5q6r4t2y1u0wz:1760012139');
    // The audio of the same conversation is another delivery, not a retry of the transcription.
    expect(delivery.dedupeKey.key(load('post_call_audio.json'))).toBe('post_call_audio:conv_01k2a7h3n9e8f5q6r4t2y1u0wz:1760012141');
    expect(delivery.dedupeKey.key(load('conversation_initiation.json'))).toBeUndefined();
    expect(delivery.dedupeKey.key('nope')).toBeUndefined();
  });
});

describe('elevenlabs conversation initiation: unsigned, answered within an assumed deadline', () => {
  const initiation = event('conversation_initiation');
  const request = load('conversation_initiation.json');
  const judge = (reply: string) => judgeReplyBody(elevenlabs, initiation, reply, 'application/json', request);

  it('is signed with nothing, and says why', () => {
    expect(schemeFor(elevenlabs, { event: 'conversation_initiation' })).toBeNull();
    expect(schemeFor(elevenlabs, { event: 'post_call_audio' })).toBe(scheme);
    expect(initiation.signingNote).toMatch(/^not signed: .*custom headers.*secrets store/);
  });

  it('has an assumed 5 s deadline that --timeout overrides; 80 % of it warns, past it is late', () => {
    expect(initiation.reply!.deadlineMs).toMatchObject({ value: 5_000, provenance: 'assumed', override: '--timeout' });
    const { fact, hard } = deadlineFor(elevenlabs, initiation);
    expect([fact.value, hard]).toEqual([5_000, true]);
    expect(deadlineFor(elevenlabs, initiation, 8_000).fact.value).toBe(8_000);
    expect(judgeDeadline(3_900, fact).state).toBe('ok');
    expect(judgeDeadline(4_100, fact)).toMatchObject({ state: 'warn', message: 'close to the deadline: 4100 ms of the 5 s deadline (82 %), an assumed deadline' });
    expect(judgeDeadline(5_100, fact).state).toBe('late');
  });

  it('judges replies: the fixture is good; a wrong or missing type, or an object variable, is not', () => {
    expect(judge(text('conversation_initiation.reply.json'))).toMatchObject({ valid: true, issues: [] });
    expect(judge('{"type":"conversation_initiation_client_data"}')).toMatchObject({ valid: true });
    expect(judge('{"received":true}').issues.map((i) => [i.code, i.path])).toEqual([
      ['missing-field', '$.type'],
      ['unknown-field', '$.received'],
    ]);
    expect(judge('{"type":"client_data","dynamic_variables":{}}')).toMatchObject({ valid: false, issues: [{ code: 'bad-enum', path: '$.type' }] });
    expect(judge('{"type":"conversation_initiation_client_data","dynamic_variables":{"tier":{"level":3}}}')).toMatchObject({ valid: false, issues: [{ code: 'no-variant-matched', path: '$.dynamic_variables.tier' }] });
  });

  it('a system__ variable is ElevenLabs\' own: a warning', () => {
    const result = judge('{"type":"conversation_initiation_client_data","dynamic_variables":{"system__caller_id":"+1","name":"Ada"}}');
    expect(result.valid).toBe(true);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'reserved-variable', severity: 'warning', path: '$.dynamic_variables.system__caller_id' })]);
  });

  it('an empty reply is explained', () => {
    expect(judge('')).toMatchObject({ valid: false, empty: true, explanation: expect.stringContaining('dynamic variables') });
  });
});

describe('elevenlabs personal data for --redact', () => {
  const redacted = (name: string, fixture: string) => JSON.parse(redactBody(JSON.stringify(load(fixture)), compilePatterns(event(name).personal ?? []))) as Body;

  it('blanks transcript messages, the summary, data-collection values and dynamic variables', () => {
    const { data } = redacted('post_call_transcription', 'post_call_transcription.json');
    expect(new Set(data.transcript.map((turn: Body) => turn.message))).toEqual(new Set([REDACTED]));
    expect(data.analysis.transcript_summary).toBe(REDACTED);
    expect(data.analysis.data_collection_results.new_slot.value).toBe(REDACTED);
    expect(Object.values(data.conversation_initiation_client_data.dynamic_variables)).toEqual(Array(6).fill(REDACTED));
    expect(data.conversation_id).toBe('conv_01k2a7h3n9e8f5q6r4t2y1u0wz');
  });

  it('blanks the recording of the call', () => {
    expect(redacted('post_call_audio', 'post_call_audio.json').data.full_audio).toBe(REDACTED);
  });
});
