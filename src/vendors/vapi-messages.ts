// Vapi's server messages: the 29 shapes of the `ServerMessage.message` union in Vapi's OpenAPI spec
// (github.com/VapiAI/docs fern/apis/api/openapi.json @ eabfa530, 2026-08-20; research notes in
// shared/research/vendors-vapi-retell-bland.md §1.2), each as `{message: {type, …}}`. Objects the
// spec describes field by field are strict (an unknown key is drift, a warning); the ones it leaves
// open (assistant, phone number, tool configs) are free-form.
import * as z from 'zod';
import { WARNING, anyObject, growingEnum, isoDateTime } from '../schema/kit.js';
import { vapiEndedReasons } from './vapi-ended-reasons.js';
import { lazy } from './lazy.js';

export const CALL_STATUSES = ['scheduled', 'queued', 'ringing', 'in-progress', 'forwarding', 'ended', 'not-found', 'deletion-failed'] as const;
const CALL_TYPES = ['inboundPhoneCall', 'outboundPhoneCall', 'webCall', 'vapi.websocketCall'] as const;

const endedReason = () => growingEnum(vapiEndedReasons, 'endedReason');

/**
 * `message.timestamp`: epoch milliseconds today; an ISO-8601 string until the spec changed on
 * 2025-04-01 (openapi commit 8b27d08). Saved payloads from before carry the string: accepted, as
 * legacy drift.
 */
const iso = lazy(() => isoDateTime());
const timestamp = lazy(() => z
  .union([z.number().nonnegative(), z.string()])
  .superRefine((value, ctx) => {
    if (typeof value !== 'string') return;
    if (!iso().safeParse(value).success) {
      ctx.addIssue({ code: 'custom', message: `expected epoch milliseconds (a number), or an ISO-8601 time as Vapi sent before April 2025; received ${JSON.stringify(value.slice(0, 40))}`, params: { code: 'bad-format' } });
    } else {
      ctx.addIssue({
        code: 'custom',
        message: 'an ISO-8601 timestamp is the legacy form (Vapi sent one until April 2025); Vapi now sends epoch milliseconds, a number',
        params: { ...WARNING, code: 'legacy-value' },
      });
    }
  })
  .meta({ description: 'epoch milliseconds; an ISO-8601 string in payloads saved before April 2025 (legacy)' }));

const customer = lazy(() => z.strictObject({
  number: z.string().optional(),
  sipUri: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  externalId: z.string().optional(),
  extension: z.string().optional(),
  numberE164CheckEnabled: z.boolean().optional(),
}));

/** Entries of `artifact.messages`: user, bot, system, tool-call and tool-result messages, told apart by `role`. */
const artifactMessage = lazy(() => z.looseObject({
  role: z.string().meta({ examples: ['user', 'bot', 'system', 'tool_calls', 'tool_call_result'] }),
  message: z.string().optional(),
  time: z.number().optional(),
  endTime: z.number().optional(),
  secondsFromStart: z.number().optional(),
  duration: z.number().optional(),
}));

const openAiMessage = lazy(() => z.looseObject({
  role: z.string().meta({ examples: ['system', 'assistant', 'user', 'tool'] }),
  content: z.string().nullable().optional(),
  tool_calls: z.array(anyObject()).optional(),
  tool_call_id: z.string().optional(),
}));

const artifact = lazy(() => z.strictObject({
  messages: z.array(artifactMessage()).optional(),
  messagesOpenAIFormatted: z.array(openAiMessage()).optional(),
  transcript: z.string().optional(),
  recording: z
    .strictObject({
      stereoUrl: z.string().optional(),
      videoUrl: z.string().optional(),
      mono: z.strictObject({ combinedUrl: z.string().optional(), assistantUrl: z.string().optional(), customerUrl: z.string().optional() }).optional(),
    })
    .optional(),
  recordingUrl: z.string().optional().meta({ deprecated: true }),
  stereoRecordingUrl: z.string().optional().meta({ deprecated: true }),
  videoRecordingUrl: z.string().optional(),
  logUrl: z.string().optional(),
  pcapUrl: z.string().optional(),
  transfers: z.array(z.unknown()).optional(),
  nodes: z.array(z.unknown()).optional(),
  variableValues: anyObject().optional(),
  performanceMetrics: anyObject().optional(),
  structuredOutputs: anyObject().optional(),
  scorecards: anyObject().optional(),
  presignedRecordingUrl: z.string().optional(),
  presignedStereoRecordingUrl: z.string().optional(),
  presignedUrlsExpiresAt: z.string().optional(),
}));

const analysis = lazy(() => z.strictObject({
  summary: z.string().optional(),
  structuredData: anyObject().optional(),
  structuredDataMulti: z.array(anyObject()).optional(),
  successEvaluation: z.string().optional(),
}));

