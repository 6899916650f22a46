import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { z } from 'zod';
import { signatureOf, verifyValue } from '../../helpers/signing.js';
import { allFixtures } from '../../helpers/fixtures.js';
import { bland } from '../../../src/vendors/bland.js';
import { detect } from '../../../src/vendors/detect.js';
import { CallTracker } from '../../../src/listen/calls.js';
import { vendors } from '../../../src/vendors/index.js';
import type { EventDefinition, SigningScheme } from '../../../src/vendors/types.js';

const fixtureDir = new URL('../../../fixtures/bland/', import.meta.url);
const load = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8'));
const clone = <T>(value: T): T => structuredClone(value);

const event = (name: string): EventDefinition => {
  const found = bland.events.find((e) => e.name === name);
  if (!found) throw new Error(`no event ${name}`);
  return found;
};
const completed = event('call.completed');
const corrected = event('call.corrected');
const stream = event('webhook_event');
const batch = event('batch.status');
const signing = bland.signing as SigningScheme;

type Issue = z.core.$ZodIssue;
const issuesOf = (schema: z.ZodType, body: unknown): Issue[] => {
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues;
};
const severity = (issue: Issue) => ((issue as { params?: { severity?: string } }).params?.severity === 'warning' ? 'warning' : 'error');
const paramCode = (issue: Issue) => (issue as { params?: { code?: string } }).params?.code;

type Body = Record<string, any>;
const bodyOf = (file: string): Body => clone(load(file)) as Body;
const SECRET = 'bland-signing-secret-test';
const CALL_ID = '5e7c1a42-9b3d-4f18-a6c2-0d8e4b71f935';

