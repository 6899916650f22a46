// ElevenLabs Agents (Conversational AI): three post-call webhooks in one {type, event_timestamp,
// data} envelope, HMAC-signed, and the conversation-initiation webhook that asks the receiver for
// an inbound Twilio call's dynamic variables (request/response, not signed).
// Sources: https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks (payloads, signature,
// egress IPs), https://elevenlabs.io/docs/eleven-api/resources/webhooks (retries, dedupe), the
// "Twilio personalization" page (conversation initiation), and @elevenlabs/elevenlabs-js 2.73.0
// (wrapper/webhooks.js constructEvent; api/types for required fields and enums). Collected in
// shared/research/vendors-elevenlabs-twilio-openai-standard-webhooks.md, section 1.
import * as z from 'zod';
import { hmacScheme } from '../signing/hmac.js';
import { anyObject } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import type { Issue } from '../schema/issues.js';
import type { DetectResult, VendorDefinition } from './types.js';
import { elevenlabsSchemas } from './elevenlabs-schemas.js';
import { lazySchemas } from './lazy.js';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const str = (v: unknown) => (v === undefined || v === null ? '?' : String(v));

/** The size of what a base64 text decodes to, without decoding it. */
function decodedBytes(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((b64.length * 3) / 4) - padding);
}
const kB = (n: number) => (n < 1000 ? `${n} bytes` : `${(n / 1000).toFixed(1)} kB`);

const initiationRequest = () => z.strictObject({
  // Plain strings: a withheld caller id need not be E.164.
  caller_id: z.string().meta({ examples: ['+15550100001'] }),
  agent_id: z.string(),
  called_number: z.string().meta({ examples: ['+15550100002'] }),
  call_sid: z.string().meta({ description: "Twilio's CallSid of the inbound call" }),
});

const initiationReply = () => z.strictObject({
  type: z.literal('conversation_initiation_client_data'),
  dynamic_variables: elevenlabsSchemas().dynamicVariables
    .optional()
    .meta({ description: 'every dynamic variable the agent defines (strings, numbers or booleans); names starting system__ are reserved' }),
  conversation_config_override: elevenlabsSchemas().conversationConfigOverride.optional().meta({ description: "applied only where the agent's Security tab allows overrides" }),
  custom_llm_extra_body: anyObject().optional(),
  user_id: z.string().optional(),
  branch_id: z.string().optional(),
  environment: z.string().optional(),
  starting_workflow_node_id: z.string().optional(),
  procedure_ids: z.array(z.string()).optional(),
});

/** What the reply schema cannot say: system__ variables are ElevenLabs' own. */
function checkInitiationReply(reply: { json?: unknown }): Issue[] {
  const vars = field(reply.json, 'dynamic_variables');
  if (!isObject(vars)) return [];
  return Object.keys(vars)
    .filter((k) => k.startsWith('system__'))
    .map((k) => ({
      code: 'reserved-variable',
      severity: 'warning' as const,
      message: `dynamic variable ${JSON.stringify(k)}: names starting system__ are reserved for ElevenLabs' own variables`,
      path: `$.dynamic_variables.${k}`,
      locationPath: ['dynamic_variables', k],
    }));
}

