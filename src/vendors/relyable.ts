// Relyable: test runs and score alerts for voice agents.
// Source: https://help-center.relyable.ai (Webhooks page, snapshot in shared/vendor-docs/relyable-webhooks.txt).
import * as z from 'zod';
import { hmacScheme } from '../signing/hmac.js';
import { isoDateTime, url } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import { lazySchemas } from './lazy.js';
import type { VendorDefinition } from './types.js';

const envelope = <T extends z.ZodType>(event: string, data: T) =>
  z.strictObject({
    event: z.literal(event),
    timestamp: isoDateTime(),
    data,
  });

const signed = (n: unknown) => (typeof n === 'number' ? (n >= 0 ? `+${round(n)}` : `${round(n)}`) : '?');
const round = (n: number) => Math.round(n * 10) / 10;

// Each schema is built on first use (lazy.ts).
const events = lazySchemas([
  {
    name: 'test_run.completed',
    description: 'A test run finished: score, pass/fail counts, scenarios tested.',
    fixtures: ['test_run.completed.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    schema: () => envelope(
      'test_run.completed',
      z.strictObject({
        test_run_id: z.string(),
        agent_id: z.string(),
        agent_name: z.string(),
        score: z.number(),
        previous_score: z.number(),
        total_calls: z.int().nonnegative(),
        passed_test_cases: z.int().nonnegative(),
        failed_test_cases: z.int().nonnegative(),
        duration_seconds: z.int().nonnegative(),
        scenarios_tested: z.array(z.string()),
        view_url: url(),
      }),
    ),
    summarize(body) {
      const score = field(body, 'data.score');
      const prev = field(body, 'data.previous_score');
      const passed = field(body, 'data.passed_test_cases');
      const failed = field(body, 'data.failed_test_cases');
      const delta = typeof score === 'number' && typeof prev === 'number' ? ` (${signed(score - prev)})` : '';
      const total = typeof passed === 'number' && typeof failed === 'number' ? passed + failed : '?';
      return `score ${String(score)}${delta}, ${String(passed)}/${total} passed`;
    },
  },
  {
    name: 'test_run.failed',
    description: 'A test run could not complete (e.g. the phone number was unreachable).',
    fixtures: ['test_run.failed.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    schema: () => envelope(
      'test_run.failed',
      z.strictObject({
        test_run_id: z.string(),
        agent_id: z.string(),
        error: z.string(),
        calls_completed: z.int().nonnegative(),
        calls_failed: z.int().nonnegative(),
      }),
    ),
    summarize: (body) =>
      `${String(field(body, 'data.error'))}; ${String(field(body, 'data.calls_completed'))} calls completed, ${String(field(body, 'data.calls_failed'))} failed`,
  },
  {
    name: 'agent.score_dropped',
    description: "An agent's score fell below its alert threshold over a period.",
    fixtures: ['agent.score_dropped.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    schema: () => envelope(
      'agent.score_dropped',
      z.strictObject({
        agent_id: z.string(),
        agent_name: z.string(),
        current_score: z.number(),
        previous_score: z.number(),
        threshold: z.number(),
        drop_percentage: z.number(),
        period: z.string().meta({ examples: ['last_24_hours'] }),
        view_url: url(),
      }),
    ),
    summarize: (body) =>
      `score ${String(field(body, 'data.previous_score'))} → ${String(field(body, 'data.current_score'))} (threshold ${String(field(body, 'data.threshold'))}, ${String(field(body, 'data.period'))})`,
  },
  {
    name: 'test_case.critical_failure',
    personal: ['data.transcript', 'data.failure_reason'],
    description: 'A test case marked critical failed on a call.',
    fixtures: ['test_case.critical_failure.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    schema: () => envelope(
      'test_case.critical_failure',
      z.strictObject({
        test_case_id: z.string(),
        test_case_name: z.string(),
        agent_id: z.string(),
        call_id: z.string(),
        failure_reason: z.string(),
        call_recording_url: url(),
        transcript: z.string(),
      }),
    ),
    summarize: (body) => `${String(field(body, 'data.test_case_name'))}: ${String(field(body, 'data.failure_reason'))}`,
  },
]);

const eventNames = events.map((e) => e.name);

