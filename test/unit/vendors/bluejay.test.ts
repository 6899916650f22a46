import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import * as z from 'zod';
import { bluejay } from '../../../src/vendors/bluejay.js';
import type { EventDefinition } from '../../../src/vendors/types.js';

type Body = Record<string, any>;

const fixtureDir = new URL('../../../fixtures/bluejay/', import.meta.url);
const load = (name: string): Body => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8')) as Body;

const eventDef = (name: string): EventDefinition => {
  const found = bluejay.events.find((e) => e.name === name);
  if (!found) throw new Error(`no event ${name}`);
  return found;
};

/** A fixture of `event` with `change` applied to a deep copy. */
const broken = (event: string, change: (b: Body) => void): Body => {
  const body = structuredClone(load(eventDef(event).fixtures[0]!));
  change(body);
  return body;
};

const issuesOf = (event: string, body: unknown) => {
  const parsed = eventDef(event).schema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues;
};

const EVENTS = ['simulation_result_evaluated', 'observability_call_evaluated', 'simulation_ended', 'outbound_simulation_started'];

describe('bluejay vendor definition', () => {
  it('has the expected identity and events', () => {
    expect(bluejay.id).toBe('bluejay');
    expect(bluejay.aliases).toEqual([]);
    expect(bluejay.title).toBe('Bluejay');
    expect(bluejay.docsUrl).toBe('https://docs.getbluejay.ai');
    expect(bluejay.secretEnv).toEqual(['BLUEJAY_WEBHOOK_SECRET']);
    expect(bluejay.events.map((e) => e.name)).toEqual(EVENTS);
    for (const e of bluejay.events) {
      expect(e.description.length).toBeGreaterThan(0);
      expect(e.fixtures).toEqual([`${e.name}.json`]);
    }
  });

  it('documents no signing scheme and says why', () => {
    expect(bluejay.signing).toBeNull();
    expect(bluejay.signingNote).toMatch(/generate-signing-key/);
    expect(bluejay.signingNote).toMatch(/X-API-Key/);
    expect(bluejay.notes?.some((n) => n.includes('X-API-Key'))).toBe(true);
  });

  it('states delivery assumptions with provenance', () => {
    const d = bluejay.delivery;
    expect(d.retryDelaysMs).toMatchObject({ value: [0], provenance: 'assumed', override: '--schedule' });
    expect(d.timeoutMs).toMatchObject({ value: 30_000, provenance: 'assumed', override: '--timeout' });
    expect(d.success.provenance).toBe('documented');
    expect(d.success.isSuccess(200)).toBe(true);
    expect(d.success.isSuccess(204)).toBe(false);
    expect(d.success.isSuccess(500)).toBe(false);
    expect(d.dedupeKey.provenance).toBe('assumed');
  });

  it('marks the deprecated fields in the JSON Schema', () => {
    const json = z.toJSONSchema(eventDef('simulation_result_evaluated').schema, { unrepresentable: 'any' }) as {
      properties: Record<string, { deprecated?: boolean }>;
    };
    expect(json.properties.result?.deprecated).toBe(true);
    expect(json.properties.custom_metrics?.deprecated).toBe(true);
    expect(json.properties.evaluations?.deprecated).toBeUndefined();
  });
});

describe.each(EVENTS)('fixture %s', (event) => {
  const def = eventDef(event);
  const body = load(def.fixtures[0]!);

  it('carries its type and validates with no issues', () => {
    expect(body.type).toBe(event);
    expect(issuesOf(event, body)).toEqual([]);
  });

  it('is detected as its event', () => {
    expect(bluejay.detect(body)).toMatchObject({ match: true, event, part: 'request' });
  });

  it('is not valid against the other events', () => {
    for (const other of EVENTS.filter((e) => e !== event)) expect(issuesOf(other, body).length).toBeGreaterThan(0);
  });
});

describe('summaries', () => {
  it.each([
    ['simulation_result_evaluated', 'status COMPLETED, 2 evaluations, goal success'],
    ['observability_call_evaluated', 'status COMPLETED, INBOUND, 192.4 s'],
    ['simulation_ended', 'status CONVERSATION_ENDED, duration 196, simulation run 9462'],
    ['outbound_simulation_started', '3 digital humans'],
  ])('%s', (event, expected) => {
    const def = eventDef(event);
    expect(def.summarize?.(load(def.fixtures[0]!))).toBe(expected);
  });

  it('reports mixed goal results and singular counts', () => {
    const sim = broken('simulation_result_evaluated', (b) => {
      b.evaluations[1].goal_success = false;
    });
    expect(eventDef('simulation_result_evaluated').summarize?.(sim)).toBe('status COMPLETED, 2 evaluations, goal success 1/2');
    const one = broken('outbound_simulation_started', (b) => {
      b.digital_humans = b.digital_humans.slice(0, 1);
    });
    expect(eventDef('outbound_simulation_started').summarize?.(one)).toBe('1 digital human');
  });
});

