// Bland AI: phone agents. The post-call webhook (the call's `webhook` URL) POSTs the flat call
// object twice per call, the optional `webhook_events` stream posts log lines to the same URL,
// and a batch's `status_webhook` reports the batch's progress. No body names its event.
// Sources: docs.bland.ai (tutorials/webhook-signing, tutorials/post-call-webhooks, api-v1/get/calls-id),
// the vendor's cookbooks (Bland-com/bland-ai-cookbooks: 09-batch-campaigns, 10-call-analysis);
// facts and their tags in shared/research/vendors-vapi-retell-bland.md §3.
import * as z from 'zod';
import { hmacScheme } from '../signing/hmac.js';
import { WARNING, anyObject, growingEnum, isoDateTime, url } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import { lazy, lazySchemas } from './lazy.js';
import type { DetectResult, VendorDefinition } from './types.js';

// Enum sets from a third-party OpenAPI (tryAGI/BlandAI), examples from the docs: growing enums,
// so a value Bland adds is a warning, not an error.
const callStatuses = ['completed', 'failed', 'busy', 'no-answer', 'canceled', 'unknown', 'in-progress'] as const;
const queueStatuses = ['new', 'queued', 'allocated', 'started', 'complete', 'error'] as const;
const answeredBy = ['human', 'voicemail', 'unknown', 'no-answer'] as const;
const speakers = ['user', 'assistant', 'robot', 'agent-action'] as const;
const batchStatuses = ['validating', 'dispatching', 'in_progress', 'in_progress_chunked', 'waiting_for_scheduled_calls', 'completed', 'completed_partial', 'failed'] as const;
const terminalBatch = new Set(['completed', 'completed_partial', 'failed']);
const streamCategories = ['queue', 'call', 'latency', 'webhook', 'tool', 'dynamic_data', 'citations'] as const;

