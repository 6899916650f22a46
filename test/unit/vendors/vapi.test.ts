import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { z } from 'zod';
import { vapi } from '../../../src/vendors/vapi.js';
import { vapiEndedReasons } from '../../../src/vendors/vapi-ended-reasons.js';
import { payloadParts } from '../../../src/vendors/vapi-auth.js';
import { modeOf, schemeFor, signRequest, verifyRequest } from '../../../src/signing/signature.js';
import { judgeStatus } from '../../../src/delivery/judge.js';
import { deadlineFor, judgeReplyBody } from '../../../src/delivery/reply.js';
import { backoffDelays } from '../../../src/delivery/schedule.js';
import { validateText } from '../../../src/schema/validate.js';
import { CallTracker } from '../../../src/listen/calls.js';
import { UserError } from '../../../src/errors.js';
import type { BodyPart, EventDefinition } from '../../../src/vendors/types.js';

const fixtureDir = new URL('../../../fixtures/vapi/', import.meta.url);
const load = (name: string): any => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8'));
// The research notes the catalog was built from, where this checkout has them (outside the repository).
const RESEARCH = '/work/shared/research';
const hasResearch = existsSync(`${RESEARCH}/vapi-openapi-extract.json`) && existsSync(`${RESEARCH}/vapi-ended-reasons.txt`);
const event = (name: string): EventDefinition => {
  const found = vapi.events.find((e) => e.name === name);
  if (!found) throw new Error(`no event ${name}`);
  return found;
};
type Issue = z.core.$ZodIssue;
const issuesOf = (schema: z.ZodType, body: unknown): Issue[] => {
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues;
};
const severity = (issue: Issue) => ((issue as { params?: { severity?: string } }).params?.severity === 'warning' ? 'warning' : 'error');
const paramCode = (issue: Issue) => (issue as { params?: { code?: string } }).params?.code;
const bytes = (body: unknown) => Buffer.from(JSON.stringify(body), 'utf8');

describe('vapi catalog', () => {
  it('has 29 events, one per ServerMessage schema of the spec', () => {
    expect(vapi.events).toHaveLength(29);
    expect(new Set(vapi.events.map((e) => e.name)).size).toBe(29);
  });

  it.skipIf(!hasResearch)('its events are the spec\'s ServerMessage schemas, named by their type (research extract)', () => {
    const extract = JSON.parse(readFileSync(`${RESEARCH}/vapi-openapi-extract.json`, 'utf8')) as { serverMessageTypes: Record<string, string[]> };
    const schemas = Object.values(extract.serverMessageTypes);
    expect(schemas).toHaveLength(29);
    expect(vapi.events.map((e) => e.name).sort()).toEqual(schemas.map((types) => types[0]!).sort());
  });

  it('keeps the spec\'s 627 endedReason entries (595 distinct)', () => {
    expect(vapiEndedReasons).toHaveLength(627);
    expect(new Set(vapiEndedReasons).size).toBe(595);
  });

  it.skipIf(!hasResearch)('keeps every endedReason of the research file, in order', () => {
    expect(vapiEndedReasons).toEqual(readFileSync(`${RESEARCH}/vapi-ended-reasons.txt`, 'utf8').trim().split('\n'));
  });

  it('request/response events have reply contracts with deadlines', () => {
    const timed = vapi.events.filter((e) => e.reply).map((e) => [e.name, e.reply!.deadlineMs!.value, e.reply!.deadlineMs!.override ?? null]);
    expect(timed.sort()).toEqual(
      [
        ['assistant-request', 7500, null],
        ['handoff-destination-request', 20000, '--timeout'],
        ['knowledge-base-request', 20000, '--timeout'],
        ['tool-calls', 20000, '--timeout'],
        ['transfer-destination-request', 20000, '--timeout'],
      ].sort(),
    );
  });

  it('--timeout moves the configurable deadlines, never the 7.5 s of assistant-request', () => {
    expect(deadlineFor(vapi, event('assistant-request'), 30_000).fact.value).toBe(7500);
    expect(deadlineFor(vapi, event('tool-calls'), 30_000).fact.value).toBe(30_000);
    expect(deadlineFor(vapi, event('tool-calls')).fact.value).toBe(20_000);
  });

  it('does not retry by default', () => {
    expect(vapi.delivery.retryDelaysMs).toMatchObject({ value: [0], provenance: 'documented' });
  });
});