interface Breakage {
  what: string;
  change: (b: Body) => void;
  code: 'invalid_type' | 'invalid_value' | 'unrecognized_keys' | 'invalid_format' | 'too_small';
  path: (string | number)[];
  keys?: string[];
}

const breakages: Record<string, Breakage[]> = {
  simulation_result_evaluated: [
    { what: 'missing id', change: (b) => delete b.id, code: 'invalid_type', path: ['id'] },
    { what: 'missing simulation_id', change: (b) => delete b.simulation_id, code: 'invalid_type', path: ['simulation_id'] },
    { what: 'agent_id as a string', change: (b) => (b.agent_id = '187'), code: 'invalid_type', path: ['agent_id'] },
    { what: 'digital_human_id not an integer', change: (b) => (b.digital_human_id = 3107.5), code: 'invalid_type', path: ['digital_human_id'] },
    { what: 'unknown status', change: (b) => (b.status = 'DONE'), code: 'invalid_value', path: ['status'] },
    { what: 'type of another event', change: (b) => (b.type = 'simulation_ended'), code: 'invalid_value', path: ['type'] },
    { what: 'unknown top-level field', change: (b) => (b.score = 91), code: 'unrecognized_keys', path: [], keys: ['score'] },
    { what: 'folder_id not a UUID', change: (b) => (b.folder_id = 'folder-12'), code: 'invalid_format', path: ['folder_id'] },
    { what: 'created_at not ISO', change: (b) => (b.created_at = '18/03/2025 14:01'), code: 'invalid_format', path: ['created_at'] },
    { what: 'evaluation with agent_speak_percentage as a string', change: (b) => (b.evaluations[0].agent_speak_percentage = '50%'), code: 'invalid_type', path: ['evaluations', 0, 'agent_speak_percentage'] },
    { what: 'latency figure as a string', change: (b) => (b.evaluations[0].latency.p50_agent_latency = '845ms'), code: 'invalid_type', path: ['evaluations', 0, 'latency', 'p50_agent_latency'] },
    { what: 'negative latency', change: (b) => (b.evaluations[0].latency.max_agent_latency = -1), code: 'too_small', path: ['evaluations', 0, 'latency', 'max_agent_latency'] },
    { what: 'unknown evaluation field', change: (b) => (b.evaluations[1].emotion = 'calm'), code: 'unrecognized_keys', path: ['evaluations', 1], keys: ['emotion'] },
    { what: 'custom metric without name', change: (b) => delete b.evaluations[0].custom_metrics[0].name, code: 'invalid_type', path: ['evaluations', 0, 'custom_metrics', 0, 'name'] },
    { what: 'unknown tool call field', change: (b) => (b.tool_calls[0].duration_ms = 120), code: 'unrecognized_keys', path: ['tool_calls', 0], keys: ['duration_ms'] },
    { what: 'event without title', change: (b) => delete b.events[1].title, code: 'invalid_type', path: ['events', 1, 'title'] },
    { what: 'latency list with a string', change: (b) => (b.latency[2] = 'n/a'), code: 'invalid_type', path: ['latency', 2] },
  ],
  observability_call_evaluated: [
    { what: 'missing recording_url', change: (b) => delete b.recording_url, code: 'invalid_type', path: ['recording_url'] },
    { what: 'missing participants', change: (b) => delete b.participants, code: 'invalid_type', path: ['participants'] },
    // zod reports a missing enum as invalid_value (received undefined), not invalid_type.
    { what: 'missing status', change: (b) => delete b.status, code: 'invalid_value', path: ['status'] },
    { what: 'id as an integer', change: (b) => (b.id = 123), code: 'invalid_type', path: ['id'] },
    { what: 'agent_id as an integer', change: (b) => (b.agent_id = 187), code: 'invalid_type', path: ['agent_id'] },
    { what: 'simulation-only status', change: (b) => (b.status = 'RUNNING'), code: 'invalid_value', path: ['status'] },
    { what: 'lower-case call_direction', change: (b) => (b.call_direction = 'inbound'), code: 'invalid_value', path: ['call_direction'] },
    { what: 'unknown interface', change: (b) => (b.interface = 'SIP'), code: 'invalid_value', path: ['interface'] },
    { what: 'unknown participant role', change: (b) => (b.participants[1].role = 'CALLER'), code: 'invalid_value', path: ['participants', 1, 'role'] },
    { what: 'unknown conversation_ended_by', change: (b) => (b.conversation_ended_by = 'SYSTEM'), code: 'invalid_value', path: ['conversation_ended_by'] },
    { what: 'start_time_utc not ISO', change: (b) => (b.start_time_utc = 'yesterday'), code: 'invalid_format', path: ['start_time_utc'] },
    { what: 'unknown top-level field', change: (b) => (b.cost_usd = 0.42), code: 'unrecognized_keys', path: [], keys: ['cost_usd'] },
    { what: 'unknown participant field', change: (b) => (b.participants[0].language = 'da'), code: 'unrecognized_keys', path: ['participants', 0], keys: ['language'] },
  ],
  simulation_ended: [
    { what: 'missing simulation_run_id', change: (b) => delete b.simulation_run_id, code: 'invalid_type', path: ['simulation_run_id'] },
    { what: 'missing digital_human_id', change: (b) => delete b.digital_human_id, code: 'invalid_type', path: ['digital_human_id'] },
    { what: 'duration as a string', change: (b) => (b.duration = '196'), code: 'invalid_type', path: ['duration'] },
    { what: 'unknown status', change: (b) => (b.status = 'ENDED'), code: 'invalid_value', path: ['status'] },
    { what: 'end_time not ISO', change: (b) => (b.end_time = '14:05'), code: 'invalid_format', path: ['end_time'] },
    { what: 'field of another event', change: (b) => (b.agent_id = 187), code: 'unrecognized_keys', path: [], keys: ['agent_id'] },
  ],
  outbound_simulation_started: [
    { what: 'missing digital_humans', change: (b) => delete b.digital_humans, code: 'invalid_type', path: ['digital_humans'] },
    { what: 'missing agent_id', change: (b) => delete b.agent_id, code: 'invalid_type', path: ['agent_id'] },
    { what: 'simulation_id as a string', change: (b) => (b.simulation_id = '412'), code: 'invalid_type', path: ['simulation_id'] },
    { what: 'digital human id as a string', change: (b) => (b.digital_humans[0].id = '3107'), code: 'invalid_type', path: ['digital_humans', 0, 'id'] },
    { what: 'digital human without phone_number', change: (b) => delete b.digital_humans[2].phone_number, code: 'invalid_type', path: ['digital_humans', 2, 'phone_number'] },
    { what: 'misspelt type', change: (b) => (b.type = 'outbound_simulation_start'), code: 'invalid_value', path: ['type'] },
    { what: 'unknown top-level field', change: (b) => (b.id = 1), code: 'unrecognized_keys', path: [], keys: ['id'] },
    { what: 'unknown digital human field', change: (b) => (b.digital_humans[1].persona = 'impatient'), code: 'unrecognized_keys', path: ['digital_humans', 1], keys: ['persona'] },
  ],
};

