// Retell AI as data: its fixtures, schemas (with located issues), detection beside Synthflow's
// look-alike call_inbound, its signing scheme (the SDK's known answer, the window, the mistakes
// integrators make), delivery rules and redaction.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeDeadline, judgeReplyBody } from '../../../src/delivery/reply.js';
import { scanJson } from '../../../src/json/scan.js';
import { formatPath, parsePath } from '../../../src/json/values.js';
import { compilePatterns, redactBody } from '../../../src/record/redact.js';
import { validateText } from '../../../src/schema/validate.js';
import type { HeaderBag } from '../../../src/signing/types.js';
import { detect } from '../../../src/vendors/detect.js';
import { retell } from '../../../src/vendors/retell.js';
import { DISCONNECTION_REASONS } from '../../../src/vendors/retell-schemas.js';
import type { BodyPart, EventDefinition } from '../../../src/vendors/types.js';

const fixtureDir = new URL('../../../fixtures/retell/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, fixtureDir), 'utf8');
type Body = Record<string, any>;
const load = (name: string): Body => JSON.parse(text(name)) as Body;
const event = (name: string): EventDefinition => retell.events.find((e) => e.name === name)!;
const scheme = retell.signing!;

const KEY = 'key_2f1c9a7e5b3d4c8a9e0f1b2c';
const NOW = 1_760_550_100_000;
const hmacHex = (key: string, message: string | Buffer) => createHmac('sha256', key).update(message).digest('hex');
const verifyAt = (body: string | Buffer, headers: HeaderBag, extra: { secret?: string; nowMs?: number; otherSecrets?: Map<string, string> } = {}) =>
  scheme.verify({ body: Buffer.from(body), secret: extra.secret ?? KEY, headers, nowMs: extra.nowMs ?? NOW, otherSecrets: extra.otherSecrets });
const header = (v: string | number, d: string) => ({ 'x-retell-signature': `v=${v},d=${d}` });

describe('retell fixtures', () => {
  const cases: { fixture: string; event: string; part: BodyPart }[] = retell.events.flatMap((e) => [
    ...e.fixtures.map((fixture) => ({ fixture, event: e.name, part: 'request' as const })),
    ...(e.reply?.fixtures ?? []).map((fixture) => ({ fixture, event: e.name, part: 'reply' as const })),
  ]);

  it('one fixture per event at least, a web call, and the inbound reply', () => {
    expect(cases.map((c) => c.fixture).sort()).toEqual([
      'call_analyzed.json',
      'call_ended.json',
      'call_ended.web_call.json',
      'call_inbound.json',
      'call_inbound.reply.json',
      'call_started.json',
      'transcript_updated.json',
      'transfer_bridged.json',
      'transfer_cancelled.json',
      'transfer_ended.json',
      'transfer_started.json',
    ]);
  });

  it.each(cases)('$fixture validates with no issue at all (no drift)', ({ fixture, event, part }) => {
    const result = validateText(text(fixture));
    expect(result.issues).toEqual([]);
    expect([result.vendor, result.event, result.part]).toEqual(['retell', event, part]);
  });

  it.each(cases)('$fixture is detected as $event ($part), by retell and across all vendors', ({ fixture, event, part }) => {
    expect(retell.detect(load(fixture))).toMatchObject({ match: true, event, part });
    const outcome = detect(load(fixture));
    expect(outcome.ok && [outcome.vendor.id, outcome.event.name, outcome.part]).toEqual(['retell', event, part]);
  });

  it.each(cases)('$fixture is pretty-printed with 2 spaces', ({ fixture }) => {
    expect(text(fixture).trimEnd()).toBe(JSON.stringify(JSON.parse(text(fixture)), null, 2));
  });
});

describe('retell summaries', () => {
  it.each([
    ['call_started', 'call_started.json', 'inbound +14155550142 → +14155550199, agent Recepción Clínica Sonrisa'],
    ['call_ended', 'call_ended.json', 'ended, user_hangup, 94.5 s'],
    ['call_ended', 'call_ended.web_call.json', 'ended, user_hangup, 31.5 s'],
    ['call_analyzed', 'call_analyzed.json', 'successful, sentiment Positive, 94.5 s'],
    ['transcript_updated', 'transcript_updated.json', '3 transcript items, call ongoing'],
    ['transfer_started', 'transfer_started.json', 'transferring to +14155550177 (warm_transfer)'],
    ['transfer_bridged', 'transfer_bridged.json', 'bridged to +14155550177 (warm_transfer)'],
    ['transfer_cancelled', 'transfer_cancelled.json', 'transfer cancelled to sip:lab@pbx.sonrisa-dental.example;transport=tls (cold_transfer)'],
    ['transfer_ended', 'transfer_ended.json', 'transfer leg to +14155550177 ended; ended, call_transfer, 31.7 s'],
    ['call_inbound', 'call_inbound.json', '+14155550142 → +14155550199 (inbound agent agent_7c1f0b5e9d2a4c6e8f3b1a2d4e v4)'],
  ])('%s (%s) → %s', (name, fixture, summary) => {
    expect(event(name).summarize!(load(fixture))).toBe(summary);
  });

  it('never throws on a body of the wrong shape', () => {
    for (const e of retell.events) for (const body of [null, 'x', [], { call: 7 }, { call_inbound: [] }]) expect(() => e.summarize!(body)).not.toThrow();
    expect(event('call_inbound').summarize!({ event: 'call_inbound', call_inbound: { from_number: '+1', to_number: '+2' } })).toBe('+1 → +2 (no inbound agent set)');
  });
});

/** The fixture with one change, pretty-printed, validated: each issue with its line and column. */
function mutated(fixture: string, mutate: (b: Body) => void) {
  const body = structuredClone(load(fixture));
  mutate(body);
  const pretty = JSON.stringify(body, null, 2);
  return { pretty, result: validateText(pretty, { vendor: retell, event: event(fixture.replace(/\..*$/, '')) }) };
}

/** What the text holds at an issue's line:column. */
const at = (pretty: string, line?: number, column?: number) => pretty.split('\n')[line! - 1]!.slice(column! - 1);

describe('retell schemas: broken copies are located in the file', () => {
  const cases: { name: string; fixture: string; mutate: (b: Body) => void; code: string; severity: 'error' | 'warning'; path: string; startsWith: string }[] = [
    { name: 'call_id missing', fixture: 'call_ended.json', mutate: (b) => delete b.call.call_id, code: 'missing-field', severity: 'error', path: '$.call.call_id', startsWith: '{' },
    { name: 'duration_ms as a string', fixture: 'call_ended.json', mutate: (b) => (b.call.duration_ms = '94500'), code: 'wrong-type', severity: 'error', path: '$.call.duration_ms', startsWith: '"94500"' },
    { name: 'start_timestamp in seconds with a fraction', fixture: 'call_started.json', mutate: (b) => (b.call.start_timestamp = 1760550000.123), code: 'wrong-type', severity: 'error', path: '$.call.start_timestamp', startsWith: '1760550000.123' },
    { name: 'an unknown disconnection_reason', fixture: 'call_ended.json', mutate: (b) => (b.call.disconnection_reason = 'alien_abduction'), code: 'unknown-enum-value', severity: 'warning', path: '$.call.disconnection_reason', startsWith: '"alien_abduction"' },
    { name: 'an unknown call_status', fixture: 'call_started.json', mutate: (b) => (b.call.call_status = 'on_hold'), code: 'unknown-enum-value', severity: 'warning', path: '$.call.call_status', startsWith: '"on_hold"' },
    { name: 'an unknown call field', fixture: 'call_ended.json', mutate: (b) => (b.call.sentiment_v2 = 'calm'), code: 'unknown-field', severity: 'warning', path: '$.call.sentiment_v2', startsWith: '"calm"' },
    { name: 'call_type sip_call', fixture: 'call_started.json', mutate: (b) => (b.call.call_type = 'sip_call'), code: 'bad-enum', severity: 'error', path: '$.call.call_type', startsWith: '"sip_call"' },
    { name: 'a phone call without to_number', fixture: 'call_started.json', mutate: (b) => delete b.call.to_number, code: 'missing-field', severity: 'error', path: '$.call.to_number', startsWith: '{' },
    { name: 'a dynamic variable that is a number', fixture: 'call_started.json', mutate: (b) => (b.call.retell_llm_dynamic_variables.visits = 3), code: 'wrong-type', severity: 'error', path: '$.call.retell_llm_dynamic_variables.visits', startsWith: '3' },
    {
      name: 'a transcript_object item without words',
      fixture: 'call_ended.json',
      mutate: (b) => delete b.call.transcript_object[1].words,
      code: 'missing-field',
      severity: 'error',
      path: '$.call.transcript_object[1].words',
      startsWith: '{',
    },
    {
      name: 'a tool call without its name',
      fixture: 'call_ended.json',
      mutate: (b) => b.call.transcript_with_tool_calls.push({ role: 'tool_call_invocation', tool_call_id: 'tc_1', arguments: '{"slot":"fri"}' }),
      code: 'missing-field',
      severity: 'error',
      path: '$.call.transcript_with_tool_calls[8].name',
      startsWith: '{',
    },
    { name: 'an unknown user_sentiment', fixture: 'call_analyzed.json', mutate: (b) => (b.call.call_analysis.user_sentiment = 'Ecstatic'), code: 'unknown-enum-value', severity: 'warning', path: '$.call.call_analysis.user_sentiment', startsWith: '"Ecstatic"' },
    { name: 'a transfer_option without type', fixture: 'transfer_started.json', mutate: (b) => (b.call.transfer_option = { show_transferee_as_caller: true }), code: 'missing-field', severity: 'error', path: '$.call.transfer_option.type', startsWith: '{' },
    { name: 'transfer_option on call_ended', fixture: 'call_ended.json', mutate: (b) => (b.call.transfer_option = { type: 'warm_transfer' }), code: 'unknown-field', severity: 'warning', path: '$.call.transfer_option', startsWith: '{' },
    { name: 'an inbound request without to_number', fixture: 'call_inbound.json', mutate: (b) => delete b.call_inbound.to_number, code: 'missing-field', severity: 'error', path: '$.call_inbound.to_number', startsWith: '{' },
    { name: 'an inbound agent_version as a string', fixture: 'call_inbound.json', mutate: (b) => (b.call_inbound.agent_version = '4'), code: 'wrong-type', severity: 'error', path: '$.call_inbound.agent_version', startsWith: '"4"' },
  ];

  it.each(cases)('$name → $code at $path', (c) => {
    const { pretty, result } = mutated(c.fixture, c.mutate);
    expect(result.issues.map((i) => [i.code, i.severity, i.path])).toEqual([[c.code, c.severity, c.path]]);
    expect(result.valid).toBe(c.severity === 'warning');
    const [issue] = result.issues;
    expect(at(pretty, issue!.line, issue!.column).startsWith(c.startsWith)).toBe(true);
    if (c.code === 'missing-field') {
      // A missing field is located at the object that should hold it: the one holding its siblings.
      const parent = parsePath(c.path.slice(2)).slice(0, -1);
      const where = scanJson(pretty, { paths: [parent] }).positions.get(formatPath(parent));
      expect([issue!.line, issue!.column]).toEqual([where?.line, where?.column]);
    }
    if (c.severity === 'warning') expect(validateText(pretty, { vendor: retell, event: event(c.fixture.replace(/\..*$/, '')), strict: true }).valid).toBe(false);
  });

  it('tool calls, their results, DTMF and SMS items are accepted with their own members', () => {
    const { result } = mutated('call_ended.json', (b) =>
      b.call.transcript_with_tool_calls.push(
        { role: 'tool_call_invocation', tool_call_id: 'tc_1', name: 'reschedule_appointment', arguments: '{"slot":"fri 11:00"}' },
        { role: 'tool_call_result', tool_call_id: 'tc_1', content: '{"status":"moved"}', successful: true },
        { role: 'dtmf', digit: '2' },
        { role: 'sms', content: 'Running late', time_sec: 41.2 },
      ),
    );
    expect(result.issues).toEqual([]);
  });

  it('a web call has no numbers; a phone call without its direction is missing a field', () => {
    expect(mutated('call_ended.web_call.json', () => {}).result.issues).toEqual([]);
    const phone = mutated('call_started.json', (b) => delete b.call.direction).result.issues;
    expect(phone.map((i) => [i.code, i.path, i.expected])).toEqual([['missing-field', '$.call.direction', '"inbound" | "outbound"']]);
  });

  it('knows all 34 documented disconnection reasons', () => {
    expect(DISCONNECTION_REASONS).toHaveLength(34);
    expect(new Set(DISCONNECTION_REASONS).size).toBe(34);
    for (const reason of DISCONNECTION_REASONS) expect(mutated('call_ended.json', (b) => (b.call.disconnection_reason = reason)).result.issues).toEqual([]);
  });

  it("the docs' own sample payload (no agent_version, opt_out_sensitive_data_storage, empty metadata) is clean", () => {
    const sample = {
      event: 'call_ended',
      call: {
        call_type: 'phone_call',
        from_number: '+12137771234',
        to_number: '+12137771235',
        direction: 'inbound',
        call_id: 'Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6',
        agent_id: 'oBeDLoLOeuAbiuaMFXRtDOLriTJ5tSxD',
        call_status: 'registered',
        metadata: {},
        retell_llm_dynamic_variables: { customer_name: 'John Doe' },
        start_timestamp: 1714608475945,
        end_timestamp: 1714608491736,
        disconnection_reason: 'user_hangup',
        transcript: '...',
        transcript_object: [],
        transcript_with_tool_calls: [],
        opt_out_sensitive_data_storage: false,
      },
    };
    expect(validateText(JSON.stringify(sample)).issues).toEqual([]);
  });

  it('event_timestamp and interaction_type, seen beside event, are not drift', () => {
    expect(mutated('call_started.json', (b) => Object.assign(b, { event_timestamp: 1760550000200, interaction_type: 'voice' })).result.issues).toEqual([]);
  });
});

describe('retell call_inbound reply', () => {
  const reply = event('call_inbound').reply!;
  const judge = (body: string) => judgeReplyBody(retell, event('call_inbound'), body, 'application/json', load('call_inbound.json'));

  it('the fixture and an empty call_inbound are good replies; every field is optional', () => {
    expect(judge(text('call_inbound.reply.json'))).toMatchObject({ valid: true, issues: [] });
    expect(judge('{"call_inbound":{}}')).toMatchObject({ valid: true, issues: [] });
    expect(judge('{"call_inbound":{"override_agent_version":3}}')).toMatchObject({ valid: true, issues: [] });
  });

  it('dynamic variables must be strings; the reply must sit under call_inbound', () => {
    const numeric = judge('{"call_inbound":{"dynamic_variables":{"tier":3}}}');
    expect(numeric.valid).toBe(false);
    expect(numeric.issues.map((i) => [i.code, i.path])).toEqual([['wrong-type', '$.call_inbound.dynamic_variables.tier']]);
    expect(judge('{"dynamic_variables":{"tier":"gold"}}').issues.map((i) => [i.code, i.path])).toEqual([
      ['missing-field', '$.call_inbound'],
      ['unknown-field', '$.dynamic_variables'],
    ]);
  });

  it('an empty answer is explained: a failed attempt, retried, then the inbound agent or a hang-up', () => {
    const empty = judge('');
    expect(empty).toMatchObject({ valid: false, empty: true });
    expect(empty.explanation).toContain('retries up to 3 times');
    expect(empty.explanation).toContain("connects the number's inbound agent if one is set, else disconnects the caller");
  });

  it('the deadline is the documented, fixed 10 s: past 8 s a warning, past 10 s too late', () => {
    expect(reply.deadlineMs).toMatchObject({ value: 10_000, provenance: 'documented' });
    expect(reply.deadlineMs!.override).toBeUndefined();
    expect(judgeDeadline(7_900, reply.deadlineMs!).state).toBe('ok');
    expect(judgeDeadline(8_500, reply.deadlineMs!)).toMatchObject({ state: 'warn', message: expect.stringContaining('close to the deadline: 8500 ms of the 10 s deadline (85 %)') });
    expect(judgeDeadline(10_200, reply.deadlineMs!).state).toBe('late');
  });
});

describe('retell detection', () => {
  const retellSigned = { 'x-retell-signature': `v=${NOW},d=${'0'.repeat(64)}` };
  const outcome = (body: unknown, headers?: Record<string, string>) => {
    const o = detect(body, headers);
    return o.ok ? `${o.vendor.id} ${o.event.name} ${o.part}` : o.why === 'unknown-event' ? `unknown-event ${o.vendor.id} ${o.event}` : o.why;
  };
  const synthflowRequest = () => JSON.parse(readFileSync(new URL('../../../fixtures/synthflow/call_inbound.json', import.meta.url), 'utf8')) as Body;
  const synthflowReply = () => JSON.parse(readFileSync(new URL('../../../fixtures/synthflow/call_inbound.reply.json', import.meta.url), 'utf8')) as Body;
  const numbersOnly = { event: 'call_inbound', call_inbound: { from_number: '+14155550142', to_number: '+14155550199' } };

  it.each<[string, unknown, Record<string, string> | undefined, string]>([
    ["Retell's request (agent_id)", load('call_inbound.json'), undefined, 'retell call_inbound request'],
    ["Synthflow's request (model_id)", synthflowRequest(), undefined, 'synthflow call_inbound request'],
    ['numbers only, no header: either vendor', numbersOnly, undefined, 'ambiguous'],
    ['numbers only, with x-retell-signature', numbersOnly, retellSigned, 'retell call_inbound request'],
    ['model_id, but signed by Retell', synthflowRequest(), retellSigned, 'retell call_inbound request'],
    ['numbers and the event_timestamp integrators see', { ...numbersOnly, event_timestamp: NOW }, undefined, 'retell call_inbound request'],
    ["Retell's reply", load('call_inbound.reply.json'), undefined, 'retell call_inbound reply'],
    ["Synthflow's reply", synthflowReply(), undefined, 'synthflow call_inbound reply'],
    ['a reply with only dynamic_variables', { call_inbound: { dynamic_variables: { a: 'b' } } }, undefined, 'retell call_inbound reply'],
    ['a reply with no distinguishing member', { call_inbound: { metadata: { a: 1 } } }, undefined, 'ambiguous'],
    ['an empty reply object', { call_inbound: {} }, undefined, 'ambiguous'],
  ])('call_inbound: %s → %s', (_name, body, headers, expected) => {
    expect(outcome(body, headers)).toBe(expected);
  });

  it('the {event, call} envelope with an event hookscope does not know is an unknown retell event', () => {
    expect(outcome({ event: 'call_forwarded', call: { call_id: 'c_1' } })).toBe('unknown-event retell call_forwarded');
    const result = validateText(JSON.stringify({ event: 'call_forwarded', call: { call_id: 'c_1' } }));
    expect(result.issues.map((i) => [i.code, i.severity])).toEqual([['unknown-event', 'warning']]);
    expect(result.vendor).toBe('retell');
  });

  it("a chat event is Retell's only when it carries Retell's signature header", () => {
    const chat = { event: 'chat_ended', chat: { chat_id: 'chat_1', chat_status: 'ended' } };
    expect(outcome(chat, retellSigned)).toBe('unknown-event retell chat_ended');
    expect(outcome(chat)).toBe('none');
  });

  it.each<[string, unknown, RegExp]>([
    ['a body wrapped by n8n', { body: load('call_ended.json') }, /wrapped in a `body` member/],
    ['a call object without event', { call: load('call_ended.json').call }, /no string `event`/],
    ['call_inbound without its object', { event: 'call_inbound' }, /no `call_inbound` object/],
    ['an unknown event with a call object but no call_id', { event: 'call_forwarded', call: {} }, /is not one of call_started/],
  ])('near miss, not a match: %s', (_name, body, reason) => {
    const result = retell.detect(body);
    expect(result.match).toBe(false);
    if (result.match) return;
    expect(result.resemblance).toBeGreaterThanOrEqual(0.5);
    expect(result.reason).toMatch(reason);
    expect(result.unknownEvent).toBeUndefined();
  });

  it('does not claim what is not an object, nor an unrelated body', () => {
    for (const body of [null, 'call_ended', [], 42, { hello: 'world' }]) expect(retell.detect(body).match).toBe(false);
    expect(retell.detect({ hello: 'world' })).toMatchObject({ resemblance: 0 });
  });
});

describe('retell signing', () => {
  it("reproduces retell-sdk's known-answer vector", () => {
    const signed = scheme.sign({ body: Buffer.from('{"event":"call_ended"}'), secret: 'test-api-key', timestampMs: 1_700_000_000_000 });
    expect(signed).toEqual({ headers: { 'x-retell-signature': 'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e' } });
    expect(scheme.verify({ body: Buffer.from('{"event":"call_ended"}'), secret: 'test-api-key', headers: signed!.headers, nowMs: 1_700_000_000_000 })).toEqual({ valid: true });
  });

  it('describes the scheme with its sources', () => {
    expect(scheme.headers).toMatchObject({ value: ['x-retell-signature'], provenance: 'documented' });
    expect(scheme.format.value).toBe('v=<ms>,d=<hex>');
    expect(scheme.timestamp).toMatchObject({ value: { unit: 'ms', pastMs: 300_000, futureMs: 300_000 }, provenance: 'documented' });
    for (const fact of [scheme.headers, scheme.format, scheme.algorithm, scheme.encoding, scheme.key, scheme.signedBytes, scheme.timestamp!]) expect(fact.provenance).toBe('documented');
    expect(retell.secretEnv).toEqual(['RETELL_API_KEY']);
  });

  it.each(retell.events.map((e) => e.fixtures[0]!))('%s: signed over the raw bytes and the ms timestamp, as the SDK computes it', (fixture) => {
    const wire = Buffer.from(JSON.stringify(load(fixture)));
    const signed = scheme.sign({ body: wire, secret: KEY, timestampMs: NOW })!;
    expect(signed.headers['x-retell-signature']).toBe(`v=${NOW},d=${hmacHex(KEY, Buffer.concat([wire, Buffer.from(String(NOW))]))}`);
    expect(verifyAt(wire, signed.headers)).toEqual({ valid: true });
  });

  it('one changed byte, or another key, is a mismatch', () => {
    const wire = Buffer.from(JSON.stringify(load('call_ended.json')));
    const signed = scheme.sign({ body: wire, secret: KEY, timestampMs: NOW })!;
    const changed = Buffer.from(wire);
    changed[changed.indexOf('94500')] = '8'.charCodeAt(0);
    expect(verifyAt(changed, signed.headers)).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verifyAt(wire, signed.headers, { secret: 'key_another_one' })).toMatchObject({ valid: false, reason: 'mismatch', detail: 'signature does not match: wrong secret, or the signed bytes changed' });
  });

  describe('the window: 5 minutes either way', () => {
    const body = '{"event":"call_started","call":{"call_id":"c_1"}}';
    const at = (ms: number) => header(ms, hmacHex(KEY, body + ms));
    it.each([
      ['299 s old', NOW - 299_000, { valid: true }],
      ['299 s ahead', NOW + 299_000, { valid: true }],
      ['301 s old: expired', NOW - 301_000, { valid: false, reason: 'expired', ageMs: 301_000, windowMs: 300_000 }],
      ['301 s ahead: from the future', NOW + 301_000, { valid: false, reason: 'future', ageMs: -301_000, windowMs: 300_000 }],
    ])('%s', (_name, ms, verdict) => {
      expect(verifyAt(body, at(ms))).toMatchObject(verdict);
    });
  });

  describe('the mistakes Retell integrators make, named', () => {
    // The escapes Retell's serializer writes, and that JSON.stringify turns into literal characters.
    const raw = '{"event":"call_ended","call":{"call_id":"c_1","transcript":"User: \\u00bfC\\u00f3mo est\\u00e1 mi cita?"}}';

    it('verifying JSON.stringify(req.body) instead of the raw body (a transcript with \\u00bfC\\u00f3mo)', () => {
      const reserialised = JSON.stringify(JSON.parse(raw));
      expect(reserialised).toContain('¿Cómo');
      expect(reserialised).not.toBe(raw);
      const verdict = verifyAt(raw, header(NOW, hmacHex(KEY, reserialised + NOW)));
      expect(verdict).toMatchObject({ valid: false, reason: 'mismatch', diagnosis: expect.stringContaining('re-serialised (JSON.stringify of the parsed body), not of the bytes sent') });
    });

    it('a timestamp in seconds, signed that way: the signature matches but reads as 1970', () => {
      const s = Math.floor(NOW / 1000);
      expect(verifyAt(raw, header(s, hmacHex(KEY, raw + s)))).toMatchObject({ valid: false, reason: 'expired', diagnosis: 'the timestamp is in seconds; the vendor uses milliseconds' });
    });

    it('a timestamp in seconds in the header, milliseconds in the signed message', () => {
      expect(verifyAt(raw, header(Math.floor(NOW / 1000), hmacHex(KEY, raw + NOW)))).toMatchObject({ valid: false, diagnosis: expect.stringContaining('signed timestamp is in milliseconds') });
    });

    it('the wrong API key: HMAC cannot tell, unless the key used is one the user configured', () => {
      const sig = header(NOW, hmacHex('key_without_webhook_badge', raw + NOW));
      const plain = verifyAt(raw, sig);
      expect(plain).toMatchObject({ valid: false, reason: 'mismatch', detail: 'signature does not match: wrong secret, or the signed bytes changed' });
      expect('diagnosis' in plain && plain.diagnosis).toBeFalsy();
      expect(verifyAt(raw, sig, { otherSecrets: new Map([['HOOKSCOPE_SECRET', 'key_without_webhook_badge']]) })).toMatchObject({ diagnosis: 'it was made with the secret configured for HOOKSCOPE_SECRET' });
      expect(scheme.caveat).toContain('webhook badge');
    });

    it('`{timestamp}.{body}` (the Stripe habit) instead of body then timestamp', () => {
      expect(verifyAt(raw, header(NOW, hmacHex(KEY, `${NOW}.${raw}`)))).toMatchObject({ diagnosis: 'it signs `{timestamp}.{body}` instead of `{body}{timestamp}`' });
    });
  });

  it.each<[string, string, HeaderBag]>([
    ['no header', 'missing', {}],
    ['the digest alone, without v=', 'malformed', { 'x-retell-signature': 'a'.repeat(64) }],
    ['d= before v= still parses, but a short digest is malformed', 'malformed', { 'x-retell-signature': `d=abc,v=${NOW}` }],
    ['v= is not a number', 'malformed', { 'x-retell-signature': `v=soon,d=${'a'.repeat(64)}` }],
  ])('a bad header: %s → %s', (_name, reason, headers) => {
    expect(verifyAt('{}', headers)).toMatchObject({ valid: false, reason });
  });

  it('never throws: a seeded run over random headers, secrets and bodies, and every good signature verifies', () => {
    let seed = 0x5eed_2014;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 0x1_0000_0000;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const alphabet = ['v=', 'd=', ',', ' ', '=', '\u0000', 'é', '\u00bf', '\\u00f3', '{', '"', '}', 'a', 'f', '0', '9', 'Z', String(NOW), String(NOW / 1000), '-1', 'e9', '\ud800'];
    const junk = (n = 14) => Array.from({ length: Math.floor(rand() * n) }, () => pick(alphabet)).join('');
    for (let i = 0; i < 2000; i++) {
      const body = Buffer.from(rand() < 0.5 ? junk(40) : JSON.stringify({ event: 'call_ended', call: { call_id: junk(), transcript: junk(30) } }));
      const secret = junk(10);
      const headers: HeaderBag = rand() < 0.2 ? {} : { 'x-retell-signature': rand() < 0.1 ? [junk(), junk()] : rand() < 0.3 ? `v=${NOW},d=${junk(70)}` : junk(30) };
      const nowMs = rand() < 0.5 ? NOW : Math.floor(rand() * 2e12);
      expect(() => scheme.verify({ body, secret, headers, nowMs, otherSecrets: new Map([['x', junk()]]) })).not.toThrow();
      let signed: ReturnType<typeof scheme.sign>;
      expect(() => (signed = scheme.sign({ body, secret, timestampMs: nowMs }))).not.toThrow();
      // Any non-empty key signs; what it signs verifies at the same moment.
      if (secret !== '') expect(scheme.verify({ body, secret, headers: signed!.headers, nowMs })).toEqual({ valid: true });
      else expect(signed!).toBeUndefined();
    }
  });
});

