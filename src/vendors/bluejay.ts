// Bluejay: simulations (test calls by digital humans) and observability (evaluated production calls).
// Source: https://docs.getbluejay.ai (events_webhook page, snapshot in shared/vendor-docs/bluejay-events-webhook.txt).
// One webhook; the flat body is one of four shapes, discriminated by `type` (optional, default
// `simulation_result_evaluated`). Nested objects have no required-field list in the docs: hookscope
// takes the generated example's ordering (required fields first) as the hint.
import * as z from 'zod';
import { anyObject, isoDateTime } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import { lazy, lazySchemas } from './lazy.js';
import type { DetectResult, VendorDefinition } from './types.js';

/** Optional and nullable, as the spec marks most non-required fields. */
const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

const simulationStatus = lazy(() => z.enum([
  'INITIALIZING',
  'QUEUED',
  'READY',
  'DISPATCHED',
  'RUNNING',
  'CONVERSATION_ENDED',
  'EVALUATING',
  'COMPLETED',
  'INCOMPLETED',
  'REJECTED',
  'INSUFFICIENT_FUNDS',
]));
const callStatus = () => z.enum(['INITIALIZING', 'QUEUED', 'EVALUATING', 'COMPLETED', 'INCOMPLETED']);
const role = lazy(() => z.enum(['AGENT', 'USER']));

const customMetric = lazy(() => z.strictObject({
  name: z.string(),
  description: opt(z.string()),
  response_type: opt(z.string()),
  response_value: opt(z.string()),
  reasoning: opt(z.string()),
  min_value: opt(z.number()),
  max_value: opt(z.number()),
  category: opt(z.string()),
  tags: opt(z.array(z.string())),
  scoring_guidance: opt(z.string()),
  enum_options: opt(z.array(z.string())),
}));

// The spec's examples show 0 for every latency figure: a minimum of 0.
const ms = () => opt(z.number().nonnegative());

const latency = () => z.strictObject({
  avg_agent_latency: ms(),
  max_agent_latency: ms(),
  p50_agent_latency: ms(),
  p90_agent_latency: ms(),
  p95_agent_latency: ms(),
  p99_agent_latency: ms(),
});

const fillerIgnoredLatency = () => z.strictObject({
  avg_filler_ignored_latency: ms(),
  p50_filler_ignored_latency: ms(),
  p90_filler_ignored_latency: ms(),
  p95_filler_ignored_latency: ms(),
  p99_filler_ignored_latency: ms(),
});

const evaluation = lazy(() => z.strictObject({
  // The generated example lists these two first, which hints they may be required, but the
  // spec marks no nested field required: a false "missing field" error costs users more
  // than a missed one, so they are optional like the rest.
  agent_speak_percentage: opt(z.number()),
  avg_agent_latency: opt(z.number()),
  id: opt(z.string()),
  created_at: opt(isoDateTime()),
  hallucination: opt(z.boolean()),
  hallucination_reasoning: opt(z.string()),
  redundancy: opt(z.boolean()),
  redundancy_reasoning: opt(z.string()),
  latency: opt(latency()),
  filler_ignored_latency: opt(fillerIgnoredLatency()),
  num_turns: opt(z.int().nonnegative()),
  call_summary: opt(z.string()),
  custom_evals: opt(z.array(z.unknown())),
  custom_evals_success_rate: opt(z.number()),
  goal_success: opt(z.boolean()),
  goal_reasoning: opt(z.string()),
  pronunciation_score: opt(z.number()),
  pronunciation_reasoning: opt(z.string()),
  sentiment_label: opt(z.string()),
  sentiment_score: opt(z.number()),
  sentiment_scores: opt(anyObject()),
  custom_metrics: opt(z.array(customMetric())),
}));

const timelineEvent = lazy(() => z.strictObject({
  title: z.string(),
  start_offset_ms: opt(z.int().nonnegative()),
  description: opt(z.string()),
  end_offset_ms: opt(z.int().nonnegative()),
  tags: opt(z.array(z.string())),
  metadata: opt(anyObject()),
}));