describe('bland fixtures', () => {
  const cases = [
    { fixture: 'call.completed.json', event: completed },
    { fixture: 'call.corrected.json', event: corrected },
    { fixture: 'webhook_event.json', event: stream },
    { fixture: 'batch.status.json', event: batch },
  ];

  it('every declared fixture is in the table', () => {
    expect(bland.events.flatMap((e) => e.fixtures).sort()).toEqual(cases.map((c) => c.fixture).sort());
  });

  it.each(cases)('$fixture passes its schema with no issues', ({ fixture, event }) => {
    expect(issuesOf(event.schema, load(fixture))).toEqual([]);
  });

  it.each(cases)('$fixture is detected as its event, by Bland only', ({ fixture, event }) => {
    expect(bland.detect(load(fixture))).toMatchObject({ match: true, event: event.name, part: 'request' });
    const outcome = detect(load(fixture));
    expect(outcome.ok && [outcome.vendor.id, outcome.event.name]).toEqual(['bland', event.name]);
  });

  it.each(cases)('$fixture is pretty-printed with 2 spaces', ({ fixture }) => {
    const text = readFileSync(new URL(fixture, fixtureDir), 'utf8');
    expect(text.trimEnd()).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it('the two post-call deliveries are the same call: same ids, the second adds corrected_transcript and citations', () => {
    const first = bodyOf('call.completed.json');
    const second = bodyOf('call.corrected.json');
    expect(first.call_id).toBe(CALL_ID);
    expect(load('webhook_event.json')).toMatchObject({ call_id: CALL_ID });
    const { corrected_transcript, citations, ...rest } = second;
    expect(rest).toEqual(first);
    expect(corrected_transcript.segments).toHaveLength(first.transcripts.length);
    // Each citation's value is one the analysis extracted.
    for (const c of citations) expect(first.analysis[c.field]).toBe(c.value);
  });

  it('summarizes each event', () => {
    expect(completed.summarize!(load('call.completed.json'))).toBe('completed, 2.35 min, ended by ASSISTANT');
    expect(corrected.summarize!(load('call.corrected.json'))).toBe('corrected transcript (6 segments), 2 citations');
    expect(stream.summarize!(load('webhook_event.json'))).toBe('call: Call ended');
    expect(batch.summarize!(load('batch.status.json'))).toBe('batch completed, 231/250 successful');
    expect(batch.summarize!({ batch_id: 'b', status: 'dispatching', timestamp: 'x' })).toBe('batch dispatching');
  });

  it('marks transcripts, summaries and citations personal, and the batch timestamp fresh', () => {
    expect(completed.personal).toEqual(expect.arrayContaining(['summary', 'concatenated_transcript', 'transcripts[*].text']));
    expect(corrected.personal).toEqual(expect.arrayContaining(['corrected_transcript', 'citations[*].utterance', 'summary']));
    expect(batch.fresh).toEqual([{ path: 'timestamp', kind: 'timestamp' }]);
  });

  it('says the event names are hookscope’s', () => {
    for (const e of [completed, corrected, batch]) expect(e.description).toContain('hookscope calls it');
    expect(bland.notes!.join(' ')).toContain("hookscope's names");
  });
});

describe('bland call.completed schema: broken copies', () => {
  const cases: { name: string; mutate: (b: Body) => void; code: string; path: (string | number)[]; severity: 'error' | 'warning'; paramCode?: string }[] = [
    { name: 'missing call_id', mutate: (b) => delete b.call_id, code: 'invalid_type', path: ['call_id'], severity: 'error' },
    { name: 'missing completed', mutate: (b) => delete b.completed, code: 'invalid_type', path: ['completed'], severity: 'error' },
    { name: 'call_length as a string', mutate: (b) => (b.call_length = '2.35'), code: 'invalid_type', path: ['call_length'], severity: 'error' },
    { name: 'negative price', mutate: (b) => (b.price = -1), code: 'too_small', path: ['price'], severity: 'error' },
    { name: 'end_at not ISO', mutate: (b) => (b.end_at = 'yesterday'), code: 'invalid_format', path: ['end_at'], severity: 'error' },
    { name: 'transcript text missing', mutate: (b) => delete b.transcripts[2].text, code: 'invalid_type', path: ['transcripts', 2, 'text'], severity: 'error' },
    { name: 'unknown transcript field', mutate: (b) => (b.transcripts[0].mood = 'calm'), code: 'unrecognized_keys', path: ['transcripts', 0], severity: 'error' },
    { name: 'unknown top-level field', mutate: (b) => (b.surprise = 1), code: 'unrecognized_keys', path: [], severity: 'error' },
    { name: 'unknown status', mutate: (b) => (b.status = 'teleported'), code: 'custom', path: ['status'], severity: 'warning', paramCode: 'unknown-enum-value' },
    { name: 'unknown answered_by', mutate: (b) => (b.answered_by = 'fax'), code: 'custom', path: ['answered_by'], severity: 'warning', paramCode: 'unknown-enum-value' },
    { name: 'unknown call_ended_by', mutate: (b) => (b.call_ended_by = 'GREMLIN'), code: 'custom', path: ['call_ended_by'], severity: 'warning', paramCode: 'unknown-enum-value' },
    { name: 'unknown speaker', mutate: (b) => (b.transcripts[1].user = 'narrator'), code: 'custom', path: ['transcripts', 1, 'user'], severity: 'warning', paramCode: 'unknown-enum-value' },
  ];

  it.each(cases)('$name → $code at $path ($severity)', (c) => {
    const body = bodyOf('call.completed.json');
    c.mutate(body);
    const issues = issuesOf(completed.schema, body);
    expect(issues).toHaveLength(1);
    const [issue] = issues as [Issue];
    expect([issue.code, issue.path, severity(issue)]).toEqual([c.code, c.path, c.severity]);
    if (c.paramCode) expect(paramCode(issue)).toBe(c.paramCode);
  });

  const accepted: { name: string; mutate: (b: Body) => void }[] = [
    { name: 'call_ended_by in lower case (the docs)', mutate: (b) => (b.call_ended_by = 'agent') },
    { name: 'call_ended_by null', mutate: (b) => (b.call_ended_by = null) },
    { name: 'a call that never connected', mutate: (b) => Object.assign(b, { completed: false, status: 'no-answer', answered_by: null, call_length: 0, transcripts: [], summary: null, error_message: 'Call was not answered' }) },
    { name: 'a transferred call', mutate: (b) => Object.assign(b, { transferred_to: '+15550100999', pre_transfer_duration: 1.2, post_transfer_duration: 3.4 }) },
    { name: 'transcript ids as strings', mutate: (b) => (b.transcripts[0].id = 'tr_1') },
    { name: 'a batch call', mutate: (b) => (b.batch_id = 'batch_6f0b2d9e-3a41-4c7e-8e15-b7a9c2d04f61') },
  ];

  it.each(accepted)('$name passes', ({ mutate }) => {
    const body = bodyOf('call.completed.json');
    mutate(body);
    expect(issuesOf(completed.schema, body)).toEqual([]);
  });
});

describe('bland call.corrected, webhook_event and batch.status schemas', () => {
  it('call.corrected: a bad segment confidence, a citation without utterance or with a field too many fail at their place', () => {
    const cases: [string, (b: Body) => void, string, (string | number)[]][] = [
      ['a confidence over 1', (b) => (b.corrected_transcript.segments[0].confidence = 1.5), 'too_big', ['corrected_transcript', 'segments', 0, 'confidence']],
      ['a citation without utterance', (b) => delete b.citations[1].utterance, 'invalid_type', ['citations', 1, 'utterance']],
      ['a citation field too many', (b) => (b.citations[0].page = 2), 'unrecognized_keys', ['citations', 0]],
    ];
    for (const [name, mutate, code, path] of cases) {
      const body = bodyOf('call.corrected.json');
      mutate(body);
      expect(issuesOf(corrected.schema, body).map((i) => [i.code, i.path]), name).toEqual([[code, path]]);
    }
  });

  it('call.corrected: the minimal delayed body passes; corrected_transcript is required and an object', () => {
    expect(issuesOf(corrected.schema, { call_id: CALL_ID, corrected_transcript: { segments: [] }, citations: [] })).toEqual([]);
    expect(issuesOf(corrected.schema, { call_id: CALL_ID, corrected_transcript: { segments: [], language: 'en' } })).toEqual([]);
    expect(issuesOf(corrected.schema, { call_id: CALL_ID, corrected_transcript: 'agent: hi' }).map((i) => [i.code, i.path])).toEqual([['invalid_type', ['corrected_transcript']]]);
    expect(issuesOf(corrected.schema, { call_id: CALL_ID }).map((i) => [i.code, i.path])).toEqual([['invalid_type', ['corrected_transcript']]]);
  });

  it('webhook_event: unknown category warns, missing message errors', () => {
    const body = bodyOf('webhook_event.json');
    body.category = 'weather';
    expect(issuesOf(stream.schema, body).map((i) => [i.path, severity(i)])).toEqual([[['category'], 'warning']]);
    delete body.message;
    body.category = 'tool';
    expect(issuesOf(stream.schema, body).map((i) => [i.code, i.path])).toEqual([['invalid_type', ['message']]]);
  });

  it('batch.status: a terminal status without counts warns; a running one needs none', () => {
    const body = bodyOf('batch.status.json');
    delete body.calls_total;
    delete body.calls_successful;
    delete body.calls_failed;
    expect(issuesOf(batch.schema, body).map((i) => [i.path, severity(i), paramCode(i)])).toEqual([[['calls_total'], 'warning', 'missing-field']]);
    body.status = 'in_progress';
    expect(issuesOf(batch.schema, body)).toEqual([]);
    body.calls_failed = -1;
    expect(issuesOf(batch.schema, body).map((i) => [i.code, i.path])).toEqual([['too_small', ['calls_failed']]]);
  });
});

describe('bland detect', () => {
  const nearMisses: { name: string; body: unknown; mentions: string[] }[] = [
    { name: 'call_id alone', body: { call_id: 'abc' }, mentions: ['call_id', 'none'] },
    { name: 'call_id with one call field', body: { call_id: 'abc', price: 1 }, mentions: ['call_id', '`price`'] },
    { name: 'corrected_transcript without call_id', body: { corrected_transcript: {} }, mentions: ['corrected_transcript', 'call_id'] },
    { name: 'call fields without call_id', body: { c_id: 'x', call_length: 1, completed: true }, mentions: ['call_id'] },
    { name: 'batch_id without status', body: { batch_id: 'b' }, mentions: ['batch_id', 'status'] },
  ];

  it.each(nearMisses)('near miss: $name', ({ body, mentions }) => {
    const result = bland.detect(body);
    expect(result.match).toBe(false);
    if (result.match) return;
    expect(result.resemblance).toBeGreaterThanOrEqual(0.5);
    for (const m of mentions) expect(result.reason).toContain(m);
  });

  // Bodies of the other vendors (and of the vendors to come) that carry call_id or call-like fields.
  const foreign: { name: string; body: unknown }[] = [
    { name: 'smallest legacy call.end (top-level call_id)', body: { event: 'call.end', timestamp: '2025-01-01T00:00:00Z', agent_id: 'a', call_id: 'call_1', status: 'completed', duration: 30 } },
    { name: 'retell call_ended', body: { event: 'call_ended', call: { call_id: 'c1', call_status: 'ended', transcript: 'hi', disconnection_reason: 'user_hangup' } } },
    { name: 'vapi end-of-call-report', body: { message: { type: 'end-of-call-report', endedReason: 'customer-ended-call', call: { id: 'c1' }, artifact: {}, analysis: {} } } },
    { name: 'synthflow post_call', body: { status: 'completed', lead: { name: 'x', phone_number: '+1' }, call: { call_id: 'c1', status: 'completed' }, executed_actions: {} } },
    { name: 'bluejay observability call', body: { type: 'observability_call_evaluated', id: 'c1', agent_id: 'a', recording_url: null, status: 'COMPLETED', call_id: 'x', completed: true, price: 1 } },
    { name: 'relyable envelope', body: { event: 'test_run.failed', timestamp: '2025-01-16T15:40:00Z', data: { test_run_id: 'r', calls_completed: 2 } } },
    { name: 'a call object inside data', body: { data: { call_id: 'c', completed: true, call_length: 1 } } },
    { name: 'an array', body: [] },
    { name: 'null', body: null },
  ];

  it.each(foreign)('does not claim: $name', ({ body }) => {
    const result = bland.detect(body);
    expect(result.match).toBe(false);
    if (!result.match) expect(result.resemblance).toBeLessThan(0.5);
  });

  it('claims no other vendor’s fixture, and no other vendor claims its own', () => {
    for (const f of allFixtures()) {
      if (f.vendor !== 'bland') expect(bland.detect(f.body).match, f.file).toBe(false);
      else expect(vendors.filter((v) => v.id !== 'bland' && v.detect(f.body).match).map((v) => v.id), f.file).toEqual([]);
    }
  });

  it('an x-webhook-signature header lifts an unrecognised body to a near miss, never a match', () => {
    const result = bland.detect({ hello: 'world' }, { 'x-webhook-signature': 'abc' });
    expect(result).toMatchObject({ match: false, resemblance: 0.5 });
    if (!result.match) expect(result.reason).toContain('x-webhook-signature');
  });
});

describe('bland signing', () => {
  const raw = Buffer.from(JSON.stringify(load('call.completed.json')), 'utf8');
  const expected = createHmac('sha256', SECRET).update(raw).digest('hex');

  it('describes the scheme and its caveat', () => {
    expect(signing.headers).toMatchObject({ value: ['x-webhook-signature'], provenance: 'documented' });
    expect(signing.encoding).toMatchObject({ value: 'hex', provenance: 'documented' });
    expect(signing.signedBytes.value).toBe('the raw request body, byte for byte');
    expect(signing.timestamp).toBeUndefined();
    expect(signing.caveat).toContain('JSON.stringify(req.body)');
    expect(signing.caveat).toContain('verifies forever');
  });

  it('the derived vector from the research notes', () => {
    expect(signatureOf(signing, '{"call_id":"c_1","completed":true}', 'bland_test_secret')).toBe('2edaf35bac4b0a3fe06f7736887e3653a0f3a8e7d330093e6878424072942763');
  });

  it('round trip: sign() is hex HMAC-SHA256 of the raw body, and verifies', () => {
    expect(signatureOf(signing, raw, SECRET)).toBe(expected);
    expect(verifyValue(signing, raw, SECRET, expected)).toEqual({ valid: true });
  });

  it('a changed byte, another secret, upper-case hex or base64 do not verify', () => {
    expect(verifyValue(signing, Buffer.concat([raw, Buffer.from(' ')]), SECRET, expected)).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verifyValue(signing, raw, 'other', expected)).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verifyValue(signing, raw, SECRET, expected.toUpperCase())).toMatchObject({ valid: false, reason: 'loose' });
    expect(verifyValue(signing, raw, SECRET, Buffer.from(expected, 'hex').toString('base64'))).toMatchObject({ valid: false, reason: 'malformed' });
    expect(verifyValue(signing, raw, SECRET, undefined)).toMatchObject({ valid: false, reason: 'missing' });
  });

  it('a pretty-printed body signed compact (JSON.parse then JSON.stringify): the diagnosis names the re-serialisation', () => {
    const pretty = Buffer.from(`${JSON.stringify(load('call.completed.json'), null, 2)}\n`, 'utf8');
    const compactSig = createHmac('sha256', SECRET).update(JSON.stringify(JSON.parse(pretty.toString('utf8')))).digest('hex');
    const verdict = verifyValue(signing, pretty, SECRET, compactSig);
    expect(verdict).toMatchObject({ valid: false, reason: 'mismatch' });
    if (verdict.valid) return;
    expect(verdict.diagnosis).toBe('it is the signature of the body re-serialised (JSON.stringify of the parsed body), not of the bytes sent: sign and verify the raw body');
    expect(verdict.detail).toContain('JSON.stringify of the parsed body');
  });

  it('non-ASCII text sent escaped (\\u00bf) but signed after re-serialising: diagnosed the same way', () => {
    const sent = Buffer.from('{"call_id":"c_1","completed":true,"summary":"\\u00bfC\\u00f3mo est\\u00e1?"}', 'utf8');
    const reserialised = JSON.stringify(JSON.parse(sent.toString('utf8')));
    expect(reserialised).toContain('¿Cómo');
    const sig = createHmac('sha256', SECRET).update(reserialised).digest('hex');
    const verdict = verifyValue(signing, sent, SECRET, sig);
    expect(verdict.valid).toBe(false);
    if (!verdict.valid) expect(verdict.diagnosis).toContain('re-serialised');
  });

  it('a wrong secret is not misdiagnosed as re-serialisation', () => {
    const pretty = Buffer.from(JSON.stringify(load('call.completed.json'), null, 2), 'utf8');
    const verdict = verifyValue(signing, pretty, SECRET, createHmac('sha256', 'another').update(JSON.stringify(JSON.parse(pretty.toString()))).digest('hex'));
    expect(verdict).toMatchObject({ valid: false, reason: 'mismatch' });
    if (!verdict.valid) expect(verdict.diagnosis).toBeUndefined();
  });
});

