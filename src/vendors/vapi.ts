// Vapi: voice AI assistants on phone and web calls. Every server message is a POST of
// `{message: {type, …}}` to the server URL; some of them (assistant-request, tool-calls, …) hold a
// live call until the receiver answers. Sources: Vapi's OpenAPI spec and docs repo (VapiAI/docs),
// summarised with tags in shared/research/vendors-vapi-retell-bland.md §1.
import { field, isObject } from '../json/values.js';
import { vapiAuthModes } from './vapi-auth.js';
import { TYPE_ALIASES, vapiMessages } from './vapi-messages.js';
import {
  assistantRequestReply,
  checkToolCallsReply,
  handoffDestinationReply,
  knowledgeBaseReply,
  toolCallsReply,
  transferDestinationReply,
} from './vapi-replies.js';
import { lazySchemas, type LazyReply } from './lazy.js';
import type { DetectResult, Fact, VendorDefinition } from './types.js';

const serverTimeout: Fact<number> = {
  value: 20_000,
  provenance: 'documented',
  note: 'server.timeoutSeconds, default 20 s (1 to 300), set per server URL (OpenAPI Server schema); --timeout stands for yours.',
  override: '--timeout',
};

const s = (v: unknown) => (typeof v === 'string' ? v : String(v));

/** A reply contract held to the server's configurable timeout. */
const timed = (contract: Omit<LazyReply, 'deadlineMs'>): LazyReply => ({ ...contract, deadlineMs: serverTimeout });

interface Described {
  description: string;
  reply?: LazyReply;
  personal?: string[];
  legacy?: string;
  summarize?(body: unknown): string;
}

const PERSONAL_CALL = ['message.customer', 'message.call.customer', 'message.artifact', 'message.call.artifact'];