const toolCall = lazy(() => z.strictObject({
  name: z.string(),
  start_offset_ms: opt(z.int().nonnegative()),
  description: opt(z.string()),
  parameters: opt(anyObject()),
  output: z.unknown().optional(),
}));

const participant = () => z.strictObject({
  role: role(),
  spoke_first: opt(z.boolean()),
  name: opt(z.string()),
  phone_number: opt(z.string()),
});

const digitalHuman = () => z.strictObject({
  id: z.int(),
  name: z.string(),
  phone_number: z.string(),
  associated_simulation_result_ids: opt(z.array(z.int())),
});

const typeField = (event: string) =>
  z.literal(event).optional().meta({ description: 'Type of webhook payload; optional in the spec (default simulation_result_evaluated)' });

const count = (n: unknown, one: string, many: string) => (Array.isArray(n) ? `${n.length} ${n.length === 1 ? one : many}` : `0 ${many}`);

function goal(evaluations: unknown): string | undefined {
  if (!Array.isArray(evaluations)) return undefined;
  const results = evaluations.map((e) => field(e, 'goal_success')).filter((g): g is boolean => typeof g === 'boolean');
  if (results.length === 0) return undefined;
  const ok = results.filter(Boolean).length;
  if (ok === results.length) return 'goal success';
  if (ok === 0) return 'goal failed';
  return `goal success ${ok}/${results.length}`;
}

const seconds = (ms: unknown) => (typeof ms === 'number' ? `${Math.round(ms / 100) / 10} s` : '? s');