const call = lazy(() => z.strictObject({
  id: z.string(),
  orgId: z.string(),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
  type: z.enum(CALL_TYPES).optional(),
  status: growingEnum(CALL_STATUSES, 'call status').optional(),
  endedReason: endedReason().optional(),
  endedMessage: z.string().optional(),
  startedAt: isoDateTime().optional(),
  endedAt: isoDateTime().optional(),
  cost: z.number().optional(),
  costs: z.array(anyObject()).optional(),
  costBreakdown: anyObject().optional(),
  analysis: analysis().optional(),
  artifact: artifact().optional(),
  messages: z.array(artifactMessage()).optional(),
  assistantId: z.string().optional(),
  assistant: anyObject().optional(),
  assistantOverrides: anyObject().optional(),
  squadId: z.string().optional(),
  squad: anyObject().optional(),
  workflowId: z.string().optional(),
  workflow: anyObject().optional(),
  phoneNumberId: z.string().optional(),
  phoneNumber: anyObject().optional(),
  customerId: z.string().optional(),
  customer: customer().optional(),
  name: z.string().max(40).optional(),
  phoneCallProvider: z.enum(['twilio', 'vonage', 'vapi', 'telnyx']).optional().meta({ deprecated: true }),
  phoneCallTransport: z.enum(['sip', 'pstn']).optional(),
  phoneCallProviderId: z.string().optional().meta({ deprecated: true }),
  campaignId: z.string().optional(),
  transport: anyObject().optional(),
  destination: anyObject().optional(),
  monitor: anyObject().optional(),
  webCallUrl: z.string().optional(),
}));

/** Fields every message may carry (all optional in the spec). */
const common = lazy(() => ({
  timestamp: timestamp().optional(),
  phoneNumber: anyObject().optional(),
  assistantVersion: z.string().nullable().optional(),
  artifact: artifact().optional(),
  assistant: anyObject().optional(),
  customer: customer().optional(),
  call: call().optional(),
  chat: anyObject().optional(),
}));

/** `{message: {type, …common, …shape}}`. `types`: the type value(s) the message carries. */
function envelope(types: readonly [string, ...string[]], shape: z.ZodRawShape, refine?: (message: Record<string, unknown>, ctx: z.RefinementCtx) => void) {
  let message = z.strictObject({ type: types.length === 1 ? z.literal(types[0]) : z.enum(types), ...common(), ...shape }) as z.ZodType;
  if (refine) message = message.superRefine((m, ctx) => refine(m as Record<string, unknown>, ctx));
  return z.strictObject({ message });
}

const messagesOpenAIFormatted = lazy(() => z.array(openAiMessage()));

/** A tool call: the spec's `{id, type, function: {name, arguments}}`, or the docs' flat `{id, name, arguments|parameters}`. */
const toolCall = lazy(() => z
  .strictObject({
    id: z.string().min(1),
    type: z.string().optional().meta({ examples: ['function'] }),
    function: z
      .strictObject({
        name: z.string().max(80),
        arguments: z.union([z.string(), anyObject()]).meta({ description: 'a JSON string in the spec; integrators also see an object' }),
      })
      .optional(),
    name: z.string().optional(),
    arguments: z.union([z.string(), anyObject()]).optional(),
    parameters: anyObject().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.function === undefined && c.name === undefined) {
      ctx.addIssue({ code: 'custom', path: ['function'], message: 'a tool call needs function.name (the spec) or name (the docs examples)', params: { code: 'missing-field' } });
    }
  }));

const statusUpdate = () => envelope(
  ['status-update'],
  {
    status: growingEnum(CALL_STATUSES, 'call status'),
    endedReason: endedReason().optional(),
    messages: z.array(artifactMessage()).optional(),
    messagesOpenAIFormatted: messagesOpenAIFormatted().optional(),
    destination: anyObject().optional(),
    transcript: z.string().optional(),
    summary: z.string().optional(),
    inboundPhoneCallDebuggingArtifacts: anyObject().optional(),
  },
  (m, ctx) => {
    if (m.endedReason !== undefined && m.status !== 'ended') {
      ctx.addIssue({ code: 'custom', path: ['endedReason'], message: `endedReason is sent only with status "ended", here the status is ${JSON.stringify(m.status)}`, params: { ...WARNING, code: 'unexpected-field' } });
    }
  },
);

