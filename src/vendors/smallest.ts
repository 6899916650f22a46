// Smallest.ai Atoms: call lifecycle events of voice agents.
// Sources: the Atoms Webhooks page (https://atoms-docs.smallest.ai, "Webhooks": envelope, per-event
// metadata, "Verifying signatures", FAQ) and, for the legacy model, the placeholder page the vendor
// no longer links (snapshot in shared/vendor-docs/smallest-atoms-event-payloads.txt).
import * as z from 'zod';
import { hmacScheme } from '../signing/hmac.js';
import { anyObject, e164, growingEnum, isoDateTime, url } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import { lazy, lazySchemas } from './lazy.js';
import type { VendorDefinition } from './types.js';

const CURRENT = ['pre-conversation', 'post-conversation', 'analytics-completed'] as const;
const LEGACY = ['call.start', 'call.end', 'analytics.completed'] as const;
type CurrentEvent = (typeof CURRENT)[number];

// ---- current model: {url, description, event: "<agentId>.<eventType>", id, metadata} ----

/** A 24-hex id (MongoDB ObjectId), as the envelope `id` of every example. */
const objectId = () => z.string().regex(/^[0-9a-f]{24}$/, 'expected 24 lowercase hex characters');

// The spec spells no_answer/cancelled, the guide no-answer/busy/canceled: accept the union.
const CALL_STATUSES = ['completed', 'no_answer', 'no-answer', 'busy', 'failed', 'cancelled', 'canceled'] as const;

const callData = lazy(() => z.strictObject({
  fromNumber: e164(),
  toNumber: e164(),
  callDuration: z.number().nonnegative().meta({ description: 'seconds (float), not milliseconds' }),
  callStatus: z.enum(CALL_STATUSES),
  // "may be absent" in analytics-completed (Webhooks page, metadata fields of analytics-completed).
  callDirection: z.enum(['telephony_outbound', 'telephony_inbound']).optional(),
  answerTime: isoDateTime(),
  endTime: isoDateTime(),
}));

// Only identifier and value are required: the set of metrics is agent-configured and the docs
// call each one "self-describing" without saying which members are always present.
const metric = lazy(() => z.strictObject({
  identifier: z.string(),
  value: z.union([z.int(), z.string(), z.boolean()]),
  confidence: z.number().min(0).max(1).optional(),
  reasoning: z.string().optional(),
  dispositionMetricPrompt: z.string().optional(),
  dispositionMetricType: growingEnum(['INTEGER', 'STRING', 'BOOLEAN'], 'dispositionMetricType').optional(),
}));

const baseMetadata = <E extends CurrentEvent>(eventType: E) => ({
  agentId: z.string().min(1),
  eventType: z.literal(eventType),
  conversationType: z.enum(['telephonyOutbound', 'telephonyInbound']),
  callId: z.string().min(1).meta({ examples: ['CALL-1778226705739-7e4c17'] }),
});

/**
 * The envelope, plus the rule that `event` is `<metadata.agentId>.<metadata.eventType>`. The check
 * runs whenever the body is an object (`when`), so a mismatch is reported next to other issues.
 */
const envelope = <E extends CurrentEvent>(eventType: E, metadata: z.ZodRawShape) =>
  z
    .strictObject({
      url: url(),
      description: z.string(),
      event: z.string(),
      id: objectId(),
      metadata: z.strictObject({ ...baseMetadata(eventType), ...metadata }),
    })
    .superRefine(
      (body, ctx) => {
        const event: unknown = field(body, 'event');
        if (typeof event !== 'string') return;
        const agentId = field(body, 'metadata.agentId');
        const declared = field(body, 'metadata.eventType');
        const want = `${typeof agentId === 'string' ? agentId : '<metadata.agentId>'}.${typeof declared === 'string' ? declared : eventType}`;
        const ok = typeof agentId === 'string' ? event === want : event.slice(event.indexOf('.') + 1) === eventType;
        if (!ok) {
          ctx.addIssue({
            code: 'custom',
            path: ['event'],
            message: `event ${JSON.stringify(event)} does not match metadata: expected ${JSON.stringify(want)} ("<agentId>.<eventType>")`,
            params: { code: 'event-metadata-mismatch' },
          });
        }
      },
      { when: (payload) => isObject(payload.value) },
    );