// The cookbook says "agent", "user" or "system"; delivered bodies carry ASSISTANT/USER. Compared
// without case, so both spellings are known.
const endedBy = ['assistant', 'user', 'agent', 'system'];
const callEndedBy = () => z
  .string()
  .superRefine((value, ctx) => {
    if (!endedBy.includes(value.toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown call_ended_by ${JSON.stringify(value)} (known, in any case: ${endedBy.join(', ')})`,
        params: { ...WARNING, code: 'unknown-enum-value', known: endedBy },
      });
    }
  })
  .nullable()
  .meta({ description: 'who ended the call: ASSISTANT or USER as delivered (the docs say agent, user or system); compared without case' });

const minutes = () => z.number().nonnegative().meta({ description: 'minutes' });

const transcript = () => z.strictObject({
  id: z.union([z.int(), z.string()]),
  created_at: isoDateTime(),
  text: z.string(),
  user: growingEnum(speakers, 'transcript speaker'),
});

/**
 * The call object's fields (Send Call's post-call payload table and the Get Call table), every one
 * optional here: which are always present is not documented.
 */
const callFields = lazy(() => ({
  call_id: z.string().min(1),
  c_id: z.string().optional(),
  batch_id: z.string().nullable().optional(),
  pathway_id: z.string().nullable().optional(),
  to: z.string().meta({ examples: ['+15550142287'] }).optional(),
  from: z.string().meta({ examples: ['+15550199034'] }).optional(),
  inbound: z.boolean().optional(),
  call_length: minutes().nullable().optional(),
  corrected_duration: z.number().nonnegative().nullable().optional(),
  max_duration: minutes().nullable().optional(),
  answered_by: growingEnum(answeredBy, 'answered_by').nullable().optional(),
  queue_status: growingEnum(queueStatuses, 'queue status').optional(),
  status: growingEnum(callStatuses, 'call status').optional(),
  completed: z.boolean().optional(),
  record: z.boolean().optional(),
  recording_url: url().nullable().optional(),
  created_at: isoDateTime().optional(),
  started_at: isoDateTime().nullable().optional(),
  end_at: isoDateTime().nullable().optional(),
  endpoint_url: z.string().meta({ examples: ['api.prod.bland.ai'] }).optional(),
  price: z.number().nonnegative().nullable().meta({ description: 'USD' }).optional(),
  call_ended_by: callEndedBy().optional(),
  error_message: z.string().nullable().optional(),
  disposition_tag: z.string().nullable().optional(),
  transferred_to: z.string().nullable().optional(),
  pre_transfer_duration: minutes().nullable().optional(),
  post_transfer_duration: minutes().nullable().optional(),
  summary: z.string().nullable().optional(),
  concatenated_transcript: z.string().nullable().optional(),
  transcripts: z.array(transcript()).optional(),
  variables: anyObject().nullable().optional(),
  metadata: anyObject().nullable().optional(),
  request_data: anyObject().nullable().optional(),
  analysis_schema: anyObject().nullable().optional(),
  analysis: anyObject().nullable().optional(),
  // Pathway node logs: their entries are not documented.
  pathway_logs: z.array(z.unknown()).nullable().optional(),
}));

// The delayed payload's corrected transcript is described only loosely ("an object with segments,
// speaker labels and confidence"): known fields are checked, others allowed. Decision: an object
// only; the cookbook's listener also copes with a string, a hedge no page documents.
const correctedTranscript = () => z.looseObject({
  segments: z
    .array(z.looseObject({ speaker: z.string().optional(), text: z.string().optional(), confidence: z.number().min(0).max(1).optional() }))
    .optional(),
});

const citation = () => z.strictObject({
  field: z.string(),
  value: z.unknown(),
  utterance: z.string(),
  speaker: z.string().meta({ examples: ['user', 'agent'] }),
  confidence: z.number().min(0).max(1),
});

// Decision: `completed` is required in the immediate payload (both docs tables list it, and it is
// what tells a finished call from a failed one); only call_id otherwise.
const callCompleted = () => z.strictObject({ ...callFields(), completed: z.boolean() });

// Decision: the delayed payload is the call object again with the two new fields (the cookbook
// merges it into the first); a body with only call_id and corrected_transcript also passes.
const callCorrected = () => z.strictObject({ ...callFields(), corrected_transcript: correctedTranscript(), citations: z.array(citation()).optional() });

// [seen] only: one integrator's model of a streamed event. Not documented by Bland.
const webhookEvent = () => z.strictObject({
  call_id: z.string().min(1),
  category: growingEnum(streamCategories, 'webhook_events category'),
  log_level: z.string().meta({ examples: ['info', 'error'] }).optional(),
  message: z.string(),
});

const count = () => z.int().nonnegative();
const batchStatus = () => z
  .strictObject({
    batch_id: z.string().min(1),
    status: growingEnum(batchStatuses, 'batch status'),
    timestamp: isoDateTime(),
    calls_total: count().optional(),
    calls_successful: count().optional(),
    calls_failed: count().optional(),
  })
  .superRefine((body, ctx) => {
    if (!terminalBatch.has(body.status) || body.calls_total !== undefined) return;
    ctx.addIssue({
      code: 'custom',
      path: ['calls_total'],
      message: `a terminal batch status (${body.status}) carries calls_total, calls_successful and calls_failed; calls_total is missing`,
      params: { ...WARNING, code: 'missing-field' },
    });
  });

const str = (v: unknown) => (typeof v === 'string' ? v : v === null ? 'null' : String(v));
const mins = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100) / 100} min` : '? min');

const personalCall = ['summary', 'concatenated_transcript', 'transcripts[*].text', 'variables', 'analysis', 'request_data', 'pathway_logs'];

// Each schema is built on first use (lazy.ts); the ones above are builders.
const events = lazySchemas([
  {
    name: 'call.completed',
    description:
      'The post-call webhook, first delivery: the call object as the call ends (transcript, summary, variables, disposition). Bland names no event; hookscope calls it call.completed.',
    fixtures: ['call.completed.json'],
    schema: callCompleted,
    personal: personalCall,
    summarize: (body) => `${str(field(body, 'status') ?? (field(body, 'completed') ? 'completed' : 'not completed'))}, ${mins(field(body, 'call_length'))}, ended by ${str(field(body, 'call_ended_by'))}`,
  },
  {
    name: 'call.corrected',
    description:
      'The post-call webhook, second delivery 30–60 s later: the call object again with corrected_transcript and citations. Bland names no event; hookscope calls it call.corrected.',
    fixtures: ['call.corrected.json'],
    schema: callCorrected,
    personal: [...personalCall, 'corrected_transcript', 'citations[*].utterance', 'citations[*].value'],
    summarize(body) {
      const segments = field(body, 'corrected_transcript.segments');
      const citations = field(body, 'citations');
      return `corrected transcript${Array.isArray(segments) ? ` (${segments.length} segments)` : ''}, ${Array.isArray(citations) ? citations.length : 0} citations`;
    },
  },
  {
    name: 'webhook_event',
    description:
      "One line of a call's optional webhook_events stream (queue, call, latency, webhook, tool, dynamic_data, citations), POSTed to the call's webhook URL. Its shape is not documented: this is one integrator's model ({call_id, category, log_level, message}).",
    fixtures: ['webhook_event.json'],
    schema: webhookEvent,
    summarize: (body) => `${str(field(body, 'category'))}: ${str(field(body, 'message')).slice(0, 80)}`,
  },
  {
    name: 'batch.status',
    description: "A batch's status_webhook: the batch's new status, with call counts once it is done. Bland names no event; hookscope calls it batch.status.",
    fixtures: ['batch.status.json'],
    schema: batchStatus,
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    summarize(body) {
      const total = field(body, 'calls_total');
      const counts = typeof total === 'number' ? `, ${str(field(body, 'calls_successful'))}/${total} successful` : '';
      return `batch ${str(field(body, 'status'))}${counts}`;
    },
  },
]);

/** Keys of Bland's call object that other vendors' bodies do not carry at the top level. */
const CALL_KEYS = ['c_id', 'call_length', 'concatenated_transcript', 'transcripts', 'completed', 'inbound', 'call_ended_by', 'pathway_logs', 'corrected_duration', 'queue_status', 'answered_by', 'disposition_tag', 'endpoint_url', 'price'];

/** Bland bodies never name an event: a body that does (or has an envelope) is another vendor's. */
function foreignMark(body: Record<string, unknown>): string | undefined {
  if ('event' in body) return '`event`';
  if (typeof body.type === 'string') return '`type`';
  if (isObject(body.message)) return 'a `message` object';
  if (isObject(body.data)) return 'a `data` envelope';
  if (isObject(body.call)) return 'a `call` object';
  return undefined;
}

function detectBody(body: Record<string, unknown>): DetectResult {
  const foreign = foreignMark(body);
  if (foreign !== undefined) return { match: false, resemblance: 0.1, reason: `has ${foreign}: Bland's bodies are flat and name no event` };
  const callId = typeof body.call_id === 'string' && body.call_id !== '';
  if ('corrected_transcript' in body) {
    if (callId) return { match: true, event: 'call.corrected', part: 'request', reason: 'a flat body with call_id and corrected_transcript: the delayed post-call payload' };
    return { match: false, resemblance: 0.6, reason: 'has corrected_transcript like the delayed post-call payload, but no string call_id' };
  }
  if (callId && typeof body.category === 'string' && typeof body.message === 'string') {
    return { match: true, event: 'webhook_event', part: 'request', reason: 'call_id with a category and a message string: a webhook_events stream entry' };
  }
  if (typeof body.batch_id === 'string' && typeof body.status === 'string' && !('call_id' in body)) {
    return { match: true, event: 'batch.status', part: 'request', reason: 'batch_id and status without call_id: a batch status_webhook' };
  }
  const present = CALL_KEYS.filter((k) => k in body);
  if (callId && present.length >= 2) {
    return { match: true, event: 'call.completed', part: 'request', reason: `a flat call object: call_id with ${present.slice(0, 3).map((k) => `\`${k}\``).join(', ')}${present.length > 3 ? ', …' : ''}` };
  }
  if (callId) return { match: false, resemblance: 0.6, reason: `has call_id, but ${present.length ? `only \`${present[0]}\`` : 'none'} of the fields of Bland's call object (c_id, call_length, completed, transcripts, …)` };
  if (present.length >= 3) return { match: false, resemblance: 0.6, reason: `has ${present.slice(0, 3).map((k) => `\`${k}\``).join(', ')} like Bland's call object, but no string call_id` };
  if (typeof body.batch_id === 'string') return { match: false, resemblance: 0.5, reason: 'has batch_id like a batch status_webhook, but no status string (or also a call_id)' };
  return NOT_BLAND;
}

const NOT_BLAND: DetectResult = Object.freeze({ match: false, resemblance: 0, reason: 'no call_id with call-object fields, no corrected_transcript, no batch_id with status' });

/** Which post-call delivery a call body is: they share call_id, so the key needs both. */
function postCallKey(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (typeof body.batch_id === 'string' && typeof body.status === 'string' && !('call_id' in body)) return `${body.batch_id}:${body.status}`;
  if (typeof body.call_id !== 'string' || typeof body.category === 'string') return undefined;
  return `${body.call_id}:${'corrected_transcript' in body ? 'corrected' : 'completed'}`;
}

export const bland: VendorDefinition = {
  id: 'bland',
  aliases: [],
  title: 'Bland AI',
  docsUrl: 'https://docs.bland.ai',
  secretEnv: ['BLAND_WEBHOOK_SECRET'],
  events,
  // Every event has a string call_id, but batch.status (batch_id).
  matchKeys: ['call_id', 'batch_id'],
  detect(body, headers) {
    if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
    const result = detectBody(body);
    if (result.match || result.resemblance >= 0.5 || headers?.['x-webhook-signature'] === undefined) return result;
    // X-Webhook-Signature is a generic name: enough for a near miss, never for a match.
    return { match: false, resemblance: 0.5, reason: `carries an x-webhook-signature header (Bland's), but ${result.reason}` };
  },
  signing: hmacScheme({
    header: { value: 'x-webhook-signature', provenance: 'documented', note: 'X-Webhook-Signature (docs.bland.ai/tutorials/webhook-signing).' },
    placement: { kind: 'single', header: 'x-webhook-signature' },
    format: { value: '<hex digest>', provenance: 'documented', note: "Lower-case hex, no prefix: the docs' Node example compares digest('hex') with the header as it is." },
    algorithm: { value: 'sha256', provenance: 'documented', note: 'HMAC-SHA256 (docs.bland.ai/tutorials/webhook-signing).' },
    encoding: { value: 'hex', provenance: 'documented', note: "hex digest (the docs' example uses .digest('hex'))." },
    key: { value: 'utf8', provenance: 'documented', note: 'The account-wide webhook signing secret (Dev Portal → Account Settings → Keys), as text.' },
    messages: [['body']],
    signedBytes: {
      value: 'the raw request body, byte for byte',
      provenance: 'documented',
      note: '"the HMAC signature of the request body"; the docs\' Node example hashes JSON.stringify(req.body) after express.json(), which equals the raw bytes only when they are compact JSON as JavaScript writes it.',
    },
    caveat:
      "Bland's own example verifies JSON.stringify(req.body), not the raw bytes: that fails whenever the bytes sent differ from JavaScript's compact re-serialisation (spaces, key order, \\u escapes, 1.0 vs 1); verify the raw body. No timestamp is signed, so a captured delivery verifies forever.",
  }),
  delivery: {
    retryDelaysMs: {
      value: [0],
      provenance: 'assumed',
      note: 'Bland documents no retry schedule (its cookbook says only that it "may retry" a non-2xx answer; re-sending is manual, POST /v1/postcall/webhooks/resend); hookscope assumes one attempt; set --schedule to exercise retries.',
      override: '--schedule',
    },
    success: {
      value: 'any 2xx',
      provenance: 'documented',
      note: 'The cookbook answers 200 and warns that a non-2xx answer may be retried; the body of the answer is ignored.',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: {
      value: 30_000,
      provenance: 'assumed',
      note: 'Not documented; hookscope assumes 30 s.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'call_id + completed/corrected (batch: batch_id + status)',
      provenance: 'assumed',
      note: 'No delivery id is documented; both post-call deliveries carry the same call_id, so the key adds which one it is (corrected_transcript present or not). webhook_events entries have no key.',
      key: postCallKey,
    },
  },
  callId(body) {
    const id = field(body, 'call_id');
    return typeof id === 'string' ? id : undefined;
  },
  callFlow: { order: ['call.completed', 'call.corrected'], ended: 'call.completed', after: ['call.corrected'], anytime: ['webhook_event'] },
  notes: [
    "Bland's bodies name no event: call.completed, call.corrected, webhook_event and batch.status are hookscope's names, told apart by shape (corrected_transcript marks the delayed post-call payload).",
    'The post-call webhook is set per call (`webhook` in POST /v1/calls) or per inbound number; batches add a batch-level status_webhook.',
    'Whether webhook_events entries and batch status webhooks are signed is not documented; hookscope signs them as it signs the post-call webhook.',
    'The web chat widget signs its webhooks with an X-Bland-Signature header instead; hookscope does not model the widget.',
  ],
};