describe('bland delivery and calls', () => {
  const { delivery } = bland;

  it('retries are an assumption with an override; success is any 2xx', () => {
    expect(delivery.retryDelaysMs).toMatchObject({ value: [0], provenance: 'assumed', override: '--schedule' });
    expect(delivery.retryDelaysMs.note).toContain('may retry');
    expect(delivery.timeoutMs).toMatchObject({ provenance: 'assumed', override: '--timeout' });
    expect([200, 202, 299].every((s) => delivery.success.isSuccess(s))).toBe(true);
    expect([199, 301, 500].some((s) => delivery.success.isSuccess(s))).toBe(false);
  });

  it('the two post-call deliveries have different dedupe keys; a retry of either the same one', () => {
    const first = delivery.dedupeKey.key(load('call.completed.json'));
    const second = delivery.dedupeKey.key(load('call.corrected.json'));
    expect(first).toBe(`${CALL_ID}:completed`);
    expect(second).toBe(`${CALL_ID}:corrected`);
    expect(delivery.dedupeKey.key(load('batch.status.json'))).toBe('batch_6f0b2d9e-3a41-4c7e-8e15-b7a9c2d04f61:completed');
    expect(delivery.dedupeKey.key(load('webhook_event.json'))).toBeUndefined();
    expect(delivery.dedupeKey.key('nope')).toBeUndefined();
  });

  it('callId is call_id; a batch body belongs to no call', () => {
    expect(bland.callId!(load('call.corrected.json'))).toBe(CALL_ID);
    expect(bland.callId!(load('webhook_event.json'))).toBe(CALL_ID);
    expect(bland.callId!(load('batch.status.json'))).toBeUndefined();
  });

  const rec = (id: number, event: string) => ({ id, time: `2025-06-12T14:0${id}:00Z`, vendor: 'bland', callId: CALL_ID, event });

  it('call flow: completed then corrected is clean; stream entries after the end are not flagged', () => {
    const t = new CallTracker(vendors);
    expect(t.add(rec(1, 'webhook_event'))!.notes).toEqual([]);
    expect(t.add(rec(2, 'call.completed'))!.notes).toEqual([]);
    const [call] = t.all();
    expect(t.missing(call!)).toEqual(['call.corrected']);
    expect(t.add(rec(3, 'webhook_event'))!.notes).toEqual([]);
    expect(t.add(rec(4, 'call.corrected'))!.notes).toEqual([]);
    expect(t.missing(call!)).toEqual([]);
  });

  it('call flow: corrected before completed is out of order', () => {
    const t = new CallTracker(vendors);
    t.add(rec(1, 'call.corrected'));
    expect(t.add(rec(2, 'call.completed'))!.notes).toEqual(["call.completed came after call.corrected; call.completed → call.corrected is the vendor's order"]);
  });
});