// ---- legacy model: {event, timestamp, agent_id, call_id, ...} ----

// Each section of the legacy page says "NEEDS PLATFORM INFO: complete schema"; objects stay strict
// anyway, so keys the page did not list surface as drift warnings rather than passing silently.
const legacy = <E extends (typeof LEGACY)[number]>(event: E, shape: z.ZodRawShape) =>
  z.strictObject({
    event: z.literal(event),
    timestamp: isoDateTime(),
    agent_id: z.string(),
    call_id: z.string(),
    ...shape,
  });

const seconds = (n: unknown) => (typeof n === 'number' ? `${Math.round(n * 10) / 10} s` : '? s');
const turns = (t: unknown) => (Array.isArray(t) ? `${t.length} turn${t.length === 1 ? '' : 's'}` : '? turns');
const clip = (s: unknown, max = 60) => {
  const text = String(s).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};
const pairs = (items: unknown) =>
  Array.isArray(items) ? items.map((m) => `${String(field(m, 'identifier'))}=${JSON.stringify(field(m, 'value'))}`).join(', ') : '';
const superseded = (by: string) => `superseded by ${by}; the vendor no longer links this page`;

// Each schema is built on first use (lazy.ts).
const events = lazySchemas([
  {
    name: 'pre-conversation',
    description: 'A call is about to start, before the agent speaks: numbers, agent and call ids.',
    fixtures: ['pre-conversation.json'],
    // The envelope id is per delivery (documented); a new send is a new delivery.
    fresh: [{ path: 'id', kind: 'hex24' }],
    schema: () => envelope('pre-conversation', { toPhone: e164(), fromPhone: e164() }),
    summarize: (body) =>
      `${String(field(body, 'metadata.fromPhone'))} → ${String(field(body, 'metadata.toPhone'))} (${String(field(body, 'metadata.conversationType'))})`,
  },
  {
    name: 'post-conversation',
    personal: ['metadata.transcript[*].content', 'metadata.variables.*'],
    description: 'A call ended: call data, transcript, recording URL and agent variables.',
    fixtures: ['post-conversation.json'],
    // The envelope id is per delivery (documented); a new send is a new delivery.
    fresh: [{ path: 'id', kind: 'hex24' }],
    schema: () => envelope('post-conversation', {
      recordingUrl: url(),
      callData: callData(),
      transcript: z.array(z.strictObject({ role: z.enum(['agent', 'user']), content: z.string(), timestamp: isoDateTime() })),
      // A flat string map: 11 platform keys plus whatever the agent defines (Webhooks page).
      variables: z.record(z.string(), z.string()),
    }),
    summarize: (body) =>
      `${String(field(body, 'metadata.callData.callStatus'))}, ${seconds(field(body, 'metadata.callData.callDuration'))}, ${turns(field(body, 'metadata.transcript'))}`,
  },
  {
    name: 'analytics-completed',
    personal: ['metadata.analytics.summary', 'metadata.analytics.dispositionMetrics[*].reasoning', 'metadata.analytics.successMetrics[*].reasoning'],
    description: 'Post-call analytics are ready: summary, disposition and success metrics.',
    fixtures: ['analytics-completed.json'],
    // The envelope id is per delivery (documented); a new send is a new delivery.
    fresh: [{ path: 'id', kind: 'hex24' }],
    schema: () => envelope('analytics-completed', {
      analytics: z.strictObject({ summary: z.string(), dispositionMetrics: z.array(metric()), successMetrics: z.array(metric()) }),
      callData: callData(),
    }),
    summarize(body) {
      const metrics = pairs(field(body, 'metadata.analytics.dispositionMetrics'));
      return `${clip(field(body, 'metadata.analytics.summary'))}${metrics ? ` | ${clip(metrics)}` : ''}`;
    },
  },
  {
    name: 'call.start',
    description: 'Legacy: a call connected, before the conversation begins.',
    fixtures: ['call.start.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    legacy: superseded('pre-conversation'),
    schema: () => legacy('call.start', {
      call_direction: z.enum(['inbound', 'outbound']),
      caller_phone: z.string(),
      agent_phone: z.string(),
    }),
    summarize: (body) =>
      `${String(field(body, 'call_direction'))}: caller ${String(field(body, 'caller_phone'))}, agent ${String(field(body, 'agent_phone'))}`,
  },
  {
    name: 'call.end',
    personal: ['transcript[*].content'],
    description: 'Legacy: a call concluded: duration, disposition, transcript, variables.',
    fixtures: ['call.end.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    legacy: superseded('post-conversation'),
    schema: () => legacy('call.end', {
      duration_seconds: z.number().nonnegative(),
      disposition: z.string(),
      transcript: z.array(z.strictObject({ role: z.string(), content: z.string(), timestamp: z.string() })),
      // "Variables collected/set": the page gives no value types.
      variables: anyObject(),
    }),
    summarize: (body) =>
      `${String(field(body, 'disposition'))}, ${seconds(field(body, 'duration_seconds'))}, ${turns(field(body, 'transcript'))}`,
  },
  {
    name: 'analytics.completed',
    description: 'Legacy: post-call analysis finished; metrics as configured.',
    fixtures: ['analytics.completed.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    legacy: superseded('analytics-completed'),
    // "Metric fields depend on what you set up in Post-Call Metrics."
    schema: () => legacy('analytics.completed', { metrics: anyObject() }),
    summarize(body) {
      const metrics = field(body, 'metrics');
      return isObject(metrics)
        ? clip(Object.entries(metrics).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', '), 100)
        : 'no metrics';
    },
  },
]);

const isCurrent = (v: unknown): v is CurrentEvent => (CURRENT as readonly string[]).includes(v as string);
const isLegacy = (v: unknown) => (LEGACY as readonly string[]).includes(v as string);

export const smallest: VendorDefinition = {
  id: 'smallest',
  aliases: ['atoms'],
  title: 'Smallest.ai Atoms',
  docsUrl: 'https://atoms-docs.smallest.ai',
  secretEnv: ['SMALLEST_WEBHOOK_SECRET', 'ATOMS_WEBHOOK_SECRET'],
  events,
  // metadata.eventType (Atoms envelope), or a legacy `event`.
  matchKeys: ['metadata', 'event'],
  detect(body) {
    if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
    const { metadata, event } = body;
    if (isObject(metadata)) {
      const eventType = metadata.eventType;
      if (isCurrent(eventType)) {
        return { match: true, event: eventType, part: 'request', reason: '`metadata.eventType` names an Atoms event' };
      }
      if (typeof eventType === 'string') {
        // The Atoms envelope: `event` is "<agentId>.<eventType>" beside metadata.
        const envelope = typeof event === 'string' && typeof body.id === 'string';
        return { match: false, resemblance: 0.8, reason: `metadata.eventType ${JSON.stringify(eventType.slice(0, 100))} is not one of ${CURRENT.join(', ')}`, ...(envelope ? { unknownEvent: eventType } : {}) };
      }
      if ('agentId' in metadata || 'callId' in metadata) {
        return { match: false, resemblance: 0.6, reason: 'has metadata.agentId/callId like an Atoms event, but metadata.eventType is missing' };
      }
    }
    if (typeof event === 'string') {
      const suffix = event.slice(event.indexOf('.') + 1);
      if (event.includes('.') && isCurrent(suffix)) {
        return { match: false, resemblance: 0.7, reason: `event ${JSON.stringify(event)} looks like "<agentId>.${suffix}", but there is no metadata object with an eventType` };
      }
      if (isLegacy(event)) {
        // Relyable's {event, timestamp, data} envelope is never ours, whatever its event says.
        if (isObject(body.data)) return { match: false, resemblance: 0.2, reason: `event ${JSON.stringify(event)} sits in an {event, timestamp, data} envelope, which Atoms never sends` };
        if (body.call_id !== undefined) return { match: true, event, part: 'request', reason: '`event` names a legacy Atoms event and the body has a top-level call_id' };
        return { match: false, resemblance: 0.6, reason: `event ${JSON.stringify(event)} is a legacy Atoms event, but the top-level call_id is missing` };
      }
      if (typeof body.call_id === 'string' && typeof body.agent_id === 'string' && !isObject(body.data)) {
        return { match: false, resemblance: 0.5, reason: `has top-level agent_id and call_id like a legacy Atoms event, but event ${JSON.stringify(event)} is not one of ${LEGACY.join(', ')}` };
      }
    }
    return { match: false, resemblance: 0, reason: 'no metadata.eventType (Atoms envelope) and no legacy {event, timestamp, agent_id, call_id} body' };
  },
  signing: hmacScheme({
    header: { value: 'x-signature', provenance: 'documented', note: 'Every request carries an X-Signature header (Webhooks page, "Verifying signatures").' },
    placement: { kind: 'single', header: 'x-signature' },
    format: { value: '<hex digest>', provenance: 'documented', note: 'Lowercase hex, no prefix (Webhooks page).' },
    algorithm: { value: 'sha256', provenance: 'documented', note: 'HMAC_SHA256 (Webhooks page, "Verifying signatures").' },
    encoding: { value: 'hex', provenance: 'documented', note: 'X-Signature = hex(HMAC_SHA256(signingSecret, raw_request_body)): lowercase hex, no prefix.' },
    key: { value: 'utf8', provenance: 'documented', note: 'The signing secret from the dashboard, as text.' },
    messages: [['body']],
    signedBytes: {
      value: 'the raw request body, byte for byte',
      provenance: 'documented',
      note: '"the raw request body bytes, exactly as delivered. Do not re-serialize." (Webhooks page).',
    },
  }),
  delivery: {
    retryDelaysMs: {
      value: [0],
      provenance: 'documented',
      note: 'No retries: a non-2xx answer or a network failure is logged as FAILED and the event moves on (Webhooks page, FAQ).',
    },
    success: {
      value: 'any 2xx',
      provenance: 'documented',
      note: 'A non-2xx response counts as a failed delivery (Webhooks page, FAQ).',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: {
      value: 30_000,
      provenance: 'documented',
      note: '30 seconds per request, then the delivery is marked failed (Webhooks page, FAQ).',
    },
    dedupeKey: {
      value: 'metadata.callId + metadata.eventType (legacy: call_id + event)',
      provenance: 'documented',
      note: 'The envelope id is per delivery; metadata.callId joins the three events of one call, so callId + eventType names one event.',
      key(body) {
        const callId = field(body, 'metadata.callId');
        const eventType = field(body, 'metadata.eventType');
        if (typeof callId === 'string' && typeof eventType === 'string') return `${callId}:${eventType}`;
        const legacyId = field(body, 'call_id');
        const event = field(body, 'event');
        return typeof legacyId === 'string' && typeof event === 'string' ? `${legacyId}:${event}` : undefined;
      },
    },
  },
  callId: (body) => {
    // The current envelope carries it in metadata; the legacy events at the top level.
    const id = field(body, 'metadata.callId') ?? field(body, 'call_id');
    return typeof id === 'string' ? id : undefined;
  },
  callFlow: { order: ['pre-conversation', 'post-conversation', 'analytics-completed'], ended: 'post-conversation', after: ['analytics-completed'] },
  notes: [
    'Older vendor pages mentioned an X-Atoms-Signature: sha256=<hex> header and a retry ladder; the current docs (X-Signature, plain hex, one attempt) supersede them.',
    'The legacy page (call.start, call.end, analytics.completed with snake_case fields) is a placeholder the vendor no longer links; hookscope still understands it.',
    'pre-conversation names the numbers toPhone/fromPhone, the later events callData.toNumber/fromNumber.',
    'callStatus is spelled no_answer/cancelled in the spec and no-answer/canceled in the guide; hookscope accepts both.',
    'The signing secret is per webhook: shown on its detail page, or as decryptedSecretKey from GET /webhook.',
  ],
};