// Each schema is built on first use (lazy.ts); the parts above are builders, called by the events that use them.
const events = lazySchemas([
  {
    name: 'simulation_result_evaluated',
    personal: ['evaluations[*].call_summary', 'evaluations[*].goal_reasoning', 'evaluations[*].hallucination_reasoning', 'evaluations[*].redundancy_reasoning', 'evaluations[*].pronunciation_reasoning', 'events[*].description', 'participants[*].name'],
    description: 'A simulated call by a digital human was evaluated: status, evaluations, metrics, events and tool calls.',
    fixtures: ['simulation_result_evaluated.json'],
    schema: () => z.strictObject({
      type: typeField('simulation_result_evaluated'),
      id: z.int(),
      digital_human_id: z.int(),
      simulation_run_id: z.int(),
      simulation_id: z.int(),
      agent_id: z.int(),
      status: simulationStatus().optional().meta({ description: 'The status of the simulation result (default COMPLETED)' }),
      folder_id: opt(z.uuid()),
      result: anyObject().optional().meta({ deprecated: true, description: 'Deprecated: use evaluations instead' }),
      custom_metrics: opt(z.array(customMetric())).meta({ deprecated: true, description: 'Deprecated: use the custom metrics in evaluations instead' }),
      evaluations: opt(z.array(evaluation())),
      created_at: opt(isoDateTime()),
      start_time: opt(isoDateTime()),
      end_time: opt(isoDateTime()),
      duration: opt(z.int()),
      latency: opt(z.array(z.number())),
      events: opt(z.array(timelineEvent())),
      tool_calls: opt(z.array(toolCall())),
      tags: opt(z.array(z.string())),
      metadata: anyObject().optional(),
    }),
    summarize(body) {
      const evaluations = field(body, 'evaluations');
      const parts = [`status ${String(field(body, 'status') ?? 'COMPLETED')}`, count(evaluations, 'evaluation', 'evaluations')];
      const g = goal(evaluations);
      if (g) parts.push(g);
      return parts.join(', ');
    },
  },
  {
    name: 'observability_call_evaluated',
    personal: ['evaluations[*].call_summary', 'evaluations[*].goal_reasoning', 'evaluations[*].hallucination_reasoning', 'evaluations[*].redundancy_reasoning', 'evaluations[*].pronunciation_reasoning', 'events[*].description', 'participants[*].name'],
    description: 'A production call sent to Bluejay observability was evaluated: participants, recording, evaluations.',
    fixtures: ['observability_call_evaluated.json'],
    schema: () => z.strictObject({
      type: typeField('observability_call_evaluated'),
      id: z.string(),
      agent_id: z.string(),
      external_agent_id: opt(z.string()),
      recording_url: z.string().nullable().meta({ description: 'URL to the recording file (.mp4, .wav, .m4a); required but may be null' }),
      start_time_utc: isoDateTime(),
      participants: z.array(participant()),
      call_direction: opt(z.enum(['INBOUND', 'OUTBOUND'])),
      interface: opt(z.enum(['PHONE', 'WEB'])),
      status: callStatus(),
      created_at: opt(z.string()),
      transcript_url: opt(z.string()),
      tool_calls: opt(z.array(toolCall())),
      events: opt(z.array(timelineEvent())),
      tags: opt(z.array(z.string())),
      duration_ms: opt(z.int().nonnegative()),
      evaluations: opt(z.array(evaluation())),
      annotations: opt(z.array(z.unknown())),
      metadata: opt(anyObject()),
      custom_metrics: opt(z.array(customMetric())),
      conversation_ended_by: opt(role()),
    }),
    summarize: (body) =>
      `status ${String(field(body, 'status'))}, ${String(field(body, 'call_direction') ?? 'direction ?')}, ${seconds(field(body, 'duration_ms'))}`,
  },
  {
    name: 'simulation_ended',
    description: 'A simulated call ended (before evaluation): status, start/end time, duration.',
    fixtures: ['simulation_ended.json'],
    schema: () => z.strictObject({
      type: typeField('simulation_ended'),
      id: z.int(),
      digital_human_id: z.int(),
      simulation_run_id: z.int(),
      status: simulationStatus().optional(),
      // Same simulation-result fields as simulation_result_evaluated, where the spec says date-time.
      created_at: opt(isoDateTime()),
      start_time: opt(isoDateTime()),
      end_time: opt(isoDateTime()),
      duration: opt(z.int()),
    }),
    summarize: (body) => `status ${String(field(body, 'status') ?? '?')}, duration ${String(field(body, 'duration') ?? '?')}, simulation run ${String(field(body, 'simulation_run_id'))}`,
  },
  {
    name: 'outbound_simulation_started',
    description: 'An outbound simulation run started: the digital humans that will call the agent.',
    fixtures: ['outbound_simulation_started.json'],
    schema: () => z.strictObject({
      type: typeField('outbound_simulation_started'),
      agent_id: z.int(),
      simulation_id: z.int(),
      simulation_run_id: z.int(),
      digital_humans: z.array(digitalHuman()),
    }),
    summarize: (body) => count(field(body, 'digital_humans'), 'digital human', 'digital humans'),
  },
]);

const eventNames = events.map((e) => e.name);

/** The integer fields that make an untyped body a simulation_result_evaluated (the spec default). */
const DEFAULT_KEYS = ['digital_human_id', 'simulation_run_id', 'simulation_id', 'agent_id'] as const;

