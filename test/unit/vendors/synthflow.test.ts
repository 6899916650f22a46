import { createHmac } from 'node:crypto';
import { signatureOf, verifyValue } from '../../helpers/signing.js';
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { z } from 'zod';
import { synthflow } from '../../../src/vendors/synthflow.js';
import type { BodyPart, EventDefinition, SigningScheme } from '../../../src/vendors/types.js';

const fixtureDir = new URL('../../../fixtures/synthflow/', import.meta.url);
const load = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8'));
const clone = <T>(value: T): T => structuredClone(value);

const event = (name: string): EventDefinition => {
  const found = synthflow.events.find((e) => e.name === name);
  if (!found) throw new Error(`no event ${name}`);
  return found;
};
const postCall = event('post_call');
const callInbound = event('call_inbound');
const reply = callInbound.reply!;
const signing = synthflow.signing as SigningScheme;

type Issue = z.core.$ZodIssue;
const issuesOf = (schema: z.ZodType, body: unknown): Issue[] => {
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues;
};
const severity = (issue: Issue) => ((issue as { params?: { severity?: string } }).params?.severity === 'warning' ? 'warning' : 'error');
const paramCode = (issue: Issue) => (issue as { params?: { code?: string } }).params?.code;

// A mutable post-call body: the fixture, parsed again for every case.
type Body = Record<string, any>;
const postCallBody = (): Body => clone(load('post_call.json')) as Body;
const bytes = (body: unknown) => Buffer.from(JSON.stringify(body), 'utf8');
const SECRET = 'whsec-synthflow-test';