const described: Record<string, Described> = {
  'assistant-request': {
    description: 'An inbound call is ringing and no assistant is set: Vapi asks which assistant, squad or workflow answers (or where to forward). The call waits for the answer.',
    summarize: (b) => `call from ${s(field(b, 'message.call.customer.number') ?? field(b, 'message.customer.number') ?? 'unknown')}`,
    reply: {
      description: 'assistantId, assistant, squadId, squad, workflowId or workflow (with optional overrides); or destination to forward the call; or error, spoken to the caller.',
      schema: assistantRequestReply,
      fixtures: ['assistant-request.reply.json'],
      emptyMeans: 'no assistant: the call fails with endedReason assistant-request-returned-no-assistant',
      deadlineMs: {
        value: 7_500,
        provenance: 'documented',
        note: '7.5 s end to end, fixed: the telephony provider caps call setup at 15 s (events.mdx); the dashboard timeout does not apply.',
      },
    },
  },
  'tool-calls': {
    description: 'The assistant calls one or more of your tools: toolCallList with ids, names and arguments. The assistant waits for the results.',
    summarize: (b) => {
      const list = field(b, 'message.toolCallList');
      if (!Array.isArray(list)) return 'tool calls';
      return list.slice(0, 5).map((c) => `${s(field(c, 'function.name') ?? field(c, 'name'))} (${s(field(c, 'id'))})`).join(', ');
    },
    reply: timed({
      description: 'results: one {toolCallId, result | error} per tool call of the request, with single-line string result/error, answered with HTTP 200.',
      schema: toolCallsReply,
      check: checkToolCallsReply,
      fixtures: ['tool-calls.reply.json'],
      emptyMeans: 'no results: Vapi logs "no result returned" and the assistant goes on without them',
      status: {
        value: 'exactly 200',
        provenance: 'documented',
        note: '"Always return HTTP 200, even for tool errors: any other status code is ignored completely" (tools/custom-tools-troubleshooting.mdx).',
        isAccepted: (status) => status === 200,
      },
    }),
  },
  'transfer-destination-request': {
    description: 'The assistant wants to transfer the call and the destination is dynamic: Vapi asks where to.',
    reply: timed({
      description: 'destination ({type: number | sip | assistant, …}), optionally a message spoken first; or error.',
      schema: transferDestinationReply,
      fixtures: ['transfer-destination-request.reply.json'],
      emptyMeans: 'no destination: the transfer does not happen',
    }),
  },
  'knowledge-base-request': {
    description: 'A custom knowledge base is asked for documents for the conversation so far (messagesOpenAIFormatted).',
    reply: timed({
      description: 'documents [{content, similarity, uuid?}], or a message to speak instead.',
      schema: knowledgeBaseReply,
      fixtures: ['knowledge-base-request.reply.json'],
      emptyMeans: 'no documents: the model answers without your knowledge base',
    }),
  },
  'handoff-destination-request': {
    description: 'A handoff tool with a dynamic destination: Vapi asks which assistant takes over, with the tool parameters.',
    reply: timed({
      description: 'destination (required), optionally result or error.',
      schema: handoffDestinationReply,
      fixtures: ['handoff-destination-request.reply.json'],
      emptyMeans: 'no destination: the handoff fails',
    }),
  },
  'status-update': {
    description: 'The call changed status: scheduled, queued, ringing, in-progress, forwarding, ended (with endedReason).',
    summarize: (b) => {
      const reason = field(b, 'message.endedReason');
      return `${s(field(b, 'message.status'))}${reason === undefined ? '' : ` (${s(reason)})`}`;
    },
  },
  'end-of-call-report': {
    description: 'After the call and its analysis: endedReason, artifact (transcript, messages, recordings), analysis, cost.',
    personal: [...PERSONAL_CALL, 'message.analysis.summary', 'message.analysis.structuredData', 'message.summary', 'message.transcript', 'message.messages'],
    summarize: (b) => {
      const cost = field(b, 'message.cost');
      return `${s(field(b, 'message.endedReason'))}${typeof cost === 'number' ? `, $${cost.toFixed(2)}` : ''}`;
    },
  },
  transcript: {
    description: 'A partial or final transcript of what the user or the assistant said (type transcript, or transcript[transcriptType="final"] when only finals are subscribed).',
    personal: ['message.transcript', 'message.originalTranscript'],
    summarize: (b) => `${s(field(b, 'message.role'))} (${s(field(b, 'message.transcriptType'))}): ${s(field(b, 'message.transcript'))}`,
  },
  'conversation-update': {
    description: 'The conversation so far, after each turn: messages and messagesOpenAIFormatted.',
    personal: ['message.messages', 'message.messagesOpenAIFormatted'],
    summarize: (b) => {
      const list = field(b, 'message.messagesOpenAIFormatted');
      return Array.isArray(list) ? `${list.length} messages` : 'conversation';
    },
  },
  'speech-update': { description: 'The user or the assistant started or stopped speaking.', summarize: (b) => `${s(field(b, 'message.role'))} ${s(field(b, 'message.status'))}` },
  hang: { description: 'The assistant did not answer for a while (a hang): useful to apologise or alert someone.' },
  'user-interrupted': { description: 'The user interrupted the assistant.' },
  'model-output': { description: 'A token or tool call the model produced, as it streams.' },
  'phone-call-control': { description: 'Call control delegated to your server: forward or hang up.' },
  'transfer-update': { description: 'A transfer happened: the destination, or the assistants on either side.' },
  'language-change-detected': { description: 'The transcriber detected another language.' },
  'voice-input': { description: 'Text for a custom voice to speak (voice-input).' },
  'assistant.speechStarted': { description: 'The assistant started speaking a text.' },
  'voice-request': { description: 'A custom voice server is asked to synthesise text; it answers raw PCM (not checked by hookscope).' },
  'call.endpointing.request': { description: 'Smart endpointing delegated to your server: it answers how long to wait (timeoutSeconds).' },
  'chat.created': { description: 'A chat was created.' },
  'chat.deleted': { description: 'A chat was deleted.' },
  'session.created': { description: 'A session was created.' },
  'session.updated': { description: 'A session was updated.' },
  'session.deleted': { description: 'A session was deleted.' },
  'call.deleted': { description: 'A call was deleted.' },
  'call.delete.failed': { description: 'Deleting a call failed.' },
  'call.artifact.upload': { description: 'Call artifacts (recordings, logs) were uploaded (changelog 2026-08-17).' },
  'campaign.predial': { description: 'A campaign is about to dial a contact: the server says whether the contact is eligible.' },
};

