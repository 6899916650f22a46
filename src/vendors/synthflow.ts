// Synthflow: AI phone agents. A post-call webhook (to the call's external_webhook_url) and an
// inbound-call webhook that asks the receiver which agent should answer.
// Source: https://docs.synthflow.ai (Webhooks page, snapshot in shared/vendor-docs/synthflow-post-call-webhook.txt;
// newer fields from the Webhooks page, the webhook security section and the 2026-02-04 changelog).
import * as z from 'zod';
import { hmacScheme } from '../signing/hmac.js';
import { WARNING, anyObject, growingEnum, isoDateTime, url } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import { lazy, lazySchemas } from './lazy.js';
import type { DetectResult, VendorDefinition } from './types.js';

// The seed page's list, then the values newer pages and integrators add.
const callStatuses = [
  'completed',
  'failed',
  'queue',
  'paused',
  'initiated',
  'no-answer',
  'busy',
  'hangup_on_voicemail',
  'pending',
  'ringing',
  'in-progress',
  'canceled',
  'user-canceled',
  'left_voicemail',
  'spam',
  'registered',
] as const;

// Decision: 'completed' is not a known end_call_reason even though the vendor's own example sends
// it. That example is self-contradictory (error_message carries 'agent_goodbye', end_call_reason
// repeats the call status) and no reason table lists 'completed'; a body like it still validates,
// with a drift warning rather than an error.
const endCallReasons = [
  'voicemail',
  'human_goodbye',
  'agent_goodbye',
  'human_pick_up_cut_off',
  'max_duration',
  'undefined',
  'voicemail_message_left',
  'custom_end_call',
  'user_canceled',
] as const;

/** Integrators see these fields arrive both as objects and as JSON-encoded strings. */
const objectOrJsonString = () =>
  z.union([anyObject(), z.string().meta({ description: 'the same object, JSON-encoded (integrators see both forms)' })]);

const executedAction = () => z.strictObject({
  name: z.string(),
  action_type: z.string().meta({ examples: ['extract_info_action_type'] }),
  description: z.string(),
  parameters_hard_coded: objectOrJsonString(),
  error_message: z.string().nullable(),
  return_value: z.union([objectOrJsonString(), z.null()]),
});