/** The 29 message schemas, keyed by the event name hookscope uses (the `type` value); each a builder (lazy.ts). */
export const vapiMessages: Record<string, () => z.ZodType> = {
  'assistant-request': () => envelope(['assistant-request'], {}),
  'conversation-update': () => envelope(['conversation-update'], { messages: z.array(artifactMessage()).optional(), messagesOpenAIFormatted: messagesOpenAIFormatted() }),
  'end-of-call-report': () => envelope(['end-of-call-report'], {
    endedReason: endedReason(),
    artifact: artifact(),
    analysis: analysis(),
    cost: z.number().optional().meta({ description: 'USD' }),
    costs: z.array(anyObject()).optional(),
    destination: anyObject().optional(),
    startedAt: isoDateTime().optional(),
    endedAt: isoDateTime().optional(),
    compliance: anyObject().optional(),
    // [seen] Top-level copies integrators' fixtures read; not in the current spec.
    summary: z.string().optional().meta({ deprecated: true }),
    transcript: z.string().optional().meta({ deprecated: true }),
    recordingUrl: z.string().optional().meta({ deprecated: true }),
    stereoRecordingUrl: z.string().optional().meta({ deprecated: true }),
    durationSeconds: z.number().optional().meta({ deprecated: true }),
    durationMs: z.number().optional().meta({ deprecated: true }),
    durationMinutes: z.number().optional().meta({ deprecated: true }),
    messages: z.array(artifactMessage()).optional().meta({ deprecated: true }),
  }),
  'handoff-destination-request': () => envelope(['handoff-destination-request'], { parameters: anyObject() }),
  hang: () => envelope(['hang'], {}),
  'knowledge-base-request': () => envelope(['knowledge-base-request'], { messages: z.array(artifactMessage()).optional(), messagesOpenAIFormatted: messagesOpenAIFormatted() }),
  'model-output': () => envelope(['model-output'], { output: z.unknown(), turnId: z.string().optional() }),
  'phone-call-control': () => envelope(['phone-call-control'], { request: growingEnum(['forward', 'hang-up'], 'phone-call-control request'), destination: anyObject().optional() }),
  'speech-update': () => envelope(['speech-update'], { status: z.enum(['started', 'stopped']), role: z.enum(['assistant', 'user']), turn: z.number().int().nonnegative().optional() }),
  'status-update': statusUpdate,
  'tool-calls': () => envelope(['tool-calls'], { toolWithToolCallList: z.array(anyObject()), toolCallList: z.array(toolCall()) }),
  'transfer-destination-request': () => envelope(['transfer-destination-request'], {}),
  'transfer-update': () => envelope(['transfer-update'], {
    destination: anyObject().optional(),
    toAssistant: anyObject().optional(),
    fromAssistant: anyObject().optional(),
    toStepRecord: anyObject().optional(),
    fromStepRecord: anyObject().optional(),
  }),
  transcript: () => envelope(['transcript', 'transcript[transcriptType="final"]'], {
    role: z.enum(['assistant', 'user']),
    transcriptType: z.enum(['partial', 'final']),
    transcript: z.string(),
    isFiltered: z.boolean().optional(),
    detectedThreats: z.array(z.string()).optional(),
    originalTranscript: z.string().optional(),
    assistantId: z.string().optional(),
    assistantName: z.string().optional(),
  }),
  'user-interrupted': () => envelope(['user-interrupted'], { turnId: z.string().optional() }),
  'language-change-detected': () => envelope(['language-change-detected'], { language: z.string() }),
  'voice-input': () => envelope(['voice-input'], { input: z.string() }),
  'assistant.speechStarted': () => envelope(['assistant.speechStarted'], { text: z.string(), turn: z.number().int().nonnegative().optional(), source: z.string().optional() }),
  'voice-request': () => envelope(['voice-request'], { text: z.string(), sampleRate: z.number().positive() }),
  'call.endpointing.request': () => envelope(['call.endpointing.request'], { messages: z.array(artifactMessage()).optional(), messagesOpenAIFormatted: messagesOpenAIFormatted() }),
  'chat.created': () => envelope(['chat.created'], { chat: anyObject() }),
  'chat.deleted': () => envelope(['chat.deleted'], { chat: anyObject() }),
  'session.created': () => envelope(['session.created'], { session: anyObject() }),
  'session.updated': () => envelope(['session.updated'], { session: anyObject() }),
  'session.deleted': () => envelope(['session.deleted'], { session: anyObject() }),
  'call.deleted': () => envelope(['call.deleted'], {}),
  'call.delete.failed': () => envelope(['call.delete.failed'], {}),
  'call.artifact.upload': () => envelope(['call.artifact.upload'], { artifacts: z.union([z.array(z.unknown()), anyObject()]) }),
  'campaign.predial': () => envelope(['campaign.predial'], { campaignId: z.string(), contact: anyObject() }),
};

/** The `type` values that name an event differently (the final-transcript subscription). */
export const TYPE_ALIASES: Record<string, string> = { 'transcript[transcriptType="final"]': 'transcript' };