// Each schema is built on first use (lazy.ts).
const events = lazySchemas(
  Object.entries(vapiMessages).map(([name, schema]) => {
    const d = described[name]!;
    return {
      name,
      description: d.description,
      schema,
      fixtures: [`${name}.json`],
      personal: d.personal ?? PERSONAL_CALL,
      ...(d.reply ? { reply: d.reply } : {}),
      ...(d.summarize ? { summarize: d.summarize } : {}),
    };
  }),
);

const KNOWN = new Set(events.map((e) => e.name));
const eventOfType = (type: string) => TYPE_ALIASES[type] ?? type;
/** The spoken-message types of a transfer reply (request-start, request-complete, request-failed, request-response-delayed). */
const SPOKEN = /^request-[a-z-]+$/;
const REPLY_KEYS = ['assistantId', 'assistant', 'squadId', 'squad', 'workflowId', 'workflow'];
const ASSISTANT_REPLY_KEYS = new Set([...REPLY_KEYS, 'assistantOverrides', 'squadOverrides', 'workflowOverrides', 'destination', 'error']);
const TOOL_REPLY_KEYS = new Set(['results', 'error']);
const KB_REPLY_KEYS = new Set(['documents', 'message']);

/** Whether every key of `r` is one of `allowed` (stops at the first that is not). */
function onlyKeys(r: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const k in r) if (!allowed.has(k)) return false;
  return true;
}

function detectReply(body: Record<string, unknown>): DetectResult | undefined {
  const r = isObject(body.messageResponse) ? body.messageResponse : body;
  const wrapped = r !== body ? ' (in the spec\'s messageResponse wrapper)' : '';
  // Only a body made of reply fields is a reply: another vendor's body that has an `assistant` key is not claimed.
  if (Array.isArray(r.results) && onlyKeys(r, TOOL_REPLY_KEYS) && r.results.some((x) => isObject(x) && 'toolCallId' in x)) return { match: true, event: 'tool-calls', part: 'reply', reason: `results[] with toolCallId: a tool-calls reply${wrapped}` };
  if (REPLY_KEYS.some((k) => k in r) && onlyKeys(r, ASSISTANT_REPLY_KEYS)) return { match: true, event: 'assistant-request', part: 'reply', reason: `names an assistant, squad or workflow: an assistant-request reply${wrapped}` };
  if (Array.isArray(r.documents) && onlyKeys(r, KB_REPLY_KEYS)) return { match: true, event: 'knowledge-base-request', part: 'reply', reason: `documents[]: a knowledge-base-request reply${wrapped}` };
  if (isObject(r.destination) && typeof r.destination.type === 'string') {
    if ('result' in r) return { match: true, event: 'handoff-destination-request', part: 'reply', reason: `a destination with a result: a handoff-destination-request reply${wrapped}` };
    return { match: true, event: 'transfer-destination-request', part: 'reply', reason: `a destination: a transfer-destination-request reply${wrapped}` };
  }
  return undefined;
}