// analysis: per-criterion verdicts plus a `<criterion>_feedback` explanation for each.
const criterionValues = ['true', 'false', 'partial', 'not_applicable'];
const analysis = () => z
  .record(z.string(), z.union([z.boolean(), z.null(), z.string()]))
  .superRefine((record, ctx) => {
    // for...in, not Object.entries: no array of pairs for a record of a million keys.
    for (const key in record) {
      const value = record[key];
      if (key.endsWith('_feedback')) {
        if (typeof value !== 'string' && value !== null) {
          ctx.addIssue({ code: 'custom', path: [key], message: `expected a feedback string, received ${typeof value}` });
        }
      } else if (typeof value === 'string' && !criterionValues.includes(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown analysis verdict ${JSON.stringify(value)} (known: true, false, partial, not_applicable, null)`,
          params: { ...WARNING, code: 'unknown-enum-value', known: criterionValues },
        });
      }
    }
  })
  .meta({
    description:
      'per-criterion verdicts true | false | "partial" | "not_applicable" | null (sometimes "true"/"false" as strings), and a `<criterion>_feedback` string for each',
  });

// collected_variables: `{<name>: {value, collected}}`; the changelog says keyed by agent id first,
// integrators see both shapes. Each entry is either a variable or an agent's map of variables.
const collectedVariable = lazy(() => z.strictObject({ value: z.unknown(), collected: z.boolean() }));
const collectedVariables = () => z
  .record(z.string(), z.union([collectedVariable(), z.record(z.string(), collectedVariable())]))
  .nullable()
  .meta({ description: '{<name>: {value, collected}}, sometimes nested one level under an agent id; may be null' });

const postCall = () => z
  .strictObject({
    status: growingEnum(callStatuses, 'call status'),
    error_message: z.string().nullable().optional(),
    lead: z.strictObject({
      name: z.string(),
      phone_number: z.string().meta({ examples: ['+1234334546'] }),
      prompt_variables: anyObject().optional(),
    }),
    // Decision: only status and call_id are required; the one documented example is a completed
    // call, and calls that never connected (no-answer, busy, failed) may lack the rest.
    call: z.strictObject({
      status: growingEnum(callStatuses, 'call status'),
      end_call_reason: growingEnum(endCallReasons, 'end call reason').optional(),
      model_id: z.string().optional(),
      timezone: z.string().meta({ examples: ['Europe/Berlin'] }).optional(),
      call_id: z.string(),
      duration: z.number().nonnegative().meta({ description: 'call length in seconds' }).optional(),
      start_time: isoDateTime().optional(),
      transcript: z.string().meta({ description: 'one string of "\\nbot: …\\nhuman: …" lines' }).optional(),
      recording_url: url().nullable().optional(),
      // Both appear in the API reference's version of the example.
      diversion: z.string().nullable().optional(),
      external_id: z.string().nullable().optional(),
    }),
    executed_actions: z
      .record(z.string(), executedAction())
      .meta({ description: 'keyed by action name (e.g. extract_info_1, info_extractor_…)' }),
    analysis: analysis().optional(),
    collected_variables: collectedVariables().optional(),
    custom_end_call_reason: z.string().meta({ examples: ['Customer is being abusive'] }).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.custom_end_call_reason !== undefined && body.call.end_call_reason !== 'custom_end_call') {
      ctx.addIssue({
        code: 'custom',
        path: ['custom_end_call_reason'],
        message: `custom_end_call_reason is sent only when call.end_call_reason is "custom_end_call", here it is ${JSON.stringify(body.call.end_call_reason)}`,
        params: { ...WARNING, code: 'unexpected-field' },
      });
    }
  });

const callInboundRequest = () => z.strictObject({
  event: z.literal('call_inbound'),
  call_inbound: z.strictObject({
    model_id: z.string(),
    // Plain strings: a withheld caller id need not be E.164.
    from_number: z.string().meta({ examples: ['+15550100001'] }),
    to_number: z.string().meta({ examples: ['+15550100002'] }),
  }),
});

const callInboundReply = () => z.strictObject({
  call_inbound: z.strictObject({
    override_model_id: z.string().optional(),
    custom_variables: z.record(z.string(), z.string()).optional(),
    metadata: anyObject().optional(),
  }),
});

// Each schema is built on first use (lazy.ts); the ones above are builders.
const events = lazySchemas([
  {
    name: 'post_call',
    personal: ['call.transcript', 'lead.name', 'lead.prompt_variables.*', 'collected_variables', 'analysis'],
    description: 'A call ended: status, lead, transcript, executed actions, analysis and collected variables. The body has no event field.',
    fixtures: ['post_call.json'],
    schema: postCall,
    summarize(body) {
      const reason = field(body, 'call.end_call_reason');
      const custom = field(body, 'custom_end_call_reason');
      const why = reason === 'custom_end_call' && typeof custom === 'string' ? `custom_end_call (${custom})` : String(reason);
      return `${String(field(body, 'call.status'))}, ${why}, ${String(field(body, 'call.duration'))} s`;
    },
  },
  {
    name: 'call_inbound',
    description: 'An inbound call is ringing: Synthflow asks which agent answers and with which variables.',
    fixtures: ['call_inbound.json'],
    schema: callInboundRequest,
    reply: {
      description: 'Optionally another agent (override_model_id), string variables for the prompt (custom_variables) and free-form metadata.',
      schema: callInboundReply,
      fixtures: ['call_inbound.reply.json'],
      emptyMeans: 'an empty answer disconnects the caller; no answer in time makes Synthflow ask up to 3 more times',
    },
    summarize: (body) =>
      `${String(field(body, 'call_inbound.from_number'))} → ${String(field(body, 'call_inbound.to_number'))} (model ${String(field(body, 'call_inbound.model_id'))})`,
  },
]);

const signatureHeaders = ['synthflow-signature', 'x-synthflow-signature', 'http_synthflow_signature'];

// Retell's inbound-call webhook shares the `{event: "call_inbound", call_inbound}` envelope and the
// `{call_inbound}` reply. A body with one of Retell's own members (and none of ours), or Retell's
// signature header, is left to Retell; one with neither vendor's members is claimed by both, and
// detection calls it ambiguous.
const RETELL_REQUEST_KEYS = ['agent_id', 'agent_version'];
const RETELL_REPLY_KEYS = ['override_agent_id', 'override_agent_version', 'dynamic_variables', 'agent_override'];
const OUR_REPLY_KEYS = ['override_model_id', 'custom_variables'];
const hasAny = (o: Record<string, unknown>, keys: readonly string[]) => keys.some((k) => Object.hasOwn(o, k));

function detectInbound(body: Record<string, unknown>, retellSigned: boolean): DetectResult {
  const inbound = body.call_inbound;
  if (!isObject(inbound)) return { match: false, resemblance: 0.7, reason: '`event` is "call_inbound", but there is no `call_inbound` object' };
  if (retellSigned) return { match: false, resemblance: 0.6, reason: 'an inbound-call request with an x-retell-signature header (Retell\'s, not Synthflow\'s)' };
  const retells = hasAny(inbound, RETELL_REQUEST_KEYS) || Object.hasOwn(body, 'event_timestamp');
  if (retells && !Object.hasOwn(inbound, 'model_id')) {
    return { match: false, resemblance: 0.6, reason: 'an inbound-call request naming agent_id/agent_version and no model_id (Retell\'s, not Synthflow\'s)' };
  }
  return { match: true, event: 'call_inbound', part: 'request', reason: '`event` is "call_inbound" with a `call_inbound` object' };
}

function detectReply(body: Record<string, unknown>): DetectResult {
  const others = firstKeys(body, 'call_inbound', 5);
  if (others.length > 0) return { match: false, resemblance: 0.6, reason: `has a \`call_inbound\` object like an inbound-call reply, but also ${others.map((k) => `\`${k}\``).join(', ')} and no \`event\`` };
  const reply = body.call_inbound as Record<string, unknown>;
  if (hasAny(reply, RETELL_REPLY_KEYS) && !hasAny(reply, OUR_REPLY_KEYS)) {
    return { match: false, resemblance: 0.6, reason: 'an inbound-call reply with Retell\'s members (override_agent_id, dynamic_variables, …) and none of Synthflow\'s' };
  }
  return { match: true, event: 'call_inbound', part: 'reply', reason: 'a body with only a `call_inbound` object is the answer to an inbound-call webhook' };
}

function detectBody(body: Record<string, unknown>, retellSigned: boolean): DetectResult {
  if (body.event === 'call_inbound') return detectInbound(body, retellSigned);
  if (!('event' in body) && isObject(body.call_inbound)) return detectReply(body);
  if (isObject(body.call)) {
    const companions = ['lead', 'executed_actions', 'status'].filter((k) => k in body);
    if (typeof body.call.call_id !== 'string') {
      const seen = companions.length > 0 ? ` and ${companions.map((k) => `\`${k}\``).join(', ')}` : '';
      return { match: false, resemblance: companions.length > 0 ? 0.7 : 0.5, reason: `has a \`call\` object${seen}, but no string \`call.call_id\`` };
    }
    if (companions.length === 0) {
      return { match: false, resemblance: 0.6, reason: 'has `call.call_id`, but none of `lead`, `executed_actions`, `status` that a post-call body carries' };
    }
    return { match: true, event: 'post_call', part: 'request', reason: `a \`call\` object with a string \`call_id\`, and ${companions.map((k) => `\`${k}\``).join(', ')}: a post-call body` };
  }
  if (isObject(body.lead) && isObject(body.executed_actions)) {
    return { match: false, resemblance: 0.6, reason: 'has `lead` and `executed_actions` like a post-call body, but no `call` object' };
  }
  return NOT_SYNTHFLOW;
}

/** Up to `n` keys of an object other than `except`: enough to name in a reason, never all of a huge one. */
function firstKeys(body: Record<string, unknown>, except: string, n: number): string[] {
  const out: string[] = [];
  for (const k in body) {
    if (k === except) continue;
    if (out.length === n) {
      out.push('…');
      break;
    }
    out.push(k.length > 40 ? `${k.slice(0, 39)}…` : k);
  }
  return out;
}

// Every other vendor's body ends here: one shared answer, not a new object per body.
const NOT_SYNTHFLOW: DetectResult = Object.freeze({ match: false, resemblance: 0, reason: 'neither a post-call body (a `call` object with `call_id`) nor an inbound-call request/reply (`call_inbound`)' });

export const synthflow: VendorDefinition = {
  id: 'synthflow',
  aliases: [],
  title: 'Synthflow',
  docsUrl: 'https://docs.synthflow.ai',
  secretEnv: ['SYNTHFLOW_WEBHOOK_SECRET'],
  events,
  // {event: call_inbound, call_inbound}, a reply {call_inbound}, or a post-call body's `call`.
  matchKeys: ['event', 'call_inbound', 'call'],
  detect(body, headers) {
    if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
    const result = detectBody(body, headers?.['x-retell-signature'] !== undefined);
    if (result.match || result.resemblance >= 0.5) return result;
    const header = signatureHeaders.find((h) => headers?.[h] !== undefined);
    if (header === undefined) return result;
    return { match: false, resemblance: 0.5, reason: `carries a ${header} header, but ${result.reason}` };
  },
  signing: hmacScheme({
    header: {
      value: 'synthflow-signature',
      provenance: 'assumed',
      note: 'Documented only as the CGI variable HTTP_SYNTHFLOW_SIGNATURE, so the wire name Synthflow-Signature is an inference.',
      override: '--signature-header',
    },
    alsoAccepted: ['x-synthflow-signature', 'http_synthflow_signature'],
    placement: { kind: 'single', header: 'synthflow-signature' },
    format: { value: '<base64 digest>', provenance: 'documented', note: 'base64 of the HMAC-SHA256 digest (padded, 44 characters), webhook security section.' },
    algorithm: { value: 'sha256', provenance: 'documented', note: 'HMAC-SHA256, webhook security section of the Webhooks page.' },
    encoding: { value: 'base64', provenance: 'documented', note: 'base64 of the HMAC-SHA256 digest (padded, 44 characters), webhook security section of the Webhooks page.' },
    key: { value: 'utf8', provenance: 'documented', note: '"signs it with your secret key" (webhook security section).' },
    signedBytes: {
      value: 'the call.call_id string only (UTF-8), not the body',
      provenance: 'documented',
      note: '"Synthflow uses the call_id as the payload and signs it with your secret key" (webhook security section).',
    },
    caveat: 'the signature covers only call_id: a body with a changed transcript or status still verifies',
    messages: [[{ field: 'call.call_id' }]],
  }),
  delivery: {
    retryDelaysMs: {
      value: [0],
      provenance: 'assumed',
      note: 'Synthflow documents no retry schedule for post-call webhooks (webhook logs carry an attempt_number, so retries exist); hookscope assumes one attempt; set --schedule to exercise retries.',
      override: '--schedule',
    },
    success: {
      value: 'any 2xx',
      provenance: 'assumed',
      note: 'Not documented; hookscope counts any 2xx as delivered.',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: {
      value: 30_000,
      provenance: 'assumed',
      note: 'Not documented; hookscope assumes 30 s. An inbound-call webhook expects its reply within seconds.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'call.call_id',
      provenance: 'assumed',
      note: 'One post-call webhook per call, so call.call_id identifies it across retries; the vendor does not say so. Inbound-call requests have no key: each is a distinct request.',
      key(body) {
        if (field(body, 'event') === 'call_inbound') return undefined;
        const callId = field(body, 'call.call_id');
        return typeof callId === 'string' ? callId : undefined;
      },
    },
  },
  callId: (body) => {
    const id = field(body, 'call.call_id');
    return typeof id === 'string' ? id : undefined;
  },
  // The inbound-call request comes before the call has an id, so it is not part of one.
  callFlow: { order: ['post_call'], ended: 'post_call' },
  notes: [
    'The post-call webhook URL is set per call, as external_webhook_url in the API request that starts the call.',
    'hookscope does not sign call_inbound requests: the docs only describe the post-call signature (HMAC of call.call_id), and an inbound request carries no call_id.',
  ],
};