// Each schema is built on first use (lazy.ts).
const events = lazySchemas([
  {
    name: 'post_call_transcription',
    description: 'A conversation ended and its analysis is done: transcript, metadata, analysis, the client data it started with.',
    fixtures: ['post_call_transcription.json'],
    schema: () => elevenlabsSchemas().postCallTranscription,
    personal: [
      'data.transcript[*].message',
      'data.transcript[*].original_message',
      'data.analysis.transcript_summary',
      'data.analysis.call_summary_title',
      'data.analysis.data_collection_results.*.value',
      'data.analysis.data_collection_results.*.rationale',
      'data.analysis.evaluation_criteria_results.*.rationale',
      'data.conversation_initiation_client_data.dynamic_variables.*',
    ],
    summarize(body) {
      const turns = field(body, 'data.transcript');
      const parts = [str(field(body, 'data.status')), str(field(body, 'data.analysis.call_successful')), `${str(field(body, 'data.metadata.call_duration_secs'))} s`];
      if (Array.isArray(turns)) parts.push(count(turns.length, 'turn', 'turns'));
      const ended = field(body, 'data.metadata.termination_reason');
      if (typeof ended === 'string' && ended !== '') parts.push(ended);
      return parts.join(', ');
    },
  },
  {
    name: 'post_call_audio',
    description: 'The audio of a whole conversation, as base64 MP3 (sent separately from the transcription, chunked).',
    fixtures: ['post_call_audio.json'],
    schema: () => elevenlabsSchemas().postCallAudio,
    // A recording of the caller's voice.
    personal: ['data.full_audio'],
    summarize(body) {
      const audio = field(body, 'data.full_audio');
      const size = typeof audio === 'string' ? `${kB(decodedBytes(audio))} of MP3 audio` : 'no audio';
      return `conversation ${str(field(body, 'data.conversation_id'))}, ${size}`;
    },
  },
  {
    name: 'call_initiation_failure',
    description: 'A telephony call could not start: busy, not answered, or a connection error, with the SIP or Twilio details.',
    fixtures: ['call_initiation_failure.json', 'call_initiation_failure.twilio.json'],
    schema: () => elevenlabsSchemas().callInitiationFailure,
    summarize(body) {
      const type = field(body, 'data.metadata.type');
      const detail =
        type === 'sip'
          ? `SIP ${str(field(body, 'data.metadata.body.sip_status_code'))} ${str(field(body, 'data.metadata.body.sip_status') ?? field(body, 'data.metadata.body.error_reason'))}`
          : type === 'twilio'
            ? `Twilio CallStatus ${str(field(body, 'data.metadata.body.CallStatus'))}`
            : undefined;
      return `${str(field(body, 'data.failure_reason'))}${detail ? ` (${detail})` : ''}, conversation ${str(field(body, 'data.conversation_id'))}`;
    },
  },
  {
    name: 'conversation_initiation',
    description: "An inbound Twilio call is ringing: ElevenLabs asks for the conversation's dynamic variables and overrides. The body has no type field.",
    fixtures: ['conversation_initiation.json'],
    schema: initiationRequest,
    signing: null,
    signingNote:
      'not signed: ElevenLabs documents no HMAC for the conversation-initiation webhook; it sends the custom headers you configure, with values from its secrets store (Twilio personalization page). Add them with -H.',
    reply: {
      description: 'type "conversation_initiation_client_data", the dynamic variables the agent defines, and optional config overrides.',
      schema: initiationReply,
      check: checkInitiationReply,
      fixtures: ['conversation_initiation.reply.json'],
      emptyMeans: "the agent gets none of its dynamic variables; what ElevenLabs then does with the call is not documented",
      deadlineMs: {
        value: 5_000,
        provenance: 'assumed',
        note: 'The docs ask only for "a reasonable timeout" while the call waits through Twilio\'s dialing period; integrators assume about 5 s, and so does hookscope.',
        override: '--timeout',
      },
    },
    summarize: (body) => `${str(field(body, 'caller_id'))} → ${str(field(body, 'called_number'))} (agent ${str(field(body, 'agent_id'))})`,
  },
]);

const POST_CALL = ['post_call_transcription', 'post_call_audio', 'call_initiation_failure'];
const INITIATION_KEYS = ['caller_id', 'agent_id', 'called_number', 'call_sid'] as const;
const SIGNATURE_HEADER = 'elevenlabs-signature';