describe.each(EVENTS)('broken copies of %s', (event) => {
  it.each(breakages[event]!.map((b) => [b.what, b] as const))('%s', (_what, b) => {
    const issues = issuesOf(event, broken(event, b.change));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: b.code, path: b.path });
    if (b.keys) expect(issues[0]).toMatchObject({ keys: b.keys });
  });
});

describe('optional and nullable fields', () => {
  it.each([
    ['simulation_result_evaluated', (b: Body) => Object.assign(b, { folder_id: null, evaluations: null, custom_metrics: null, start_time: null, duration: null, tags: null })],
    ['simulation_result_evaluated', (b: Body) => ['type', 'status', 'folder_id', 'result', 'custom_metrics', 'evaluations', 'created_at', 'latency', 'events', 'tool_calls', 'tags', 'metadata'].forEach((k) => delete b[k])],
    ['observability_call_evaluated', (b: Body) => Object.assign(b, { recording_url: null, external_agent_id: null, call_direction: null, evaluations: null, annotations: null })],
    ['observability_call_evaluated', (b: Body) => (b.participants = [{ role: 'USER' }])],
    ['simulation_ended', (b: Body) => ['type', 'status', 'created_at', 'start_time', 'end_time', 'duration'].forEach((k) => delete b[k])],
    ['outbound_simulation_started', (b: Body) => (b.digital_humans = [])],
  ])('%s accepts %#', (event, change) => {
    expect(issuesOf(event, broken(event, change))).toEqual([]);
  });

  it('takes any value as tool call output and any keys in free-form objects', () => {
    const body = broken('simulation_result_evaluated', (b) => {
      b.tool_calls[0].output = [1, 'two', { three: 3 }];
      b.tool_calls.push({ name: 'hang_up' });
      b.result = { legacy_score: 0.9, nested: { any: true } };
      b.metadata = { anything: ['goes'] };
      b.evaluations[0].sentiment_scores = { joy: 0.4 };
    });
    expect(issuesOf('simulation_result_evaluated', body)).toEqual([]);
  });
});

