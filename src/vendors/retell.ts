// Retell AI: voice agents. Call events in an {event, call} envelope, and an inbound-call webhook
// (request/response) that asks which agent answers and with which variables.
// Sources: docs.retellai.com (features/webhook-overview, features/inbound-call-webhook,
// features/secure-webhook), retell-sdk 5.66.1 (src/lib/webhook_auth.ts, src/resources/call.ts), and
// the research notes in shared/research/vendors-vapi-retell-bland.md, section 2.
import * as z from 'zod';
import { hmacScheme } from '../signing/hmac.js';
import { field, isObject } from '../json/values.js';
import { lazySchemas } from './lazy.js';
import { retellSchemas } from './retell-schemas.js';
import type { DetectResult, VendorDefinition } from './types.js';

const envelope = (event: string, transfers = false) => z.strictObject({ event: z.literal(event), call: retellSchemas().callObject(transfers), ...retellSchemas().seenEnvelopeFields });

/** Free text about the people on a call, in every call event (blanked by listen --redact). */
const PERSONAL = [
  'call.transcript',
  'call.transcript_object[*].content',
  'call.transcript_object[*].words',
  'call.transcript_with_tool_calls[*].content',
  'call.transcript_with_tool_calls[*].words',
  'call.transcript_with_tool_calls[*].arguments',
  'call.scrubbed_transcript_with_tool_calls[*].content',
  'call.scrubbed_transcript_with_tool_calls[*].words',
  'call.call_analysis.call_summary',
  'call.call_analysis.custom_analysis_data',
  'call.retell_llm_dynamic_variables.*',
  'call.collected_dynamic_variables.*',
];

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
const seconds = (ms: unknown) => (typeof ms === 'number' ? `${Math.round(ms / 100) / 10} s` : '? s');

/** `inbound +1… → +1…` for phone calls, `web call` for web calls. */
function parties(body: unknown): string {
  if (field(body, 'call.call_type') === 'web_call') return 'web call';
  return `${str(field(body, 'call.direction'))} ${str(field(body, 'call.from_number'))} → ${str(field(body, 'call.to_number'))}`;
}

function agent(body: unknown): string {
  const name = field(body, 'call.agent_name');
  return typeof name === 'string' ? name : str(field(body, 'call.agent_id'));
}

function ended(body: unknown): string {
  return `${str(field(body, 'call.call_status'))}, ${str(field(body, 'call.disconnection_reason'))}, ${seconds(field(body, 'call.duration_ms'))}`;
}

function transfer(body: unknown, what: string): string {
  const type = field(body, 'call.transfer_option.type');
  return `${what} ${str(field(body, 'call.transfer_destination'))}${typeof type === 'string' ? ` (${type})` : ''}`;
}