function detect(body: unknown): DetectResult {
  if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
  const type = body.type;
  if (typeof type === 'string') {
    if (eventNames.includes(type)) return { match: true, event: type, part: 'request', reason: '`type` names a bluejay event' };
    // `type` alone is too common to claim a body; Bluejay's run ids make it Bluejay's.
    const ours = 'simulation_run_id' in body || 'digital_human_id' in body || ('evaluations' in body && 'agent_id' in body);
    return { match: false, resemblance: 0.8, reason: `\`type\` ${JSON.stringify(type.slice(0, 100))} is not one of ${eventNames.join(', ')}`, ...(ours ? { unknownEvent: type } : {}) };
  }
  const typeNote = type === undefined ? 'no `type`' : `\`type\` is ${type === null ? 'null' : typeof type}, not a string`;
  const isInt = (k: string) => Number.isInteger(body[k]);
  if (type === undefined && DEFAULT_KEYS.every(isInt)) {
    return { match: true, event: 'simulation_result_evaluated', part: 'request', reason: 'no `type`, but integer digital_human_id, simulation_run_id, simulation_id and agent_id: the spec default, simulation_result_evaluated' };
  }
  const seen = ['digital_human_id', 'simulation_run_id', 'digital_humans'].filter((k) => k in body);
  if ('start_time_utc' in body && 'participants' in body) seen.push('start_time_utc + participants');
  if (seen.length === 0) {
    return { match: false, resemblance: 0, reason: `${typeNote} and none of the Bluejay keys (digital_human_id, simulation_run_id, digital_humans, start_time_utc + participants)` };
  }
  const missing = DEFAULT_KEYS.filter((k) => !isInt(k)).map((k) => (k in body ? `${k} (not an integer)` : k));
  const why =
    type === undefined
      ? `without \`type\` only a body with integer ${DEFAULT_KEYS.join(', ')} is taken as simulation_result_evaluated; missing: ${missing.join(', ')}`
      : 'add a `type` naming one of the four events';
  return {
    match: false,
    resemblance: Math.min(0.8, 0.4 + 0.1 * seen.length),
    reason: `${typeNote}; has Bluejay keys ${seen.join(', ')}, but ${why}`,
  };
}

function eventOf(body: unknown): string | undefined {
  const type = field(body, 'type');
  if (typeof type === 'string') return type;
  const found = detect(body);
  return found.match ? found.event : undefined;
}

export const bluejay: VendorDefinition = {
  id: 'bluejay',
  aliases: [],
  title: 'Bluejay',
  docsUrl: 'https://docs.getbluejay.ai',
  secretEnv: ['BLUEJAY_WEBHOOK_SECRET'],
  events,
  // `type` names the event; without it, the spec default needs DEFAULT_KEYS.
  matchKeys: ['type', ...DEFAULT_KEYS],
  detect,
  signing: null,
  signingNote:
    'Per-webhook signing keys exist in the Bluejay API (/v1/generate-signing-key), but the header, algorithm and signed bytes are undocumented, so hookscope sends unsigned and cannot verify. The X-API-Key on the webhook docs page is the API\'s own authentication, not something Bluejay sends to receivers.',
  delivery: {
    retryDelaysMs: {
      value: [0],
      provenance: 'assumed',
      note: 'Bluejay documents no retries; hookscope assumes one attempt',
      override: '--schedule',
    },
    success: {
      value: '200 expected',
      provenance: 'documented',
      note: 'The spec lists a single response, 200 "Webhook received successfully"; whether other 2xx count is not said, so hookscope counts only 200.',
      isSuccess: (status) => status === 200,
    },
    timeoutMs: {
      value: 30_000,
      provenance: 'assumed',
      note: 'Not documented; hookscope assumes 30 s.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'type + id',
      provenance: 'assumed',
      note: 'VENDORS.md: type + id; for outbound_simulation_started, which has no id, simulation_run_id',
      key(body) {
        const type = eventOf(body);
        if (type === undefined) return undefined;
        const id = type === 'outbound_simulation_started' ? field(body, 'simulation_run_id') : field(body, 'id');
        return typeof id === 'string' || typeof id === 'number' ? `${type}:${id}` : undefined;
      },
    },
  },
  callId: (body) => {
    // A simulation result (and its simulation_ended) and an observed call carry the call's id;
    // an outbound run's start is about several calls.
    if (eventOf(body) === 'outbound_simulation_started') return undefined;
    const id = field(body, 'id');
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  },
  callFlow: { order: ['simulation_ended', 'simulation_result_evaluated'], ended: 'simulation_ended', after: ['simulation_result_evaluated'] },
  notes: ['The docs page shows an X-API-Key header, but it authenticates calls to the Bluejay API; nothing says Bluejay sends it to webhook receivers.'],
};