describe('retell delivery', () => {
  const { delivery } = retell;

  it('4 attempts with an assumed 10 s spacing, said so, with the override', () => {
    expect(delivery.retryDelaysMs).toMatchObject({ value: [0, 10_000, 10_000, 10_000], provenance: 'assumed', override: '--schedule' });
    expect(delivery.retryDelaysMs.note).toMatch(/up to 3 times/);
    expect(delivery.retryDelaysMs.note).toMatch(/spacing is not documented/);
  });

  it('any 2xx, within a documented 10 s', () => {
    expect(delivery.success.provenance).toBe('documented');
    expect([200, 201, 204, 299].every((s) => delivery.success.isSuccess(s))).toBe(true);
    expect([199, 301, 400, 500].some((s) => delivery.success.isSuccess(s))).toBe(false);
    expect(delivery.timeoutMs).toMatchObject({ value: 10_000, provenance: 'documented', override: '--timeout' });
  });

  it('dedupes on call_id + event (seen), never an inbound-call request', () => {
    expect(delivery.dedupeKey).toMatchObject({ value: 'call.call_id + event', provenance: 'seen' });
    expect(delivery.dedupeKey.key(load('call_ended.json'))).toBe('Jx3kVq8RnT2mWp5sLd9fHc4yBz7aGe1u:call_ended');
    expect(delivery.dedupeKey.key(load('call_analyzed.json'))).toBe('Jx3kVq8RnT2mWp5sLd9fHc4yBz7aGe1u:call_analyzed');
    expect(delivery.dedupeKey.key(load('call_inbound.json'))).toBeUndefined();
    expect(delivery.dedupeKey.key('nope')).toBeUndefined();
  });

  it('warns about the async verify() trap', () => {
    expect(retell.notes?.join('\n')).toContain('without await never rejects');
  });
});

describe('retell --redact', () => {
  it.each(['call_analyzed.json', 'transcript_updated.json', 'call_ended.web_call.json'])('%s: no transcript, summary or variable text is left', (fixture) => {
    const patterns = compilePatterns(event(fixture.replace(/\..*$/, '')).personal!);
    const redacted = redactBody(text(fixture), patterns);
    for (const secretText of ['Fernández', 'Lucía', 'jueves', 'testing the new greeting', 'appointment_moved']) expect(redacted).not.toContain(secretText);
    const body = JSON.parse(redacted) as Body;
    expect(body.call.call_id).toBe(load(fixture).call.call_id);
    expect(body.call.transcript).toBe('[redacted]');
  });
});