export const relyable: VendorDefinition = {
  id: 'relyable',
  aliases: [],
  title: 'Relyable',
  docsUrl: 'https://help-center.relyable.ai',
  secretEnv: ['RELYABLE_WEBHOOK_SECRET'],
  events,
  matchKeys: ['event'],
  detect(body, headers) {
    if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
    const hasEnvelope = typeof body.event === 'string' && isObject(body.data);
    if (!hasEnvelope) {
      const hint = 'event' in body || 'data' in body ? 0.3 : 0;
      return { match: false, resemblance: hint, reason: 'no {event, timestamp, data} envelope with a string `event` and an object `data`' };
    }
    const event = body.event as string;
    if (eventNames.includes(event)) return { match: true, event, part: 'request', reason: '`event` names a relyable event inside a {event, timestamp, data} envelope' };
    // The envelope alone is common; a Relyable event name, its agent_id or its signature header make it Relyable's.
    const ours = /^(test_run|test_case|agent)\./.test(event) || typeof (body.data as Record<string, unknown>).agent_id === 'string' || headers?.['x-relyable-signature'] !== undefined;
    return { match: false, resemblance: 0.8, reason: `has the {event, timestamp, data} envelope, but event ${JSON.stringify(event.slice(0, 100))} is not one of ${eventNames.join(', ')}`, ...(ours ? { unknownEvent: event } : {}) };
  },
  signing: hmacScheme({
    header: { value: 'x-relyable-signature', provenance: 'documented', note: 'X-Relyable-Signature header (Webhooks page, "Verifying Webhooks").' },
    placement: { kind: 'single', header: 'x-relyable-signature' },
    format: { value: '<hex digest>', provenance: 'documented', note: "digest('hex') in the vendor's Node and Python samples." },
    algorithm: { value: 'sha256', provenance: 'documented', note: "createHmac('sha256', secret) in the vendor's samples." },
    encoding: { value: 'hex', provenance: 'documented', note: "HMAC-SHA256 digest('hex') in the vendor's Node and Python samples." },
    key: { value: 'utf8', provenance: 'documented', note: 'The webhook secret as text (createHmac(..., secret)).' },
    signedBytes: {
      value: 'JSON.stringify(payload): the compact serialisation of the body',
      provenance: 'documented',
      note: "The Node sample signs JSON.stringify of the parsed body, the Python sample the raw body; hookscope sends compact bytes so both agree, and accepts either when verifying.",
    },
    // The raw bytes first: a sender that signs JSON.stringify output sends those very bytes, so
    // most bodies verify without being parsed again. Signing uses the compact form (the Node sample's).
    messages: [['body'], ['compact-body']],
    signWith: 1,
  }),
  delivery: {
    retryDelaysMs: {
      value: [0, 60_000, 300_000, 900_000, 3_600_000],
      provenance: 'documented',
      note: 'Attempt 1 immediately, then after 1 min, 5 min, 15 min and 1 h; then marked failed. Assumption: each delay counts from the previous attempt (the docs do not say), so the ladder spans 1 h 21 min.',
      override: '--schedule',
    },
    success: {
      value: 'exactly 200',
      provenance: 'documented',
      note: '"If your endpoint returns a non-200 status code, Relyable will retry": a 201 or 204 counts as a failure.',
      isSuccess: (status) => status === 200,
    },
    timeoutMs: {
      value: 30_000,
      provenance: 'assumed',
      note: 'Not documented; the docs only say to answer 200 immediately. hookscope assumes 30 s.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'event + timestamp + the id in data (test_run_id, test_case_id/call_id or agent_id)',
      provenance: 'assumed',
      note: 'The docs say "use the event ID" but no payload carries one; hookscope assumes a retry repeats the same body.',
      key(body) {
        const id = firstString(body, ID_FIELDS);
        const event = field(body, 'event');
        return typeof event === 'string' && typeof id === 'string' ? `${event}:${id}:${String(field(body, 'timestamp'))}` : undefined;
      },
    },
  },
  callId: (body) => {
    const id = field(body, 'data.call_id');
    return typeof id === 'string' ? id : undefined;
  },
  notes: ['Relyable only delivers to HTTPS URLs; a local listener on plain HTTP needs a tunnel in front of it.'],
};

/** The ids a dedupe key uses, by event: test runs, test cases and calls, agents. */
const ID_FIELDS = ['data.test_run_id', 'data.call_id', 'data.agent_id'];

/** The first of `paths` that holds a string (a loop: the listener computes a key per request). */
function firstString(body: unknown, paths: readonly string[]): string | undefined {
  for (let i = 0; i < paths.length; i++) {
    const v = field(body, paths[i]!);
    if (typeof v === 'string') return v;
  }
  return undefined;
}