// Each schema is built on first use (lazy.ts).
const events = lazySchemas([
  {
    name: 'call_started',
    description: 'A call connected (not sent for calls that never connect: dial_failed, dial_no_answer, dial_busy).',
    fixtures: ['call_started.json'],
    schema: () => envelope('call_started'),
    personal: PERSONAL,
    summarize: (body) => `${parties(body)}, agent ${agent(body)}`,
  },
  {
    name: 'call_ended',
    description: 'A call ended, was transferred or failed: every call field except call_analysis.',
    fixtures: ['call_ended.json', 'call_ended.web_call.json'],
    schema: () => envelope('call_ended'),
    personal: PERSONAL,
    summarize: ended,
  },
  {
    name: 'call_analyzed',
    description: 'Post-call analysis is ready: the whole call object with call_analysis.',
    fixtures: ['call_analyzed.json'],
    schema: () => envelope('call_analyzed'),
    personal: PERSONAL,
    summarize(body) {
      const ok = field(body, 'call.call_analysis.call_successful');
      const sentiment = field(body, 'call.call_analysis.user_sentiment');
      const voicemail = field(body, 'call.call_analysis.in_voicemail') === true ? ', in voicemail' : '';
      return `${ok === true ? 'successful' : ok === false ? 'not successful' : 'success unknown'}, sentiment ${str(sentiment)}${voicemail}, ${seconds(field(body, 'call.duration_ms'))}`;
    },
  },
  {
    name: 'transcript_updated',
    description: 'The transcript changed at a turn (and once more at the end): the call object with transcript_with_tool_calls.',
    fixtures: ['transcript_updated.json'],
    schema: () => envelope('transcript_updated'),
    personal: PERSONAL,
    summarize(body) {
      const items = field(body, 'call.transcript_with_tool_calls');
      const n = Array.isArray(items) ? items.length : '?';
      return `${n} transcript item${n === 1 ? '' : 's'}, call ${str(field(body, 'call.call_status'))}`;
    },
  },
  {
    name: 'transfer_started',
    description: 'A transfer began: the call object with transfer_destination and transfer_option (if available).',
    fixtures: ['transfer_started.json'],
    schema: () => envelope('transfer_started', true),
    personal: PERSONAL,
    summarize: (body) => transfer(body, 'transferring to'),
  },
  {
    name: 'transfer_bridged',
    description: 'A transfer connected the caller to its destination: the call object with transfer_destination and transfer_option.',
    fixtures: ['transfer_bridged.json'],
    schema: () => envelope('transfer_bridged', true),
    personal: PERSONAL,
    summarize: (body) => transfer(body, 'bridged to'),
  },
  {
    name: 'transfer_cancelled',
    description: 'A transfer was cancelled or did not connect: the call object with transfer_destination and transfer_option.',
    fixtures: ['transfer_cancelled.json'],
    schema: () => envelope('transfer_cancelled', true),
    personal: PERSONAL,
    summarize: (body) => transfer(body, 'transfer cancelled to'),
  },
  {
    name: 'transfer_ended',
    description: 'The transfer leg ended: the call object.',
    fixtures: ['transfer_ended.json'],
    schema: () => envelope('transfer_ended'),
    personal: PERSONAL,
    summarize: (body) => `transfer leg to ${str(field(body, 'call.transfer_destination'))} ended; ${ended(body)}`,
  },
  {
    name: 'call_inbound',
    description: 'An inbound call is ringing on a number with an inbound webhook: Retell asks which agent answers, with which variables.',
    fixtures: ['call_inbound.json'],
    schema: () => retellSchemas().inboundRequest,
    reply: {
      description:
        'Optionally another agent or version (override_agent_id, override_agent_version), string dynamic_variables, metadata and per-call agent_override settings; {"call_inbound":{}} keeps the number\'s inbound agent, and with none set rejects the call.',
      schema: () => retellSchemas().inboundReply,
      fixtures: ['call_inbound.reply.json'],
      emptyMeans:
        'Retell expects a JSON body under call_inbound and documents nothing for an empty one: hookscope counts it as a failed attempt, which Retell retries up to 3 times, then connects the number\'s inbound agent if one is set, else disconnects the caller',
      deadlineMs: {
        value: 10_000,
        provenance: 'documented',
        note: '"The webhook has a timeout of 10 seconds" (Inbound call webhook page); the caller hears ringing meanwhile, and the timeout is not configurable.',
      },
    },
    summarize(body) {
      const id = field(body, 'call_inbound.agent_id');
      const version = field(body, 'call_inbound.agent_version');
      const who = typeof id === 'string' ? `inbound agent ${id}${typeof version === 'number' ? ` v${version}` : ''}` : 'no inbound agent set';
      return `${str(field(body, 'call_inbound.from_number'))} → ${str(field(body, 'call_inbound.to_number'))} (${who})`;
    },
  },
]);

const CALL_EVENTS = new Set(events.filter((e) => e.name !== 'call_inbound').map((e) => e.name));
const HEADER = 'x-retell-signature';
/** Reply members only Retell's inbound webhook has, and only Synthflow's (same `call_inbound` key). */
const OUR_REPLY_KEYS = ['override_agent_id', 'override_agent_version', 'dynamic_variables', 'agent_override'];
const SYNTHFLOW_REPLY_KEYS = ['override_model_id', 'custom_variables'];
const has = (o: Record<string, unknown>, keys: readonly string[]) => keys.some((k) => Object.hasOwn(o, k));

function detectInbound(body: Record<string, unknown>, signed: boolean): DetectResult {
  const inbound = body.call_inbound;
  if (!isObject(inbound)) return { match: false, resemblance: 0.7, reason: '`event` is "call_inbound", but there is no `call_inbound` object' };
  if (signed) return { match: true, event: 'call_inbound', part: 'request', reason: 'an inbound-call request with an x-retell-signature header' };
  const ours = has(inbound, ['agent_id', 'agent_version']) || Object.hasOwn(body, 'event_timestamp');
  // Synthflow's inbound-call request has the same envelope and always names its agent by model_id.
  if (!ours && Object.hasOwn(inbound, 'model_id')) {
    return { match: false, resemblance: 0.6, reason: 'an inbound-call request with `call_inbound.model_id` (Synthflow\'s; Retell\'s names agent_id)' };
  }
  return { match: true, event: 'call_inbound', part: 'request', reason: ours ? 'an inbound-call request naming a Retell agent_id/agent_version' : '`event` is "call_inbound" with a `call_inbound` object' };
}