describe('vapi fixtures', () => {
  const declared = vapi.events.flatMap((e) => [
    ...e.fixtures.map((f) => ({ fixture: f, event: e.name, part: 'request' as BodyPart, schema: e.schema })),
    ...(e.reply?.fixtures ?? []).map((f) => ({ fixture: f, event: e.name, part: 'reply' as BodyPart, schema: e.reply!.schema })),
  ]);

  it('every file in fixtures/vapi is declared, and every declared one exists', () => {
    expect(readdirSync(fixtureDir).sort()).toEqual(declared.map((d) => d.fixture).sort());
  });

  it.each(declared)('$fixture passes its schema with no issues', ({ fixture, schema }) => {
    expect(issuesOf(schema, load(fixture))).toEqual([]);
  });

  it.each(declared)('$fixture is detected as $event ($part)', ({ fixture, event, part }) => {
    expect(vapi.detect(load(fixture))).toMatchObject({ match: true, event, part });
  });

  it.each(declared)('$fixture is pretty-printed with 2 spaces', ({ fixture }) => {
    const text = readFileSync(new URL(fixture, fixtureDir), 'utf8');
    expect(text.trimEnd()).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it('one call across the fixtures: the same call id, and the tool call id carried through to the report', () => {
    const ids = new Set(vapi.events.map((e) => vapi.callId!(load(e.fixtures[0]!))).filter(Boolean));
    expect(ids.size).toBe(1);
    const toolCallId = load('tool-calls.json').message.toolCallList[0].id;
    expect(load('tool-calls.reply.json').results[0].toolCallId).toBe(toolCallId);
    expect(JSON.stringify(load('end-of-call-report.json').message.artifact)).toContain(toolCallId);
  });

  it('summaries say what matters', () => {
    expect(event('tool-calls').summarize!(load('tool-calls.json'))).toBe('check_availability (call_Q7vX2mK9pL4tR8sN)');
    expect(event('end-of-call-report').summarize!(load('end-of-call-report.json'))).toBe('customer-ended-call, $0.09');
    expect(event('status-update').summarize!(load('status-update.json'))).toBe('ringing');
  });
});

type Body = Record<string, any>;
describe('vapi schemas: broken copies', () => {
  const cases: { name: string; fixture: string; mutate: (b: Body) => void; code: string; path: (string | number)[]; severity: 'error' | 'warning'; paramCode?: string; keys?: string[] }[] = [
    { name: 'status-update without status', fixture: 'status-update.json', mutate: (b) => delete b.message.status, code: 'invalid_type', path: ['message', 'status'], severity: 'error' },
    { name: 'unknown call status', fixture: 'status-update.json', mutate: (b) => (b.message.status = 'teleported'), code: 'custom', path: ['message', 'status'], severity: 'warning', paramCode: 'unknown-enum-value' },
    { name: 'endedReason on a ringing status', fixture: 'status-update.json', mutate: (b) => (b.message.endedReason = 'customer-ended-call'), code: 'custom', path: ['message', 'endedReason'], severity: 'warning', paramCode: 'unexpected-field' },
    { name: 'unknown endedReason', fixture: 'end-of-call-report.json', mutate: (b) => (b.message.endedReason = 'abducted-by-aliens'), code: 'custom', path: ['message', 'endedReason'], severity: 'warning', paramCode: 'unknown-enum-value' },
    { name: 'end-of-call-report without artifact', fixture: 'end-of-call-report.json', mutate: (b) => delete b.message.artifact, code: 'invalid_type', path: ['message', 'artifact'], severity: 'error' },
    { name: 'cost as a string', fixture: 'end-of-call-report.json', mutate: (b) => (b.message.cost = '0.09'), code: 'invalid_type', path: ['message', 'cost'], severity: 'error' },
    { name: 'ISO timestamp (before April 2025)', fixture: 'transcript.json', mutate: (b) => (b.message.timestamp = '2025-03-01T10:00:00.000Z'), code: 'custom', path: ['message', 'timestamp'], severity: 'warning', paramCode: 'legacy-value' },
    { name: 'timestamp neither number nor ISO', fixture: 'transcript.json', mutate: (b) => (b.message.timestamp = 'yesterday'), code: 'custom', path: ['message', 'timestamp'], severity: 'error', paramCode: 'bad-format' },
    { name: 'transcript role unknown', fixture: 'transcript.json', mutate: (b) => (b.message.role = 'bot'), code: 'invalid_value', path: ['message', 'role'], severity: 'error' },
    { name: 'speech-update turn negative', fixture: 'speech-update.json', mutate: (b) => (b.message.turn = -1), code: 'too_small', path: ['message', 'turn'], severity: 'error' },
    { name: 'tool call without id', fixture: 'tool-calls.json', mutate: (b) => delete b.message.toolCallList[0].id, code: 'invalid_type', path: ['message', 'toolCallList', 0, 'id'], severity: 'error' },
    { name: 'tool call without a name anywhere', fixture: 'tool-calls.json', mutate: (b) => delete b.message.toolCallList[0].function, code: 'custom', path: ['message', 'toolCallList', 0, 'function'], severity: 'error' },
    { name: 'call without id', fixture: 'hang.json', mutate: (b) => delete b.message.call.id, code: 'invalid_type', path: ['message', 'call', 'id'], severity: 'error' },
    { name: 'unknown message field', fixture: 'hang.json', mutate: (b) => (b.message.surprise = 1), code: 'unrecognized_keys', path: ['message'], severity: 'error', keys: ['surprise'] },
    { name: 'unknown envelope field', fixture: 'user-interrupted.json', mutate: (b) => (b.surprise = 1), code: 'unrecognized_keys', path: [], severity: 'error', keys: ['surprise'] },
    { name: 'knowledge-base-request without messagesOpenAIFormatted', fixture: 'knowledge-base-request.json', mutate: (b) => delete b.message.messagesOpenAIFormatted, code: 'invalid_type', path: ['message', 'messagesOpenAIFormatted'], severity: 'error' },
  ];

  it.each(cases)('$name → $code at $path ($severity)', (c) => {
    const body = load(c.fixture) as Body;
    c.mutate(body);
    const e = vapi.detect(body);
    expect(e.match).toBe(true);
    const issues = issuesOf(event(e.match ? e.event : '').schema, body);
    expect(issues).toHaveLength(1);
    const [issue] = issues as [Issue];
    expect(issue.code).toBe(c.code);
    expect(issue.path).toEqual(c.path);
    expect(severity(issue)).toBe(c.severity);
    if (c.paramCode) expect(paramCode(issue)).toBe(c.paramCode);
    if (c.keys) expect((issue as { keys?: string[] }).keys).toEqual(c.keys);
  });

  it('an unknown endedReason names the value, counts the known ones and does not recite them', () => {
    const body = load('end-of-call-report.json');
    body.message.endedReason = 'abducted-by-aliens';
    const [issue] = issuesOf(event('end-of-call-report').schema, body);
    expect(issue!.message).toMatch(/^unknown endedReason "abducted-by-aliens" \(595 known values, e\.g\. /);
    expect(issue!.message.length).toBeLessThan(300);
  });

  it('accepts every known endedReason, the final-transcript type, and the docs\' flat tool call', () => {
    const report = load('end-of-call-report.json');
    for (const reason of vapiEndedReasons) {
      report.message.endedReason = reason;
      expect(event('end-of-call-report').schema.safeParse(report).success, reason).toBe(true);
    }
    const final = load('transcript.json');
    final.message.type = 'transcript[transcriptType="final"]';
    expect(vapi.detect(final)).toMatchObject({ match: true, event: 'transcript' });
    expect(issuesOf(event('transcript').schema, final)).toEqual([]);
    const flat = load('tool-calls.json');
    flat.message.toolCallList = [{ id: 'toolu_1', name: 'check_availability', arguments: { date: '2025-12-02' } }];
    expect(issuesOf(event('tool-calls').schema, flat)).toEqual([]);
  });

  it('validate locates an error in a mutated fixture by line and column', () => {
    const body = load('status-update.json');
    body.message.call.customer.number = 15550100234;
    const text = JSON.stringify(body, null, 2);
    const result = validateText(text);
    const issue = result.issues.find((i) => i.path === '$.message.call.customer.number')!;
    expect(issue.severity).toBe('error');
    expect(text.split('\n')[issue.line! - 1]!.slice(issue.column! - 1)).toMatch(/^15550100234/);
  });
});

describe('vapi detect', () => {
  it('an unknown message type in the envelope is surely Vapi: an unknown event, not a non-match', () => {
    expect(vapi.detect({ message: { type: 'call.teleported' } })).toMatchObject({ match: false, unknownEvent: 'call.teleported' });
  });

  it('the tutorials\' shape without the envelope is a near miss that points at the envelope', () => {
    const result = vapi.detect({ type: 'status-update', status: 'ended', call: { id: 'x' } });
    expect(result).toMatchObject({ match: false, resemblance: 0.6 });
    if (!result.match) expect(result.reason).toContain('{message: {type');
  });

  it('a reply is a body of reply fields only: another body with an assistant key is not claimed', () => {
    expect(vapi.detect({ assistantId: 'a', assistantOverrides: {} })).toMatchObject({ match: true, event: 'assistant-request', part: 'reply' });
    expect(vapi.detect({ assistant: { name: 'x' }, event: 'call_started', call: {} }).match).toBe(false);
    expect(vapi.detect({ results: [{ toolCallId: 'x' }], page: 2 }).match).toBe(false);
  });

  it('does not claim other vendors\' bodies', () => {
    for (const body of [{ event: 'call_inbound', call_inbound: {} }, { call: { call_id: 'x' }, lead: {}, status: 'completed' }, { type: 'simulation_ended', id: 1 }, null, []]) {
      expect(vapi.detect(body).match).toBe(false);
    }
  });
});

describe('vapi replies', () => {
  const tool = event('tool-calls');
  const request = load('tool-calls.json');
  const id = request.message.toolCallList[0].id as string;
  const judge = (reply: unknown, req: unknown = request) => judgeReplyBody(vapi, tool, JSON.stringify(reply), 'application/json', req);
  const two = structuredClone(request);
  two.message.toolCallList.push({ id: 'call_second', type: 'function', function: { name: 'book_table', arguments: '{}' } });

  const cases: { name: string; reply: unknown; req?: unknown; valid: boolean; codes: [string, string, string][] }[] = [
    { name: 'the fixture', reply: load('tool-calls.reply.json'), valid: true, codes: [] },
    { name: 'an error instead of a result', reply: { results: [{ toolCallId: id, error: 'no tables left' }] }, valid: true, codes: [] },
    { name: 'no result for the id', reply: { results: [] }, valid: false, codes: [['missing-tool-call-id', 'error', '$.results']] },
    { name: 'a result for an id not asked', reply: { results: [{ toolCallId: 'call_other', result: 'x' }] }, valid: false, codes: [['unknown-tool-call-id', 'error', '$.results[0].toolCallId'], ['missing-tool-call-id', 'error', '$.results']] },
    { name: 'one id answered twice', reply: { results: [{ toolCallId: id, result: 'a' }, { toolCallId: id, result: 'b' }] }, valid: false, codes: [['duplicate-tool-call-id', 'error', '$.results[1].toolCallId']] },
    { name: 'a multi-line result', reply: { results: [{ toolCallId: id, result: 'line one\nline two' }] }, valid: false, codes: [['multi-line-result', 'error', '$.results[0].result']] },
    { name: 'a non-string result', reply: { results: [{ toolCallId: id, result: { tables: 2 } }] }, valid: false, codes: [['wrong-type', 'error', '$.results[0].result']] },
    { name: 'a missing toolCallId', reply: { results: [{ result: 'x' }] }, valid: false, codes: [['missing-field', 'error', '$.results[0].toolCallId'], ['missing-tool-call-id', 'error', '$.results']] },
    { name: 'results as an object', reply: { results: { toolCallId: id, result: 'x' } }, valid: false, codes: [['wrong-type', 'error', '$.results']] },
    { name: 'no results at all', reply: {}, valid: false, codes: [['missing-field', 'error', '$.results']] },
    { name: 'two calls, one answered', reply: { results: [{ toolCallId: id, result: 'x' }] }, req: two, valid: false, codes: [['missing-tool-call-id', 'error', '$.results']] },
    {
      name: 'the spec\'s messageResponse wrapper',
      reply: { messageResponse: { results: [{ toolCallId: id, result: 'x' }] } },
      valid: true,
      codes: [['reply-wrapper', 'warning', '$.messageResponse']],
    },
    {
      name: 'a wrapped multi-line result, located inside the wrapper',
      reply: { messageResponse: { results: [{ toolCallId: id, result: 'a\r\nb' }] } },
      valid: false,
      codes: [['reply-wrapper', 'warning', '$.messageResponse'], ['multi-line-result', 'error', '$.messageResponse.results[0].result']],
    },
  ];

  it.each(cases)('tool-calls reply: $name', ({ reply, req, valid, codes }) => {
    const judged = judge(reply, req);
    expect(judged.valid).toBe(valid);
    expect(judged.issues.map((i) => [i.code, i.severity, i.path])).toEqual(codes);
  });

  it('tool-calls replies count only with HTTP 200; other events take any 2xx', () => {
    expect(judgeStatus(vapi, 200, undefined, { event: tool })).toMatchObject({ delivered: true });
    const created = judgeStatus(vapi, 201, undefined, { event: tool });
    expect(created).toMatchObject({ delivered: false, kind: 'rejected' });
    if (!created.delivered) expect(created.reason).toBe('vapi takes a tool-calls reply only with exactly 200; 201 is ignored');
    expect(judgeStatus(vapi, 201, undefined, { event: event('assistant-request') })).toMatchObject({ delivered: true });
  });

  it('assistant-request: the bare reply, a wrapper warning, an error string; an empty reply explained', () => {
    const ar = event('assistant-request');
    const j = (text: string) => judgeReplyBody(vapi, ar, text, 'application/json', load('assistant-request.json'));
    expect(j(JSON.stringify(load('assistant-request.reply.json')))).toMatchObject({ valid: true, issues: [] });
    expect(j('{"error":"We are closed."}')).toMatchObject({ valid: true, issues: [] });
    expect(j('{"messageResponse":{"assistantId":"a"}}').issues.map((i) => i.code)).toEqual(['reply-wrapper']);
    expect(j('{"assistantId":7}').valid).toBe(false);
    expect(j('')).toMatchObject({ valid: false, empty: true });
    expect(j('').explanation).toContain('assistant-request-returned-no-assistant');
  });

  it('handoff-destination-request needs a destination', () => {
    const h = event('handoff-destination-request');
    expect(judgeReplyBody(vapi, h, '{"result":"x"}', 'application/json', undefined).issues.map((i) => [i.code, i.path])).toEqual([['missing-field', '$.destination']]);
  });
});

describe('vapi auth modes', () => {
  const body = bytes(load('status-update.json'));
  const SECRET = 'vapi-test-secret';
  const now = 1_700_000_000_000;
  const roundTrip = (mode: string, settings: Record<string, string> = {}) => {
    const choice = { auth: { mode, settings } };
    const signed = signRequest(vapi, { body, secret: SECRET, timestampMs: now }, choice)!;
    return { headers: signed.headers, verdict: verifyRequest(vapi, { body, secret: SECRET, headers: signed.headers, nowMs: now + 1000 }, choice) };
  };

  it('none sends nothing', () => {
    expect(schemeFor(vapi, { auth: { mode: 'none' } })).toBeNull();
  });

  it.each([
    ['secret', {}, { 'x-vapi-secret': SECRET }],
    ['bearer', {}, { authorization: `Bearer ${SECRET}` }],
    ['bearer', { headerName: 'X-Vapi-Secret', bearerPrefixEnabled: 'false' }, { 'x-vapi-secret': SECRET }],
  ] as const)('%s %j: sends %j and verifies it', (mode, settings, headers) => {
    const r = roundTrip(mode, settings);
    expect(r.headers).toEqual(headers);
    expect(r.verdict).toEqual({ valid: true });
  });

  it('the secret in X-Vapi-Signature (the docs\' name in 2025) is valid, and named as the old header', () => {
    const verdict = verifyRequest(vapi, { body, secret: SECRET, headers: { 'x-vapi-signature': SECRET }, nowMs: now }, { auth: { mode: 'secret' } });
    expect(verdict).toEqual({ valid: true, detail: 'the token came in x-vapi-signature (a legacy name) instead of x-vapi-secret' });
  });

  it('a wrong token, or a bearer token without its prefix, fails and says so', () => {
    expect(verifyRequest(vapi, { body, secret: SECRET, headers: { 'x-vapi-secret': 'nope' }, nowMs: now }, { auth: { mode: 'secret' } })).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verifyRequest(vapi, { body, secret: SECRET, headers: { authorization: SECRET }, nowMs: now }, { auth: { mode: 'bearer' } })).toMatchObject({ valid: false, diagnosis: 'the token is there without the "Bearer" prefix' });
  });

  it('hmac by default: x-signature = hex HMAC-SHA256 of "{timestamp}.{body}" with x-timestamp in seconds (the research vector)', () => {
    const raw = Buffer.from('{"message":{"type":"status-update","status":"ended"}}');
    const signed = signRequest(vapi, { body: raw, secret: 'whsec_test', timestampMs: 1_700_000_000_000 }, { auth: { mode: 'hmac' } })!;
    expect(signed.headers).toEqual({ 'x-signature': 'bffcb98c8bfcb84e3f42d2443b879b1fcd28dc5e2248e9ad886ff60a0f8d88d1', 'x-timestamp': '1700000000' });
  });

  it('hmac round-trips and matches node:crypto; a changed body or an old timestamp fails', () => {
    const r = roundTrip('hmac');
    expect(r.headers['x-signature']).toBe(createHmac('sha256', SECRET).update(`${now / 1000}.`).update(body).digest('hex'));
    expect(r.verdict).toEqual({ valid: true });
    const tampered = Buffer.from(body.toString().replace('ringing', 'ended'));
    expect(verifyRequest(vapi, { body: tampered, secret: SECRET, headers: r.headers, nowMs: now }, { auth: { mode: 'hmac' } })).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(verifyRequest(vapi, { body, secret: SECRET, headers: r.headers, nowMs: now + 3_600_000 }, { auth: { mode: 'hmac' } })).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('hmac settings: algorithm, encoding, prefix, header names, payload format, base64 secret', () => {
    const settings = { algorithm: 'sha512', signatureEncoding: 'base64', signaturePrefix: 'sha512=', signatureHeader: 'X-Hook-Sig', timestampHeader: 'X-Hook-Time', payloadFormat: '{method} {timestamp}:{body}' };
    const r = roundTrip('hmac', settings);
    const want = createHmac('sha512', SECRET).update(`POST ${now / 1000}:`).update(body).digest('base64');
    expect(r.headers).toEqual({ 'x-hook-sig': `sha512=${want}`, 'x-hook-time': String(now / 1000) });
    expect(r.verdict).toEqual({ valid: true });
    const b64 = Buffer.from('raw-key-bytes').toString('base64');
    const signed = signRequest(vapi, { body, secret: b64, timestampMs: now }, { auth: { mode: 'hmac', settings: { secretIsBase64: 'true', includeTimestamp: 'false' } } })!;
    expect(signed.headers).toEqual({ 'x-signature': createHmac('sha256', Buffer.from('raw-key-bytes')).update(body).digest('hex') });
  });

  it('payloadFormat placeholders become signed parts', () => {
    expect(payloadParts('{timestamp}.{body}')).toEqual(['timestamp', { literal: '.' }, 'body']);
    expect(payloadParts('v1:{svix-id}.{timestamp}.{body}')).toEqual([{ literal: 'v1:' }, 'id', { literal: '.' }, 'timestamp', { literal: '.' }, 'body']);
  });

  it.each([
    [{ algorithm: 'md5' }, 'expected sha256 or sha512 or sha1'],
    [{ colour: 'blue' }, 'the hmac mode has no such setting'],
    [{ includeTimestamp: 'false', payloadFormat: '{timestamp}.{body}' }, 'includeTimestamp is false'],
    [{ payloadFormat: '{svix-id}.{body}' }, 'messageIdHeader'],
    [{ signatureHeader: 'bad header' }, 'not a header name'],
  ])('hmac settings %j are a usage error', (settings, message) => {
    expect(() => schemeFor(vapi, { auth: { mode: 'hmac', settings } })).toThrow(UserError);
    expect(() => schemeFor(vapi, { auth: { mode: 'hmac', settings } })).toThrow(message);
  });

  it('listen detects the mode a request carries', () => {
    expect(modeOf(vapi, { 'x-vapi-secret': 's' })?.name).toBe('secret');
    expect(modeOf(vapi, { 'x-vapi-signature': 's' })?.name).toBe('secret');
    expect(modeOf(vapi, { authorization: 'Bearer s' })?.name).toBe('bearer');
    expect(modeOf(vapi, { 'x-signature': 'ab', 'x-timestamp': '1' })?.name).toBe('hmac');
    expect(modeOf(vapi, {})).toBeUndefined();
  });

  it('without --auth, send signs as X-Vapi-Secret, and the catalog says it is an assumption', () => {
    expect(signRequest(vapi, { body, secret: SECRET, timestampMs: now })!.headers).toEqual({ 'x-vapi-secret': SECRET });
    expect(vapi.defaultAuthMode).toMatchObject({ value: 'secret', provenance: 'assumed', override: '--auth' });
  });
});

describe('vapi backoffPlan', () => {
  const plan = vapi.delivery.backoff!;
  it.each([
    [{}, [0]],
    [{ kind: 'fixed', maxRetries: 3, baseDelaySeconds: 2 }, [0, 2000, 2000, 2000]],
    [{ kind: 'exponential', maxRetries: 4, baseDelaySeconds: 1.5 }, [0, 1500, 3000, 6000, 12000]],
    [{ kind: 'exponential', maxRetries: 10, baseDelaySeconds: 0 }, Array(11).fill(0)],
  ])('%j → %j', (p, delays) => expect(backoffDelays(plan, p)).toEqual(delays));

  it.each([
    [{ kind: 'linear' }, 'not a kind of server.backoffPlan (kinds: fixed, exponential)'],
    [{ maxRetries: 11 }, '--max-retries 11: server.backoffPlan allows 0 to 10'],
    [{ baseDelaySeconds: 10.5 }, '--base-delay 10.5: server.backoffPlan allows 0 to 10 seconds'],
  ])('%j is refused: %s', (p, message) => expect(() => backoffDelays(plan, p)).toThrow(message));
});

describe('vapi calls', () => {
  let n = 0;
  const rec = (event: string, callStep?: string) => ({ id: ++n, time: '', vendor: 'vapi', event, callId: 'C1', ...(callStep ? { callStep } : {}) });

  it('the call script, step by step, is in the flow\'s order: no notes, nothing missing', () => {
    const t = new CallTracker([vapi]);
    for (const step of vapi.callScript!.steps) {
      const body = load(event(step.event).fixtures[0]!);
      for (const [path, value] of Object.entries(step.set ?? {})) {
        const segs = path.split('.');
        let cur = body;
        for (const s of segs.slice(0, -1)) cur = cur[s];
        cur[segs.at(-1)!] = value;
      }
      expect(t.add(rec(step.event, vapi.callFlow!.step!(step.event, body)))!.notes).toEqual([]);
    }
    const [call] = t.all();
    expect(call!.ended).toBe(true);
    expect(t.missing(call!)).toEqual([]);
  });

  it('in-call messages interleave freely; the end of the call before in-progress is flagged; a missing report too', () => {
    const t = new CallTracker([vapi]);
    t.add(rec('status-update', 'status-update:in-progress'));
    expect(t.add(rec('tool-calls'))!.notes).toEqual([]);
    expect(t.add(rec('transcript'))!.notes).toEqual([]);
    expect(t.add(rec('status-update', 'status-update:ended'))!.notes).toEqual([]);
    expect(t.add(rec('status-update', 'status-update:ringing'))!.notes[0]).toMatch(/^status-update:ringing came after status-update:in-progress/);
    expect(t.missing(t.all()[0]!)).toEqual(['end-of-call-report']);
  });

  it('prepare puts the play\'s call id and time into a body', () => {
    const body = load('end-of-call-report.json');
    vapi.callScript!.prepare(body, { callId: 'play-1', atMs: 1_800_000_027_000, startedMs: 1_800_000_000_000 });
    expect(vapi.callId!(body)).toBe('play-1');
    expect(body.message.timestamp).toBe(1_800_000_027_000);
    expect(body.message.endedAt).toBe(new Date(1_800_000_027_000).toISOString());
    expect(issuesOf(event('end-of-call-report').schema, body)).toEqual([]);
  });
});