describe('synthflow fixtures', () => {
  const cases: { fixture: string; schema: z.ZodType; event: string; part: BodyPart }[] = [
    { fixture: 'post_call.json', schema: postCall.schema, event: 'post_call', part: 'request' },
    { fixture: 'call_inbound.json', schema: callInbound.schema, event: 'call_inbound', part: 'request' },
    { fixture: 'call_inbound.reply.json', schema: reply.schema, event: 'call_inbound', part: 'reply' },
  ];

  it('every declared fixture is in the table', () => {
    const declared = synthflow.events.flatMap((e) => [...e.fixtures, ...(e.reply?.fixtures ?? [])]);
    expect(declared.sort()).toEqual(cases.map((c) => c.fixture).sort());
  });

  it.each(cases)('$fixture passes its schema with no issues', ({ fixture, schema }) => {
    expect(issuesOf(schema, load(fixture))).toEqual([]);
  });

  it.each(cases)('$fixture is detected as $event ($part)', ({ fixture, event, part }) => {
    expect(synthflow.detect(load(fixture))).toMatchObject({ match: true, event, part });
  });

  it.each(cases)('$fixture is pretty-printed with 2 spaces', ({ fixture }) => {
    const text = readFileSync(new URL(fixture, fixtureDir), 'utf8');
    expect(text.trimEnd()).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it('summarizes a post-call body', () => {
    expect(postCall.summarize!(load('post_call.json'))).toBe('completed, agent_goodbye, 32 s');
  });

  it('summarizes a custom end-call reason with its text', () => {
    const body = postCallBody();
    body.call.end_call_reason = 'custom_end_call';
    body.custom_end_call_reason = 'Customer is being abusive';
    expect(postCall.summarize!(body)).toBe('completed, custom_end_call (Customer is being abusive), 32 s');
  });

  it('summarizes an inbound call', () => {
    expect(callInbound.summarize!(load('call_inbound.json'))).toBe('+15550100001 → +15550100002 (model 1711241656808x745681686585854500)');
  });
});

describe('synthflow post_call schema: broken copies', () => {
  // `severity` is what the schema itself marks (params.severity on custom issues). unrecognized_keys
  // carry no severity here; core/issues.ts turns them into drift warnings.
  const cases: { name: string; mutate: (b: Body) => void; code: string; path: (string | number)[]; severity: 'error' | 'warning'; keys?: string[]; paramCode?: string }[] = [
    { name: 'missing call.call_id', mutate: (b) => delete b.call.call_id, code: 'invalid_type', path: ['call', 'call_id'], severity: 'error' },
    { name: 'duration as a string', mutate: (b) => (b.call.duration = '32'), code: 'invalid_type', path: ['call', 'duration'], severity: 'error' },
    { name: 'negative duration', mutate: (b) => (b.call.duration = -1), code: 'too_small', path: ['call', 'duration'], severity: 'error' },
    { name: 'missing lead', mutate: (b) => delete b.lead, code: 'invalid_type', path: ['lead'], severity: 'error' },
    { name: 'start_time not ISO', mutate: (b) => (b.call.start_time = 'yesterday'), code: 'invalid_format', path: ['call', 'start_time'], severity: 'error' },
    {
      name: 'unknown call.status',
      mutate: (b) => (b.call.status = 'teleported'),
      code: 'custom',
      path: ['call', 'status'],
      severity: 'warning',
      paramCode: 'unknown-enum-value',
    },
    {
      name: 'unknown top-level status',
      mutate: (b) => (b.status = 'teleported'),
      code: 'custom',
      path: ['status'],
      severity: 'warning',
      paramCode: 'unknown-enum-value',
    },
    {
      name: 'unknown end_call_reason',
      mutate: (b) => (b.call.end_call_reason = 'alien_abduction'),
      code: 'custom',
      path: ['call', 'end_call_reason'],
      severity: 'warning',
      paramCode: 'unknown-enum-value',
    },
    { name: 'unknown top-level field', mutate: (b) => (b.surprise = 1), code: 'unrecognized_keys', path: [], severity: 'error', keys: ['surprise'] },
    { name: 'unknown call field', mutate: (b) => (b.call.surprise = 1), code: 'unrecognized_keys', path: ['call'], severity: 'error', keys: ['surprise'] },
    {
      name: 'unknown executed-action field',
      mutate: (b) => (b.executed_actions.extract_info_1.surprise = 1),
      code: 'unrecognized_keys',
      path: ['executed_actions', 'extract_info_1'],
      severity: 'error',
      keys: ['surprise'],
    },
    {
      name: 'return_value as a number',
      mutate: (b) => (b.executed_actions.extract_info_1.return_value = 42),
      code: 'invalid_union',
      path: ['executed_actions', 'extract_info_1', 'return_value'],
      severity: 'error',
    },
    {
      name: 'custom_end_call_reason without custom_end_call',
      mutate: (b) => (b.custom_end_call_reason = 'Customer is being abusive'),
      code: 'custom',
      path: ['custom_end_call_reason'],
      severity: 'warning',
      paramCode: 'unexpected-field',
    },
    {
      name: 'unknown analysis verdict',
      mutate: (b) => (b.analysis.persona = 'maybe'),
      code: 'custom',
      path: ['analysis', 'persona'],
      severity: 'warning',
      paramCode: 'unknown-enum-value',
    },
    { name: 'analysis feedback not a string', mutate: (b) => (b.analysis.persona_feedback = true), code: 'custom', path: ['analysis', 'persona_feedback'], severity: 'error' },
    {
      name: 'collected variable without collected',
      mutate: (b) => delete b.collected_variables.user_name.collected,
      code: 'invalid_union',
      path: ['collected_variables', 'user_name'],
      severity: 'error',
    },
    {
      name: 'collected variable with an extra field',
      mutate: (b) => (b.collected_variables.user_name.source = 'flow'),
      code: 'unrecognized_keys',
      path: ['collected_variables', 'user_name'],
      severity: 'error',
      keys: ['source'],
    },
  ];

  it.each(cases)('$name → $code at $path ($severity)', (c) => {
    const body = postCallBody();
    c.mutate(body);
    const issues = issuesOf(postCall.schema, body);
    expect(issues).toHaveLength(1);
    const [issue] = issues as [Issue];
    expect(issue.code).toBe(c.code);
    expect(issue.path).toEqual(c.path);
    expect(severity(issue)).toBe(c.severity);
    if (c.keys) expect((issue as { keys?: string[] }).keys).toEqual(c.keys);
    if (c.paramCode) expect(paramCode(issue)).toBe(c.paramCode);
  });
});

describe('synthflow post_call schema: accepted variants', () => {
  const cases: { name: string; mutate: (b: Body) => void }[] = [
    { name: 'return_value as a JSON string', mutate: (b) => (b.executed_actions.extract_info_1.return_value = '{"purchase":"car"}') },
    { name: 'return_value null', mutate: (b) => (b.executed_actions.extract_info_1.return_value = null) },
    {
      name: 'parameters_hard_coded as a JSON string',
      mutate: (b) => (b.executed_actions.extract_info_1.parameters_hard_coded = JSON.stringify(b.executed_actions.extract_info_1.parameters_hard_coded)),
    },
    {
      name: 'collected_variables nested under an agent id',
      mutate: (b) => (b.collected_variables = { '1711241656808x745681686585854500': b.collected_variables }),
    },
    { name: 'collected_variables null', mutate: (b) => (b.collected_variables = null) },
    { name: 'collected_variables absent', mutate: (b) => delete b.collected_variables },
    { name: 'analysis absent', mutate: (b) => delete b.analysis },
    {
      name: 'analysis verdicts as strings and null',
      mutate: (b) => Object.assign(b.analysis, { persona: 'true', objection_handling: 'false', transfer: null, transfer_feedback: null }),
    },
    {
      name: 'custom_end_call with its reason',
      mutate: (b) => {
        b.call.end_call_reason = 'custom_end_call';
        b.custom_end_call_reason = 'Customer is being abusive';
      },
    },
    { name: 'newer call status', mutate: (b) => (b.call.status = 'left_voicemail') },
    { name: 'error_message as a string', mutate: (b) => (b.error_message = 'agent_goodbye') },
    {
      name: 'recording_url, diversion and external_id',
      mutate: (b) => Object.assign(b.call, { recording_url: 'https://example.com/rec.wav', diversion: null, external_id: 'ext-1' }),
    },
    {
      name: 'a call that never connected',
      mutate: (b) => {
        b.status = 'no-answer';
        b.call = { status: 'no-answer', call_id: b.call.call_id };
        b.executed_actions = {};
        delete b.analysis;
        delete b.collected_variables;
      },
    },
  ];

  it.each(cases)('$name passes with no issues', ({ mutate }) => {
    const body = postCallBody();
    mutate(body);
    expect(issuesOf(postCall.schema, body)).toEqual([]);
  });

  it("the vendor's own example (end_call_reason \"completed\") only warns", () => {
    const body = postCallBody();
    body.error_message = 'agent_goodbye';
    body.call.end_call_reason = 'completed';
    const issues = issuesOf(postCall.schema, body);
    expect(issues.map((i) => [i.path, severity(i)])).toEqual([[['call', 'end_call_reason'], 'warning']]);
  });
});

describe('synthflow call_inbound schemas', () => {
  it('rejects a request without to_number', () => {
    const body = clone(load('call_inbound.json')) as Body;
    delete body.call_inbound.to_number;
    const issues = issuesOf(callInbound.schema, body);
    expect(issues.map((i) => [i.code, i.path])).toEqual([['invalid_type', ['call_inbound', 'to_number']]]);
  });

  it('reply schema accepts the fixture and an empty call_inbound', () => {
    expect(issuesOf(reply.schema, load('call_inbound.reply.json'))).toEqual([]);
    expect(issuesOf(reply.schema, { call_inbound: {} })).toEqual([]);
  });

  it('reply schema rejects {}', () => {
    expect(issuesOf(reply.schema, {}).map((i) => [i.code, i.path])).toEqual([['invalid_type', ['call_inbound']]]);
  });

  it('reply schema rejects non-string custom variables', () => {
    const issues = issuesOf(reply.schema, { call_inbound: { custom_variables: { tier: 3 } } });
    expect(issues.map((i) => [i.code, i.path])).toEqual([['invalid_type', ['call_inbound', 'custom_variables', 'tier']]]);
  });

  it('reply says what an empty answer means', () => {
    expect(reply.emptyMeans).toBe('an empty answer disconnects the caller; no answer in time makes Synthflow ask up to 3 more times');
  });
});

describe('synthflow detect', () => {
  const nearMisses: { name: string; body: unknown; mentions: string[] }[] = [
    { name: 'call object without call_id', body: { status: 'completed', call: { status: 'completed' } }, mentions: ['`call`', 'call_id'] },
    { name: 'call.call_id but no lead/executed_actions/status', body: { call: { call_id: 'abc' } }, mentions: ['call_id', 'lead'] },
    { name: 'event call_inbound without its object', body: { event: 'call_inbound' }, mentions: ['call_inbound'] },
    { name: 'reply with extra keys', body: { call_inbound: {}, answer: 'yes' }, mentions: ['call_inbound', '`answer`'] },
    { name: 'lead and executed_actions without call', body: { lead: { name: 'x' }, executed_actions: {} }, mentions: ['lead', '`call`'] },
  ];

  it.each(nearMisses)('near miss: $name', ({ body, mentions }) => {
    const result = synthflow.detect(body);
    expect(result.match).toBe(false);
    if (result.match) return;
    expect(result.resemblance).toBeGreaterThanOrEqual(0.5);
    expect(result.resemblance).toBeLessThanOrEqual(0.8);
    for (const m of mentions) expect(result.reason).toContain(m);
  });

  const foreign: { name: string; body: unknown }[] = [
    {
      name: 'relyable envelope',
      body: { event: 'test_run.failed', timestamp: '2025-01-16T15:40:00Z', data: { test_run_id: 'run_1', agent_id: 'a', error: 'x', calls_completed: 2, calls_failed: 3 } },
    },
    {
      name: 'bluejay flat body',
      body: { type: 'simulation_result_evaluated', id: 12, digital_human_id: 3, simulation_run_id: 4, simulation_id: 5, agent_id: 6, status: 'COMPLETED' },
    },
    {
      name: 'bluejay observability body',
      body: { type: 'observability_call_evaluated', id: 'c1', agent_id: 'a1', recording_url: null, start_time_utc: '2025-01-01T00:00:00Z', participants: [], status: 'COMPLETED' },
    },
    {
      name: 'smallest current envelope',
      body: {
        url: 'https://example.com/hook',
        description: 'post',
        event: 'agent1.post-conversation',
        id: '0123456789abcdef01234567',
        metadata: { agentId: 'agent1', eventType: 'post-conversation', conversationType: 'telephonyInbound', callId: 'CALL-1' },
      },
    },
    {
      name: 'smallest legacy call.end',
      body: { event: 'call.end', timestamp: '2025-01-01T00:00:00Z', agent_id: 'agent1', call_id: 'call_1', status: 'completed', duration: 30 },
    },
    { name: 'an array', body: [] },
    { name: 'a string', body: 'call_id' },
    { name: 'null', body: null },
  ];

  it.each(foreign)('does not claim: $name', ({ body }) => {
    const result = synthflow.detect(body);
    expect(result.match).toBe(false);
    if (!result.match) expect(result.resemblance).toBeLessThan(0.5);
  });

  it('a Synthflow signature header lifts an unrecognised body to a near miss', () => {
    const result = synthflow.detect({ hello: 'world' }, { 'synthflow-signature': 'abc' });
    expect(result).toMatchObject({ match: false, resemblance: 0.5 });
    if (!result.match) expect(result.reason).toContain('synthflow-signature');
  });
});

describe('synthflow signing', () => {
  const body = load('post_call.json') as Body;
  const raw = bytes(body);
  const callId = body.call.call_id as string;
  const expected = createHmac('sha256', SECRET).update(callId, 'utf8').digest('base64');

  it('describes the scheme', () => {
    expect(signing.headers).toMatchObject({ value: ['synthflow-signature'], provenance: 'assumed', override: '--signature-header' });
    expect(signing.alsoAccepted).toEqual(['x-synthflow-signature', 'http_synthflow_signature']);
    expect(signing.encoding).toMatchObject({ value: 'base64', provenance: 'documented' });
    expect(signing.signedBytes.value).toBe('the call.call_id string only (UTF-8), not the body');
    expect(signing.caveat).toContain('call_id');
  });

  it('sign() is base64 HMAC-SHA256 of call_id, exactly', () => {
    expect(signatureOf(signing, raw, SECRET)).toBe(expected);
    expect(expected).toHaveLength(44);
  });

  it('verifies its own signature', () => {
    expect(verifyValue(signing, raw, SECRET, expected)).toEqual({ valid: true });
  });

  it('still verifies when the transcript or status change (the caveat)', () => {
    const tampered = clone(body);
    tampered.call.transcript = '\nbot: something else entirely';
    tampered.call.status = 'failed';
    expect(verifyValue(signing, bytes(tampered), SECRET, expected)).toEqual({ valid: true });
  });

  it('does not verify when call_id changes', () => {
    const tampered = clone(body);
    tampered.call.call_id = `${callId}0`;
    expect(verifyValue(signing, bytes(tampered), SECRET, expected)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  it('does not verify with another secret', () => {
    expect(verifyValue(signing, raw, 'other-secret', expected)).toMatchObject({ valid: false, reason: 'mismatch' });
  });

  const hex = createHmac('sha256', SECRET).update(callId).digest('hex');
  const bad: { name: string; raw: Uint8Array; header: string | undefined; reason: string }[] = [
    { name: 'missing header', raw, header: undefined, reason: 'missing' },
    { name: 'empty header', raw, header: '', reason: 'missing' },
    { name: 'hex instead of base64', raw, header: hex, reason: 'malformed' },
    { name: 'truncated value', raw, header: expected.slice(0, 20), reason: 'malformed' },
    { name: 'non-JSON body', raw: Buffer.from('not json {', 'utf8'), header: expected, reason: 'unsignable' },
    { name: 'body without call.call_id', raw: bytes({ status: 'completed', call: {} }), header: expected, reason: 'unsignable' },
    { name: 'call_inbound request', raw: bytes(load('call_inbound.json')), header: expected, reason: 'unsignable' },
  ];

  it.each(bad)('verify never throws: $name → $reason', (c) => {
    let result: ReturnType<SigningScheme['verify']> | undefined;
    expect(() => {
      result = verifyValue(signing, c.raw, SECRET, c.header);
    }).not.toThrow();
    expect(result).toMatchObject({ valid: false, reason: c.reason });
  });

  it('does not sign bodies without call_id (call_inbound, non-JSON)', () => {
    expect(signatureOf(signing, bytes(load('call_inbound.json')), SECRET)).toBeUndefined();
    expect(signatureOf(signing, Buffer.from('nope'), SECRET)).toBeUndefined();
    expect(synthflow.notes?.some((n) => n.includes('call_inbound'))).toBe(true);
  });
});

describe('synthflow delivery', () => {
  const { delivery } = synthflow;

  it('assumes one attempt, any 2xx, 30 s', () => {
    expect(delivery.retryDelaysMs).toMatchObject({ value: [0], provenance: 'assumed', override: '--schedule' });
    expect(delivery.timeoutMs).toMatchObject({ value: 30_000, provenance: 'assumed' });
    expect(delivery.success.provenance).toBe('assumed');
    expect([200, 201, 204, 299].every((s) => delivery.success.isSuccess(s))).toBe(true);
    expect([199, 301, 400, 500].some((s) => delivery.success.isSuccess(s))).toBe(false);
  });

  it('dedupes post-call bodies by call.call_id, never inbound requests', () => {
    expect(delivery.dedupeKey).toMatchObject({ value: 'call.call_id', provenance: 'assumed' });
    expect(delivery.dedupeKey.key(load('post_call.json'))).toBe('1711646262471x768387119913843100');
    expect(delivery.dedupeKey.key(load('call_inbound.json'))).toBeUndefined();
    expect(delivery.dedupeKey.key({ call: {} })).toBeUndefined();
    expect(delivery.dedupeKey.key('nope')).toBeUndefined();
  });
});