function detect(body: unknown, headers?: Record<string, string | undefined>): DetectResult {
  if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
  const message = body.message;
  // A transfer-destination-request reply has a `message` too: the words spoken, {type: request-start, …}.
  if (isObject(message) && ('destination' in body || 'error' in body || (typeof message.type === 'string' && SPOKEN.test(message.type)))) {
    return { match: true, event: 'transfer-destination-request', part: 'reply', reason: 'a `message` to speak beside a destination (or a request-* message): a transfer-destination-request reply' };
  }
  if (isObject(message)) {
    const type = message.type;
    if (typeof type !== 'string') return { match: false, resemblance: 0.6, reason: 'a `message` object, as Vapi sends, but without a string `message.type`' };
    const name = eventOfType(type);
    if (KNOWN.has(name)) return { match: true, event: name, part: 'request', reason: `\`message.type\` is ${JSON.stringify(type)} in Vapi's {message: …} envelope` };
    return { match: false, resemblance: 0.7, reason: `Vapi's {message: {type}} envelope, but the type ${JSON.stringify(type.slice(0, 60))} is not one hookscope knows`, unknownEvent: type.slice(0, 120) };
  }
  const reply = detectReply(body);
  if (reply) return reply;
  // Invented shapes seen in tutorials: the message fields at the top level, without the envelope.
  if (typeof body.type === 'string' && KNOWN.has(eventOfType(body.type)) && ('call' in body || 'status' in body || 'toolCallList' in body)) {
    return { match: false, resemblance: 0.6, reason: `\`type\` ${JSON.stringify(body.type)} is a Vapi message type, but Vapi wraps every message in {message: {type, …}}` };
  }
  const header = ['x-vapi-secret', 'x-vapi-signature'].find((h) => headers?.[h] !== undefined);
  if (header) return { match: false, resemblance: 0.5, reason: `carries ${header}, but has no {message: {type}} envelope` };
  return NOT_VAPI;
}

const NOT_VAPI: DetectResult = Object.freeze({ match: false, resemblance: 0, reason: 'no {message: {type}} envelope' });

const callIdOf = (body: unknown) => {
  const id = field(body, 'message.call.id');
  return typeof id === 'string' ? id : undefined;
};

/** In-call steps come in any order among themselves, after the call is in progress and before it ends. */
const IN_CALL = ['speech-update', 'transcript', 'conversation-update', 'tool-calls', 'user-interrupted', 'model-output', 'hang', 'transfer-destination-request', 'handoff-destination-request', 'knowledge-base-request', 'transfer-update', 'status-update:forwarding', 'assistant.speechStarted', 'voice-input', 'language-change-detected', 'phone-call-control'];