describe('detect', () => {
  const untyped = (event: string) =>
    broken(event, (b) => {
      delete b.type;
    });

  it('takes an untyped body with the four integer ids as simulation_result_evaluated (the spec default)', () => {
    const body = untyped('simulation_result_evaluated');
    const result = bluejay.detect(body);
    expect(result).toMatchObject({ match: true, event: 'simulation_result_evaluated', part: 'request' });
    expect(result.reason).toMatch(/no `type`/);
    expect(issuesOf('simulation_result_evaluated', body)).toEqual([]);
  });

  it.each([
    ['simulation_ended', ['digital_human_id', 'simulation_run_id'], ['simulation_id', 'agent_id']],
    ['outbound_simulation_started', ['simulation_run_id', 'digital_humans'], ['digital_human_id']],
    ['observability_call_evaluated', ['start_time_utc + participants'], ['digital_human_id', 'simulation_run_id', 'simulation_id', 'agent_id (not an integer)']],
  ])('explains why an untyped %s is a near miss', (event, seen, missing) => {
    const result = bluejay.detect(untyped(event));
    expect(result.match).toBe(false);
    if (result.match) return;
    expect(result.resemblance).toBeGreaterThanOrEqual(0.5);
    expect(result.resemblance).toBeLessThanOrEqual(0.8);
    for (const key of seen) expect(result.reason).toContain(key);
    expect(result.reason).toContain(`missing: ${missing.join(', ')}`);
  });

  it('names a non-integer id as the reason an untyped body is not taken', () => {
    const body = untyped('simulation_result_evaluated');
    body.agent_id = 'agt_187';
    const result = bluejay.detect(body);
    expect(result).toMatchObject({ match: false });
    expect(result.reason).toContain('missing: agent_id (not an integer)');
  });

  it('gives 0.8 to a string type that is not a known event', () => {
    const body = broken('simulation_ended', (b) => (b.type = 'simulation_started'));
    const result = bluejay.detect(body);
    expect(result).toMatchObject({ match: false, resemblance: 0.8 });
    expect(result.reason).toContain('"simulation_started"');
  });

  it('does not take a non-string type', () => {
    const body = broken('simulation_result_evaluated', (b) => (b.type = 1));
    const result = bluejay.detect(body);
    expect(result.match).toBe(false);
    expect(result.reason).toContain('`type` is number');
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'simulation_ended'],
    ['an empty object', {}],
  ])('rejects %s with resemblance 0', (_what, body) => {
    expect(bluejay.detect(body)).toMatchObject({ match: false, resemblance: 0 });
  });

  it.each([
    ['relyable', load('../relyable/test_run.completed.json')],
    ['smallest current', { url: 'https://example.com/hook', description: 'post call', event: '66f1a2b3c4d5e6f7a8b9c0d1.post-conversation', id: '6720a1b2c3d4e5f6a7b8c9d0', metadata: { agentId: '66f1a2b3c4d5e6f7a8b9c0d1', eventType: 'post-conversation', conversationType: 'telephonyInbound', callId: 'CALL-1735123' } }],
    ['smallest legacy', { event: 'call.start', timestamp: '2025-01-16T15:38:00Z', call_id: 'call_123', agent_id: 'agent_456' }],
    ['synthflow post-call', { status: 'completed', lead: { name: 'Ann', phone_number: '+15551234567' }, call: { call_id: 'abc-123', status: 'completed', duration: 42, start_time: 1737040680 } }],
    ['synthflow inbound', { event: 'call_inbound', call_inbound: { model_id: 'm1', from_number: '+15551234567', to_number: '+15557654321' } }],
  ])('never claims a %s body', (_vendor, body) => {
    expect(bluejay.detect(body)).toMatchObject({ match: false, resemblance: 0 });
  });
});

describe('dedupe key', () => {
  it.each([
    ['simulation_result_evaluated', 'simulation_result_evaluated:58214'],
    ['observability_call_evaluated', 'observability_call_evaluated:call_6f1c2b7e90a44d8d'],
    ['simulation_ended', 'simulation_ended:58214'],
    ['outbound_simulation_started', 'outbound_simulation_started:9463'],
  ])('%s', (event, expected) => {
    expect(bluejay.delivery.dedupeKey.key(load(`${event}.json`))).toBe(expected);
  });

  it('uses the spec default type for an untyped simulation result, and gives up otherwise', () => {
    const body = load('simulation_result_evaluated.json');
    delete body.type;
    expect(bluejay.delivery.dedupeKey.key(body)).toBe('simulation_result_evaluated:58214');
    const ended = load('simulation_ended.json');
    delete ended.type;
    expect(bluejay.delivery.dedupeKey.key(ended)).toBeUndefined();
    expect(bluejay.delivery.dedupeKey.key('nope')).toBeUndefined();
    expect(bluejay.delivery.dedupeKey.key({ type: 'simulation_ended' })).toBeUndefined();
  });
});