function detectReply(body: Record<string, unknown>): DetectResult {
  const others = Object.keys(body).filter((k) => k !== 'call_inbound');
  if (others.length > 0) return { match: false, resemblance: 0.6, reason: `has a \`call_inbound\` object like an inbound-call reply, but also ${others.slice(0, 5).map((k) => `\`${k.slice(0, 50)}\``).join(', ')} and no \`event\`` };
  const reply = body.call_inbound as Record<string, unknown>;
  if (has(reply, SYNTHFLOW_REPLY_KEYS) && !has(reply, OUR_REPLY_KEYS)) {
    return { match: false, resemblance: 0.6, reason: 'an inbound-call reply with override_model_id/custom_variables (Synthflow\'s members, not Retell\'s)' };
  }
  return { match: true, event: 'call_inbound', part: 'reply', reason: 'a body with only a `call_inbound` object is the answer to an inbound-call webhook' };
}

const NOT_RETELL: DetectResult = Object.freeze({ match: false, resemblance: 0, reason: 'no {event, call} envelope and no inbound-call request/reply (`call_inbound`)' });

function detectBody(body: Record<string, unknown>, signed: boolean): DetectResult {
  const event = body.event;
  if (event === 'call_inbound') return detectInbound(body, signed);
  if (isObject(body.call)) {
    if (typeof event === 'string') {
      if (CALL_EVENTS.has(event)) return { match: true, event, part: 'request', reason: '`event` names a retell call event inside an {event, call} envelope' };
      // A call_id in the call object (or the signature header) makes the envelope surely Retell's.
      const ours = typeof body.call.call_id === 'string' || signed;
      const reason = `has the {event, call} envelope, but event ${JSON.stringify(event.slice(0, 100))} is not one of ${[...CALL_EVENTS, 'call_inbound'].join(', ')}`;
      return { match: false, resemblance: 0.8, reason, ...(ours ? { unknownEvent: event } : {}) };
    }
    return { match: false, resemblance: 0.5, reason: 'has a `call` object but no string `event` beside it' };
  }
  if (!('event' in body) && isObject(body.call_inbound)) return detectReply(body);
  // n8n and some proxies hand the receiver {body: {event, call}}.
  const inner = body.body;
  if (isObject(inner) && typeof inner.event === 'string' && (isObject(inner.call) || isObject(inner.call_inbound))) {
    return { match: false, resemblance: 0.6, reason: 'a Retell body wrapped in a `body` member (as n8n and some proxies pass it on): check the inner object' };
  }
  if (signed && typeof event === 'string') return { match: false, resemblance: 0.6, reason: `carries an x-retell-signature header, but event ${JSON.stringify(event.slice(0, 100))} has no call object`, unknownEvent: event };
  if (signed) return { match: false, resemblance: 0.5, reason: 'carries an x-retell-signature header, but has no {event, call} envelope' };
  return NOT_RETELL;
}