export const vapi: VendorDefinition = {
  id: 'vapi',
  aliases: [],
  title: 'Vapi',
  docsUrl: 'https://docs.vapi.ai/server-url/events',
  secretEnv: ['VAPI_WEBHOOK_SECRET', 'VAPI_SECRET'],
  events,
  // The {message} envelope, or a reply (detectReply): bare or in a messageResponse wrapper.
  matchKeys: ['message', 'messageResponse', 'results', 'documents', 'destination', ...REPLY_KEYS],
  detect,
  signing: vapiAuthModes.secret!.create({}),
  authModes: vapiAuthModes,
  defaultAuthMode: {
    value: 'secret',
    provenance: 'assumed',
    note: 'Vapi sends nothing unless a server has a credential; with a secret and no --auth, hookscope sends it as X-Vapi-Secret, the header Vapi\'s example handler checks. Choose with --auth none|secret|bearer|hmac.',
    override: '--auth',
  },
  delivery: {
    retryDelaysMs: {
      value: [0],
      provenance: 'documented',
      note: 'server.backoffPlan "defaults to undefined (the request will not be retried)" (OpenAPI Server schema); replay --backoff plays a configured plan.',
      override: '--backoff',
    },
    success: {
      value: 'any 2xx',
      provenance: 'documented',
      note: 'A backoff plan retries "any non-2xx status code" (OpenAPI BackoffPlan.excludedStatusCodes); tool-calls replies need exactly 200.',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: serverTimeout,
    backoff: {
      name: 'server.backoffPlan',
      provenance: 'documented',
      note: 'OpenAPI BackoffPlan: type fixed (default) or exponential, maxRetries 0 to 10, baseDelaySeconds 0 to 10, excludedStatusCodes never retried.',
      kinds: ['fixed', 'exponential'],
      maxRetries: { min: 0, max: 10, default: 0 },
      baseDelaySeconds: { min: 0, max: 10, default: 1 },
      excludedStatuses: true,
      assumption: 'Vapi does not document the exponential formula or jitter: hookscope waits base × 2^(n-1) before retry n, without jitter.',
      delays: ({ kind, maxRetries, baseDelayMs }) => [0, ...Array.from({ length: maxRetries }, (_, i) => (kind === 'exponential' ? baseDelayMs * 2 ** i : baseDelayMs))],
    },
    dedupeKey: {
      value: 'message.call.id + message.type + message.timestamp',
      provenance: 'assumed',
      note: 'Vapi documents no event id; one call sends several messages of a type (status-update, transcript), so the timestamp tells them apart.',
      key(body) {
        const id = callIdOf(body);
        const type = field(body, 'message.type');
        if (id === undefined || typeof type !== 'string') return undefined;
        return `${id}:${type}:${s(field(body, 'message.timestamp') ?? '')}`;
      },
    },
  },
  callId: callIdOf,
  callFlow: {
    order: ['assistant-request', 'status-update:queued', 'status-update:ringing', 'status-update:in-progress', IN_CALL, 'status-update:ended', 'end-of-call-report'],
    ended: 'status-update:ended',
    after: ['end-of-call-report'],
    step: (event, body) => (event === 'status-update' ? `status-update:${s(field(body, 'message.status'))}` : event),
  },
  callScript: {
    description: 'An inbound phone call: Vapi asks for an assistant, the phone rings, the call starts, the caller and the assistant talk, the assistant calls a tool, the caller hangs up, and the end-of-call report follows once the analysis is done.',
    steps: [
      { event: 'assistant-request', delayMs: 0 },
      { event: 'status-update', label: 'status-update:ringing', set: { 'message.status': 'ringing', 'message.call.status': 'ringing' }, delayMs: 300 },
      { event: 'status-update', label: 'status-update:in-progress', set: { 'message.status': 'in-progress', 'message.call.status': 'in-progress' }, delayMs: 2_500 },
      { event: 'speech-update', delayMs: 400 },
      { event: 'transcript', delayMs: 2_600 },
      { event: 'conversation-update', delayMs: 3_000 },
      { event: 'tool-calls', delayMs: 1_200 },
      { event: 'status-update', label: 'status-update:ended', set: { 'message.status': 'ended', 'message.endedReason': 'customer-ended-call', 'message.call.status': 'ended', 'message.call.endedReason': 'customer-ended-call' }, delayMs: 6_000 },
      { event: 'end-of-call-report', delayMs: 8_000 },
    ],
    // The global Web Crypto: importing node:crypto would load it for every command that reads the catalog.
    newCallId: () => globalThis.crypto.randomUUID(),
    prepare(body, play) {
      const message = field(body, 'message');
      if (!isObject(message)) return;
      message.timestamp = play.atMs;
      if (isObject(message.call)) message.call.id = play.callId;
      if (message.type === 'end-of-call-report') {
        message.startedAt = new Date(play.startedMs).toISOString();
        message.endedAt = new Date(play.atMs).toISOString();
      }
    },
  },
  notes: [
    'The server URL is set per organisation, phone number, assistant or tool; tool-calls go to the tool\'s server first.',
    'Which messages arrive is the assistant\'s serverMessages list (set it explicitly since 2025-05-01); assistant-request and knowledge-base-request come from configuration instead.',
    'The spec wraps replies as {messageResponse: …}; the docs and Vapi\'s example handler answer the bare object, which hookscope takes as canonical and warns about the wrapper.',
    'assistant-request must be answered within 7.5 s whatever server.timeoutSeconds says; the others within server.timeoutSeconds (default 20 s, --timeout).',
    'endedReason grows with every release (595 distinct values in the spec today): an unknown value is a warning.',
  ],
};
