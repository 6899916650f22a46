import { createHmac } from 'node:crypto';
import { signatureOf, verifyValue } from '../../helpers/signing.js';
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { smallest } from '../../../src/vendors/smallest.js';
import type { EventDefinition } from '../../../src/vendors/types.js';

const fixturesDir = new URL('../../../fixtures/smallest/', import.meta.url);
const raw = (name: string) => readFileSync(new URL(name, fixturesDir));
const load = (name: string): Record<string, any> => JSON.parse(raw(name).toString('utf8'));
const eventDef = (name: string): EventDefinition => {
  const def = smallest.events.find((e) => e.name === name);
  if (!def) throw new Error(`no event ${name}`);
  return def;
};

/** Apply a mutation to a deep copy of a fixture. */
const broken = (fixture: string, mutate: (body: Record<string, any>) => void) => {
  const body = structuredClone(load(fixture));
  mutate(body);
  return body;
};

const issuesOf = (event: string, body: unknown) => {
  const result = eventDef(event).schema.safeParse(body);
  return result.success ? [] : result.error.issues.map((i) => ({ code: i.code, path: i.path }));
};

describe('smallest fixtures', () => {
  const cases = smallest.events.flatMap((e) => e.fixtures.map((f) => [e.name, f] as const));

  it('covers every event, current and legacy', () => {
    expect(cases.map(([event]) => event).sort()).toEqual(
      ['analytics-completed', 'analytics.completed', 'call.end', 'call.start', 'post-conversation', 'pre-conversation'],
    );
  });

  it.each(cases)('%s: %s validates with no issues (no drift)', (event, fixture) => {
    const result = eventDef(event).schema.safeParse(load(fixture));
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it.each(cases)('%s: %s is detected as its event', (event, fixture) => {
    expect(smallest.detect(load(fixture))).toMatchObject({ match: true, event, part: 'request' });
  });

  it('marks exactly the three old events as legacy', () => {
    expect(smallest.events.filter((e) => e.legacy).map((e) => e.name)).toEqual(['call.start', 'call.end', 'analytics.completed']);
    expect(eventDef('call.end').legacy).toMatch(/^superseded by post-conversation; the vendor no longer links this page$/);
  });
});

describe('smallest summaries', () => {
  it.each([
    ['pre-conversation', '+16285550113 → +14155550142 (telephonyOutbound)'],
    ['post-conversation', 'completed, 92.4 s, 8 turns'],
    ['call.start', 'inbound: caller +15551234567, agent +15559876543'],
    ['call.end', 'successful, 300 s, 2 turns'],
    ['analytics.completed', 'satisfaction_score=4, issue_resolved=true, follow_up_needed=false, product_discussed="Widget Pro"'],
  ])('%s → %s', (event, summary) => {
    expect(eventDef(event).summarize?.(load(`${event}.json`))).toBe(summary);
  });

  it('analytics-completed shows the summary and the disposition metrics on one line', () => {
    const line = eventDef('analytics-completed').summarize?.(load('analytics-completed.json')) ?? '';
    expect(line).toMatch(/^The agent called Daniel Okafor/);
    expect(line).toContain('appointment_outcome="rescheduled"');
    expect(line).not.toContain('\n');
  });

  it.each(smallest.events.map((e) => [e.name, e] as const))('%s: summarize does not throw on junk', (_name, e) => {
    for (const junk of [null, 42, 'x', [], {}, { metadata: null }]) expect(typeof e.summarize?.(junk)).toBe('string');
  });
});

describe('smallest schemas reject broken copies', () => {
  type Case = [event: string, what: string, mutate: (b: Record<string, any>) => void, code: string, path: (string | number)[]];
  const cases: Case[] = [
    // pre-conversation
    ['pre-conversation', 'missing metadata.callId', (b) => delete b.metadata.callId, 'invalid_type', ['metadata', 'callId']],
    ['pre-conversation', 'missing url', (b) => delete b.url, 'invalid_type', ['url']],
    ['pre-conversation', 'toPhone as a number', (b) => (b.metadata.toPhone = 14155550142), 'invalid_type', ['metadata', 'toPhone']],
    ['pre-conversation', 'fromPhone not E.164', (b) => (b.metadata.fromPhone = '6285550113'), 'invalid_format', ['metadata', 'fromPhone']],
    ['pre-conversation', 'unknown conversationType', (b) => (b.metadata.conversationType = 'webCall'), 'invalid_value', ['metadata', 'conversationType']],
    ['pre-conversation', 'wrong eventType', (b) => (b.metadata.eventType = 'post-conversation'), 'invalid_value', ['metadata', 'eventType']],
    ['pre-conversation', 'envelope id not 24 hex', (b) => (b.id = 'webhook123'), 'invalid_format', ['id']],
    ['pre-conversation', 'unknown top-level key', (b) => (b.timestamp = '2025-09-17T15:29:15Z'), 'unrecognized_keys', []],
    ['pre-conversation', 'unknown metadata key', (b) => (b.metadata.callDirection = 'outbound'), 'unrecognized_keys', ['metadata']],
    // post-conversation
    ['post-conversation', 'missing transcript', (b) => delete b.metadata.transcript, 'invalid_type', ['metadata', 'transcript']],
    ['post-conversation', 'missing callData.endTime', (b) => delete b.metadata.callData.endTime, 'invalid_type', ['metadata', 'callData', 'endTime']],
    ['post-conversation', 'callDuration as a string', (b) => (b.metadata.callData.callDuration = '92.4'), 'invalid_type', ['metadata', 'callData', 'callDuration']],
    ['post-conversation', 'variable value as a number', (b) => (b.metadata.variables.due_amount = 29000), 'invalid_type', ['metadata', 'variables', 'due_amount']],
    ['post-conversation', 'unknown callStatus', (b) => (b.metadata.callData.callStatus = 'ringing'), 'invalid_value', ['metadata', 'callData', 'callStatus']],
    ['post-conversation', 'unknown transcript role', (b) => (b.metadata.transcript[1].role = 'assistant'), 'invalid_value', ['metadata', 'transcript', 1, 'role']],
    ['post-conversation', 'unknown callDirection', (b) => (b.metadata.callData.callDirection = 'outbound'), 'invalid_value', ['metadata', 'callData', 'callDirection']],
    ['post-conversation', 'recordingUrl not a URL', (b) => (b.metadata.recordingUrl = 'composite.wav'), 'invalid_format', ['metadata', 'recordingUrl']],
    ['post-conversation', 'answerTime not ISO', (b) => (b.metadata.callData.answerTime = '2025-09-17 15:29:16'), 'invalid_format', ['metadata', 'callData', 'answerTime']],
    ['post-conversation', 'unknown callData key', (b) => (b.metadata.callData.callCost = 0.12), 'unrecognized_keys', ['metadata', 'callData']],
    ['post-conversation', 'unknown transcript key', (b) => (b.metadata.transcript[0].confidence = 0.9), 'unrecognized_keys', ['metadata', 'transcript', 0]],
    // analytics-completed
    ['analytics-completed', 'missing analytics.summary', (b) => delete b.metadata.analytics.summary, 'invalid_type', ['metadata', 'analytics', 'summary']],
    ['analytics-completed', 'missing metric value', (b) => delete b.metadata.analytics.dispositionMetrics[0].value, 'invalid_union', ['metadata', 'analytics', 'dispositionMetrics', 0, 'value']],
    ['analytics-completed', 'metric value as an object', (b) => (b.metadata.analytics.successMetrics[0].value = { ok: true }), 'invalid_union', ['metadata', 'analytics', 'successMetrics', 0, 'value']],
    ['analytics-completed', 'metric value as a float', (b) => (b.metadata.analytics.dispositionMetrics[1].value = 4.5), 'invalid_union', ['metadata', 'analytics', 'dispositionMetrics', 1, 'value']],
    ['analytics-completed', 'confidence above 1', (b) => (b.metadata.analytics.dispositionMetrics[0].confidence = 96), 'too_big', ['metadata', 'analytics', 'dispositionMetrics', 0, 'confidence']],
    ['analytics-completed', 'summary as a number', (b) => (b.metadata.analytics.summary = 42), 'invalid_type', ['metadata', 'analytics', 'summary']],
    ['analytics-completed', 'spec-spelled bad callStatus', (b) => (b.metadata.callData.callStatus = 'voicemail'), 'invalid_value', ['metadata', 'callData', 'callStatus']],
    ['analytics-completed', 'unknown analytics key', (b) => (b.metadata.analytics.sentiment = 'positive'), 'unrecognized_keys', ['metadata', 'analytics']],
    ['analytics-completed', 'unknown metric key', (b) => (b.metadata.analytics.dispositionMetrics[2].weight = 1), 'unrecognized_keys', ['metadata', 'analytics', 'dispositionMetrics', 2]],
    ['analytics-completed', 'transcript on analytics', (b) => (b.metadata.transcript = []), 'unrecognized_keys', ['metadata']],
  ];

  it.each(cases)('%s: %s → %s', (event, _what, mutate, code, path) => {
    expect(issuesOf(event, broken(`${event}.json`, mutate))).toContainEqual({ code, path });
  });

  it.each(cases)('%s: %s is still detected as its event', (event, _what, mutate) => {
    const body = broken(`${event}.json`, mutate);
    if (typeof body.metadata?.eventType === 'string' && body.metadata.eventType !== event) return;
    expect(smallest.detect(body)).toMatchObject({ match: true, event });
  });

  it('an unknown dispositionMetricType is a warning, not an error', () => {
    const body = broken('analytics-completed.json', (b) => (b.metadata.analytics.dispositionMetrics[0].dispositionMetricType = 'ENUM'));
    const result = eventDef('analytics-completed').schema.safeParse(body);
    expect(result.success).toBe(false);
    const issue = result.success ? undefined : result.error.issues[0];
    expect(issue?.path).toEqual(['metadata', 'analytics', 'dispositionMetrics', 0, 'dispositionMetricType']);
    expect((issue as { params?: Record<string, unknown> } | undefined)?.params).toMatchObject({ severity: 'warning', code: 'unknown-enum-value' });
  });

  it.each([
    ['post-conversation', 'guide spelling no-answer', 'no-answer'],
    ['post-conversation', 'spec spelling no_answer', 'no_answer'],
    ['post-conversation', 'busy', 'busy'],
    ['analytics-completed', 'guide spelling canceled', 'canceled'],
    ['analytics-completed', 'spec spelling cancelled', 'cancelled'],
    ['analytics-completed', 'failed', 'failed'],
  ])('%s accepts callStatus %s', (event, _what, status) => {
    expect(issuesOf(event, broken(`${event}.json`, (b) => (b.metadata.callData.callStatus = status)))).toEqual([]);
  });

  it('accepts callData without callDirection and metrics with only identifier and value', () => {
    const body = broken('analytics-completed.json', (b) => {
      delete b.metadata.callData.callDirection;
      b.metadata.analytics.successMetrics = [{ identifier: 'booked', value: 'yes' }];
    });
    expect(issuesOf('analytics-completed', body)).toEqual([]);
  });
});

describe('smallest event/metadata consistency', () => {
  it.each([
    ['pre-conversation', 'another agent id', (b: Record<string, any>) => (b.event = '68c9f2a41e7b3d05a9f1c2e9.pre-conversation')],
    ['post-conversation', 'another event type', (b: Record<string, any>) => (b.event = '68c9f2a41e7b3d05a9f1c2e8.pre-conversation')],
    ['analytics-completed', 'no agent id prefix', (b: Record<string, any>) => (b.event = 'analytics-completed')],
    ['analytics-completed', 'underscore instead of dash', (b: Record<string, any>) => (b.event = '68c9f2a41e7b3d05a9f1c2e8.analytics_completed')],
  ])('%s: event with %s is reported on $.event', (event, _what, mutate) => {
    expect(issuesOf(event, broken(`${event}.json`, mutate))).toEqual([{ code: 'custom', path: ['event'] }]);
  });

  it('names both sides in the message', () => {
    const body = broken('post-conversation.json', (b) => (b.event = 'abc.post-conversation'));
    const result = eventDef('post-conversation').schema.safeParse(body);
    expect(result.success ? '' : result.error.issues[0]?.message).toContain('"68c9f2a41e7b3d05a9f1c2e8.post-conversation"');
  });

  it('is reported next to other issues, not hidden by them', () => {
    const body = broken('post-conversation.json', (b) => {
      b.event = 'abc.post-conversation';
      b.metadata.callData.callDuration = 'long';
    });
    expect(issuesOf('post-conversation', body)).toEqual(
      expect.arrayContaining([
        { code: 'invalid_type', path: ['metadata', 'callData', 'callDuration'] },
        { code: 'custom', path: ['event'] },
      ]),
    );
  });

  it('checks the suffix when metadata.agentId is missing', () => {
    const ok = broken('pre-conversation.json', (b) => delete b.metadata.agentId);
    expect(issuesOf('pre-conversation', ok)).toEqual([{ code: 'invalid_type', path: ['metadata', 'agentId'] }]);
    const bad = broken('pre-conversation.json', (b) => {
      delete b.metadata.agentId;
      b.event = 'x.post-conversation';
    });
    expect(issuesOf('pre-conversation', bad)).toContainEqual({ code: 'custom', path: ['event'] });
  });
});

describe('smallest detect', () => {
  it.each([
    ['unknown metadata.eventType', { event: 'a.call-transferred', metadata: { agentId: 'a', eventType: 'call-transferred' } }, 'metadata.eventType "call-transferred" is not one of pre-conversation, post-conversation, analytics-completed'],
    ['metadata without eventType', { metadata: { agentId: '68c9f2a41e7b3d05a9f1c2e8', callId: 'CALL-1' } }, 'metadata.eventType is missing'],
    ['event suffix without metadata', { event: '68c9f2a41e7b3d05a9f1c2e8.post-conversation', id: '68ca1b9c2f60d87e4a13b5d2' }, 'no metadata object'],
    ['legacy event without call_id', { event: 'call.end', timestamp: '2024-07-15T14:35:00Z', agent_id: 'agent_abc123' }, 'call_id is missing'],
    ['legacy-shaped body with another event', { event: 'call.transfer', timestamp: '2024-07-15T14:35:00Z', agent_id: 'a', call_id: 'c' }, 'is not one of call.start, call.end, analytics.completed'],
  ])('%s is a near miss', (_what, body, reason) => {
    const result = smallest.detect(body);
    expect(result.match).toBe(false);
    if (result.match) return;
    expect(result.resemblance).toBeGreaterThanOrEqual(0.5);
    expect(result.resemblance).toBeLessThanOrEqual(0.8);
    expect(result.reason).toContain(reason);
  });

  it('an <agentId>.<eventType> event without metadata resembles at 0.7', () => {
    expect(smallest.detect({ event: 'abc.pre-conversation' })).toMatchObject({ match: false, resemblance: 0.7 });
  });

  it.each([
    ['relyable test_run.completed', { event: 'test_run.completed', timestamp: '2025-01-16T15:38:00Z', data: { test_run_id: 'run_1', agent_id: 'a' } }],
    ['a {event, timestamp, data} envelope with a legacy name', { event: 'call.end', timestamp: '2025-01-16T15:38:00Z', data: { call_id: 'c' }, call_id: 'c' }],
    ['synthflow inbound', { event: 'call_inbound', call_inbound: { model_id: 'm', from_number: '+14155550142', to_number: '+16285550113' } }],
    ['synthflow post-call', { status: 'completed', lead: { name: 'Jane', phone_number: '+14155550142' }, call: { call_id: 'abc', status: 'completed', duration: 30 } }],
    ['bluejay', { type: 'simulation_ended', id: 1, digital_human_id: 2, simulation_run_id: 3 }],
    ['a metadata object of someone else', { type: 'x', metadata: { source: 'crm' } }],
    ['an empty object', {}],
    ['an array', []],
    ['null', null],
  ])('does not claim %s', (_what, body) => {
    const result = smallest.detect(body);
    expect(result.match).toBe(false);
    if (!result.match) expect(result.resemblance).toBeLessThan(0.5);
  });
});

describe('smallest signing', () => {
  const signing = smallest.signing!;
  const secret = 'whsec-atoms-4f1c9a2e7b';
  const body = raw('post-conversation.json');
  const expected = createHmac('sha256', secret).update(body).digest('hex');

  it('signs the raw bytes as lowercase hex, no prefix, in X-Signature', () => {
    expect(signing.headers.value).toEqual(['x-signature']);
    expect(signing.encoding.value).toBe('hex');
    expect(signatureOf(signing, body, secret)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not re-serialise: pretty and compact bodies sign differently', () => {
    const compact = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    expect(signatureOf(signing, compact, secret)).not.toBe(expected);
  });

  it('verifies its own signature', () => {
    expect(verifyValue(signing, body, secret, expected)).toEqual({ valid: true });
  });

  const changed = Buffer.from(body);
  changed[changed.indexOf('9'.charCodeAt(0))] = '8'.charCodeAt(0);
  const base64 = createHmac('sha256', secret).update(body).digest('base64');

  it.each([
    ['a missing header', body, secret, undefined, 'missing'],
    ['an empty header', body, secret, '', 'missing'],
    ['a wrong-length value', body, secret, expected.slice(0, 40), 'malformed'],
    ['base64 instead of hex', body, secret, base64, 'malformed'],
    ['the old sha256= prefix', body, secret, `sha256=${expected}`, 'malformed'],
    ['a body changed by one byte', changed, secret, expected, 'mismatch'],
    ['a wrong secret', body, 'not-the-secret', expected, 'mismatch'],
  ] as const)('returns {valid:false} without throwing for %s', (_what, bytes, key, header, reason) => {
    let result: ReturnType<typeof signing.verify> | undefined;
    expect(() => (result = verifyValue(signing, bytes, key, header))).not.toThrow();
    expect(result).toMatchObject({ valid: false, reason });
  });
});

describe('smallest delivery', () => {
  const { delivery } = smallest;

  it.each([
    [200, true],
    [204, true],
    [299, true],
    [300, false],
    [500, false],
  ])('status %i counts as delivered: %s', (status, ok) => {
    expect(delivery.success.isSuccess(status)).toBe(ok);
  });

  it('makes one attempt within 30 s, all documented', () => {
    expect(delivery.retryDelaysMs.value).toEqual([0]);
    expect(delivery.timeoutMs.value).toBe(30_000);
    for (const fact of [delivery.retryDelaysMs, delivery.success, delivery.timeoutMs, delivery.dedupeKey]) expect(fact.provenance).toBe('documented');
  });

  it.each([
    ['pre-conversation.json', 'CALL-1758122954213-a41f09:pre-conversation'],
    ['post-conversation.json', 'CALL-1758122954213-a41f09:post-conversation'],
    ['analytics-completed.json', 'CALL-1758122954213-a41f09:analytics-completed'],
    ['call.start.json', 'call_xyz789:call.start'],
    ['call.end.json', 'call_xyz789:call.end'],
    ['analytics.completed.json', 'call_xyz789:analytics.completed'],
  ])('dedupe key of %s is %s', (fixture, key) => {
    expect(delivery.dedupeKey.key(load(fixture))).toBe(key);
  });

  it('a redelivery with a new envelope id has the same dedupe key', () => {
    const again = broken('post-conversation.json', (b) => (b.id = '68ca1c0a9b3e52d7f1a4c8e0'));
    expect(delivery.dedupeKey.key(again)).toBe(delivery.dedupeKey.key(load('post-conversation.json')));
  });

  it.each([[null], [{}], [{ metadata: { callId: 'c' } }], [{ event: 'call.end' }]])('no dedupe key for %j', (body) => {
    expect(delivery.dedupeKey.key(body)).toBeUndefined();
  });
});

describe('smallest identity', () => {
  it('has its id, alias, env vars and the superseded-header note', () => {
    expect(smallest).toMatchObject({
      id: 'smallest',
      aliases: ['atoms'],
      title: 'Smallest.ai Atoms',
      docsUrl: 'https://atoms-docs.smallest.ai',
      secretEnv: ['SMALLEST_WEBHOOK_SECRET', 'ATOMS_WEBHOOK_SECRET'],
    });
    expect(smallest.notes?.some((n) => n.includes('X-Atoms-Signature: sha256=<hex>'))).toBe(true);
  });
});