export const retell: VendorDefinition = {
  id: 'retell',
  aliases: [],
  title: 'Retell AI',
  docsUrl: 'https://docs.retellai.com/features/webhook-overview',
  // Retell signs with an API key (the one with the webhook badge), not a webhook secret; the SDK's
  // client reads the same key from RETELL_API_KEY.
  secretEnv: ['RETELL_API_KEY'],
  events,
  // {event, call}, {event: call_inbound, call_inbound}, or a reply {call_inbound}.
  matchKeys: ['event', 'call', 'call_inbound'],
  detect(body, headers) {
    if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
    return detectBody(body, headers?.[HEADER] !== undefined);
  },
  signing: hmacScheme({
    header: { value: HEADER, provenance: 'documented', note: 'x-retell-signature header (Secure the webhook page; retell-sdk src/lib/webhook_auth.ts).' },
    placement: { kind: 'pairs', header: HEADER, timestampKey: 'v', signatureKey: 'd' },
    format: { value: 'v=<ms>,d=<hex>', provenance: 'documented', note: 'v is the send time in Unix milliseconds, d the digest: retell-sdk symmetric.sign returns `v=${timestamp},d=${digest}`.' },
    algorithm: { value: 'sha256', provenance: 'documented', note: "HMAC with SHA-256 (Web Crypto 'HMAC', hash 'SHA-256') in retell-sdk webhook_auth.ts." },
    encoding: { value: 'hex', provenance: 'documented', note: 'Lower-case hex, 64 characters (retell-sdk bytesToHex; the Python SDK accepts only [0-9a-f]{64}).' },
    key: { value: 'utf8', provenance: 'documented', note: 'The Retell API key as text; only the key with the webhook badge in the dashboard signs webhooks (Secure the webhook page).' },
    messages: [['body', 'timestamp']],
    signedBytes: {
      value: 'the raw body followed by the decimal ms timestamp (no separator)',
      provenance: 'documented',
      note: 'retell-sdk verify() computes HMAC(apiKey, body + v); the docs say to verify the raw body, not JSON.stringify(req.body). The inbound-call webhook is signed the same way.',
    },
    timestamp: {
      value: { unit: 'ms', pastMs: 300_000, futureMs: 300_000 },
      provenance: 'documented',
      note: 'retell-sdk rejects |now − v| > 5 minutes (FIVE_MINUTES), in both directions; the docs say "within 5 minutes".',
    },
    caveat: 'only the API key with the webhook badge verifies; another key of the same account fails like a wrong secret',
  }),
  delivery: {
    retryDelaysMs: {
      value: [0, 10_000, 10_000, 10_000],
      provenance: 'assumed',
      note: 'Documented: "retried, up to 3 times" when no 2xx arrives within 10 s, so 4 attempts. The spacing is not documented: hookscope assumes each retry starts 10 s after the previous attempt, when its timeout runs out (integrators have seen duplicates within about 1 s, so a fast failure may come back sooner).',
      override: '--schedule',
    },
    success: {
      value: 'any 2xx',
      provenance: 'documented',
      note: '"We expect a successful status code (2xx) to be returned. No body is expected." (Webhook overview).',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: {
      value: 10_000,
      provenance: 'documented',
      note: '"The webhook has a timeout of 10 seconds" (Webhook overview); an agent can change it with webhook_timeout_ms.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'call.call_id + event',
      provenance: 'seen',
      note: 'No event id exists; Retell community staff advise deduplicating on call_id and event (community.retellai.com/t/duplicate-webhook-payloads/2573). Inbound-call requests have no call yet, so no key.',
      key(body) {
        const callId = field(body, 'call.call_id');
        const event = field(body, 'event');
        return typeof callId === 'string' && typeof event === 'string' ? `${callId}:${event}` : undefined;
      },
    },
  },
  callId: (body) => {
    const id = field(body, 'call.call_id');
    return typeof id === 'string' ? id : undefined;
  },
  // An inbound-call request comes before the call exists (no call_id), so it is not part of one.
  callFlow: {
    order: ['call_started', 'transcript_updated', 'transfer_started', 'transfer_bridged', 'transfer_cancelled', 'transfer_ended', 'call_ended', 'call_analyzed'],
    ended: 'call_ended',
    after: ['call_analyzed'],
  },
  callScript: {
    description: 'An inbound phone call: Retell asks for the agent to use (call_inbound, answered within 10 s), the call starts, the caller and the agent talk for half a minute, the call ends, and the analysis follows a few seconds later.',
    steps: [
      { event: 'call_inbound', delayMs: 0 },
      { event: 'call_started', delayMs: 1_500 },
      { event: 'call_ended', delayMs: 30_000 },
      { event: 'call_analyzed', delayMs: 5_000 },
    ],
    // Retell's call ids are 32 letters and digits; the global Web Crypto keeps node:crypto out of catalog reads.
    newCallId: () => globalThis.crypto.randomUUID().replaceAll('-', ''),
    prepare(body, play) {
      const call = field(body, 'call');
      if (!isObject(call)) return;
      call.call_id = play.callId;
      // The call started with call_started (the second step, 1.5 s into the play); it ended with call_ended.
      const start = play.startedMs + 1_500;
      call.start_timestamp = Math.min(start, play.atMs);
      if ('end_timestamp' in call) {
        const end = field(body, 'event') === 'call_analyzed' ? play.atMs - 5_000 : play.atMs;
        call.end_timestamp = end;
        if ('duration_ms' in call) call.duration_ms = end - start;
      }
    },
  },
  notes: [
    'retell-sdk 5.x verify() returns a Promise: `if (!Retell.verify(...))` without await never rejects anything (the docs samples leave the await out).',
    'Events are sent in order but do not wait for each other: a failed call_started does not hold back call_ended.',
    'Retell delivers from 100.20.5.228 (its documented IP allowlist).',
    'Where transfer_option sits is not documented ("full call data plus transfer_destination and transfer_option"): hookscope expects it in the call object, beside transfer_destination; anywhere else it shows as drift.',
    'Chat agents send chat_started, chat_ended and chat_analyzed, which hookscope does not model: they show as unknown retell events.',
  ],
};