function detectBody(body: Record<string, unknown>, signed: boolean): DetectResult {
  const { type } = body;
  if (type === 'conversation_initiation_client_data') {
    return { match: true, event: 'conversation_initiation', part: 'reply', reason: '`type` is "conversation_initiation_client_data": the answer to a conversation-initiation webhook' };
  }
  if (typeof type === 'string') {
    const hasData = isObject(body.data);
    const hasTimestamp = 'event_timestamp' in body;
    if (POST_CALL.includes(type)) {
      if (hasData || hasTimestamp) return { match: true, event: type, part: 'request', reason: '`type` names an ElevenLabs post-call webhook in a {type, event_timestamp, data} envelope' };
      return { match: false, resemblance: 0.8, reason: `\`type\` is ${JSON.stringify(type)}, but there is neither \`event_timestamp\` nor a \`data\` object` };
    }
    // `type` is common (Bluejay, OpenAI, Standard Webhooks); `event_timestamp` beside an object `data`, or the signature header, is ElevenLabs'.
    const envelope = hasData && hasTimestamp;
    if (!envelope && !signed) return NOT_ELEVENLABS;
    const where = envelope ? 'has the {type, event_timestamp, data} envelope' : `carries an ${SIGNATURE_HEADER} header`;
    return { match: false, resemblance: envelope ? 0.8 : 0.5, reason: `${where}, but type ${JSON.stringify(type.slice(0, 100))} is not one of ${POST_CALL.join(', ')}`, unknownEvent: type };
  }
  if (type === undefined && !('event' in body)) {
    const present = INITIATION_KEYS.filter((k) => k in body);
    if (present.length >= 3) {
      return { match: true, event: 'conversation_initiation', part: 'request', reason: `no \`type\`, and ${present.map((k) => `\`${k}\``).join(', ')}: a conversation-initiation request` };
    }
    if (present.length > 0 && present.some((k) => k !== 'agent_id')) {
      const missing = INITIATION_KEYS.filter((k) => !(k in body));
      return { match: false, resemblance: 0.5, reason: `has ${present.map((k) => `\`${k}\``).join(', ')} like a conversation-initiation request, but not ${missing.map((k) => `\`${k}\``).join(', ')}` };
    }
  }
  return signed ? { match: false, resemblance: 0.5, reason: `carries an ${SIGNATURE_HEADER} header, but ${NOT_ELEVENLABS.reason}` } : NOT_ELEVENLABS;
}

// Every other vendor's body ends here: one shared answer, not a new object per body.
const NOT_ELEVENLABS: DetectResult = Object.freeze({
  match: false,
  resemblance: 0,
  reason: 'neither a post-call body ({type, event_timestamp, data}) nor a conversation-initiation request (caller_id, called_number, call_sid) or reply',
});

export const elevenlabs: VendorDefinition = {
  id: 'elevenlabs',
  aliases: ['eleven'],
  title: 'ElevenLabs Agents',
  docsUrl: 'https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks',
  secretEnv: ['ELEVENLABS_WEBHOOK_SECRET'],
  events,
  // `type` names the event or the reply; a conversation-initiation request has three of INITIATION_KEYS.
  matchKeys: ['type', ...INITIATION_KEYS],
  detect(body, headers) {
    if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
    return detectBody(body, headers?.[SIGNATURE_HEADER] !== undefined);
  },
  signing: hmacScheme({
    header: { value: SIGNATURE_HEADER, provenance: 'documented', note: 'The ElevenLabs-Signature header (post-call webhooks page, Authentication).' },
    placement: { kind: 'pairs', header: SIGNATURE_HEADER, timestampKey: 't', signatureKey: 'v0' },
    format: { value: 't=<unix seconds>,v0=<hex digest>', provenance: 'documented', note: '"t=timestamp,v0=hash" (post-call webhooks page); the SDK finds each part by its prefix, so their order does not matter to it.' },
    algorithm: { value: 'sha256', provenance: 'documented', note: '"the hex encoded sha256 HMAC signature" (post-call webhooks page); HMAC SHA-256 in the SDK\'s constructEvent.' },
    encoding: { value: 'hex', provenance: 'documented', note: 'Lower-case hex: the SDK writes each byte with toString(16) and compares the strings with !==, so upper case fails there.' },
    key: { value: 'utf8', provenance: 'documented', note: 'The webhook secret as text: constructEvent imports TextEncoder().encode(secret) as the key, never base64-decoded.' },
    signedBytes: {
      value: '`<t>.<raw body>`: the header\'s timestamp, a dot, then the body bytes as sent',
      provenance: 'documented',
      note: '"timestamp.request_body" (post-call webhooks page); constructEvent signs `${timestamp}.${rawBody}` and says the body must be the raw one, not a parsed object.',
    },
    timestamp: {
      value: { unit: 's', pastMs: 30 * 60_000 },
      provenance: 'documented',
      note: 'constructEvent rejects t more than 30 minutes old and does not check the future (SDK 2.73.0); the docs\' manual samples make the same one-sided check.',
    },
    messages: [['timestamp', { literal: '.' }, 'body']],
  }),
  delivery: {
    retryDelaysMs: {
      value: [0, 30_000, 120_000, 480_000, 1_800_000],
      provenance: 'documented',
      note:
        'Webhooks page: retries are opt-in per webhook (off by default) and only for post_call_transcription: immediately, then 30 s, 2 min, 8 min, 30 min (up to 10 % jitter); the page also says "up to 5 retries", which would make 6 attempts, so the count is ambiguous. Other events, HIPAA workspaces and webhooks without retries enabled get one attempt (--max-attempts 1). Assumption: each delay counts from the previous attempt.',
      override: '--schedule',
    },
    success: {
      value: 'exactly 200',
      provenance: 'documented',
      note: 'Post-call webhooks "must return a 200 status code to be considered successful"; whether another 2xx counts is not said, so hookscope counts only 200.',
      isSuccess: (status) => status === 200,
    },
    retryOn: {
      value: '5xx, 429 and 408',
      provenance: 'documented',
      note: 'Webhooks page: 5xx, 429 and 408 are retried, other 4xx are not. Assumption: no answer at all (refused, timed out) is retried too.',
      isRetryable: (status) => status === undefined || status >= 500 || status === 429 || status === 408,
    },
    timeoutMs: {
      value: 30_000,
      provenance: 'assumed',
      note: 'Not documented for post-call webhooks; hookscope assumes 30 s. The conversation-initiation reply has its own assumed deadline of 5 s.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'type + data.conversation_id + event_timestamp',
      provenance: 'documented',
      note: 'No delivery id header; a retry repeats the same body, and the webhooks page advises deduplicating on event_timestamp with an id such as conversation_id. Conversation-initiation requests have no key: each is a distinct call.',
      key(body) {
        const type = field(body, 'type');
        const id = field(body, 'data.conversation_id');
        const at = field(body, 'event_timestamp');
        return typeof type === 'string' && typeof id === 'string' && at !== undefined ? `${type}:${id}:${String(at)}` : undefined;
      },
    },
  },
  callId: (body) => {
    const id = field(body, 'data.conversation_id');
    return typeof id === 'string' ? id : undefined;
  },
  // Post-call webhooks come once the conversation is over; the audio one only when enabled.
  callFlow: { order: ['post_call_transcription', 'post_call_audio'], ended: 'post_call_transcription' },
  notes: [
    'post_call_audio bodies carry the whole call as base64 MP3 and arrive chunked: a long call can exceed listen --max-body (10mb by default).',
    'A webhook is disabled after 10 or more consecutive failures when its last success is more than 7 days old (or it never had one); an admin must enable it again.',
    'Deliveries come from fixed egress IPs: US 34.67.146.145, 34.59.11.47; EU 35.204.38.71, 34.147.113.54; Asia 35.185.187.110, 35.247.157.189 (data-residency regions have their own).',
    'The conversation-initiation webhook is called only for inbound Twilio calls of agents that enable "fetch conversation initiation data" under Security.',
  ],
};
