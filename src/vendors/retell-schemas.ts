// Retell AI's payload shapes as zod schemas: the call object of the call events, and the
// inbound-call webhook's request and reply. The events themselves are in retell.ts.
// Sources: retell-sdk 5.66.1 `PhoneCallResponse` / `WebCallResponse` (src/resources/call.ts), the
// Webhook overview page (docs.retellai.com/features/webhook-overview, its sample payload) and the
// Inbound call webhook page (docs.retellai.com/features/inbound-call-webhook).
import * as z from 'zod';
import { anyObject, growingEnum } from '../schema/kit.js';
import { lazy } from './lazy.js';

/** The 34 values of `disconnection_reason` in retell-sdk 5.60–5.66 (the SDK's union; Retell adds more). */
export const DISCONNECTION_REASONS = [
  'user_hangup',
  'agent_hangup',
  'call_transfer',
  'voicemail_reached',
  'ivr_reached',
  'inactivity',
  'max_duration_reached',
  'concurrency_limit_reached',
  'no_concurrency_fallback',
  'no_valid_payment',
  'scam_detected',
  'dial_busy',
  'dial_failed',
  'dial_no_answer',
  'invalid_destination',
  'telephony_provider_permission_denied',
  'telephony_provider_unavailable',
  'sip_routing_error',
  'marked_as_spam',
  'user_declined',
  'error_llm_websocket_open',
  'error_llm_websocket_lost_connection',
  'error_llm_websocket_runtime',
  'error_llm_websocket_corrupt_payload',
  'error_no_audio_received',
  'error_asr',
  'error_retell',
  'error_unknown',
  'error_user_not_joined',
  'registered_call_timeout',
  'transfer_bridged',
  'transfer_cancelled',
  'manual_stopped',
  'call_take_over',
] as const;

/** The schemas, built on first use (lazy.ts): a run that meets no Retell body never builds them. */
export const retellSchemas = lazy(() => {
  const epochMs = () => z.int().nonnegative().meta({ description: 'Unix time in milliseconds' });
  const stringMap = () => z.record(z.string(), z.string()).meta({ description: 'string values only (Retell rejects numbers and booleans here)' });

  const word = z.strictObject({ word: z.string().optional(), start: z.number().optional(), end: z.number().optional() });
  const speakers = ['agent', 'user', 'transfer_target'] as const;

  const transcriptObjectItem = z.strictObject({
    role: growingEnum(speakers, 'transcript role'),
    content: z.string(),
    words: z.array(word),
  });

  // transcript_with_tool_calls: utterances, tool calls and their results, node transitions, DTMF
  // digits, SMS and injected context, told apart by `role`. One strict object with the members of
  // every kind, plus the members each role requires, rather than a union: an item of a known role
  // then reports its own missing member at its own path, not "matches none of 7 shapes".
  const REQUIRED_BY_ROLE: Record<string, readonly string[]> = {
    agent: ['content', 'words'],
    user: ['content', 'words'],
    transfer_target: ['content', 'words'],
    tool_call_invocation: ['tool_call_id', 'name', 'arguments'],
    tool_call_result: ['tool_call_id', 'content'],
    node_transition: ['former_node_id', 'former_node_name', 'new_node_id', 'new_node_name'],
    dtmf: ['digit'],
    sms: ['content', 'time_sec'],
    injected: ['content', 'time_sec'],
  };

  const transcriptItem = z
    .strictObject({
      role: growingEnum(Object.keys(REQUIRED_BY_ROLE), 'transcript item role'),
      content: z.string().optional(),
      words: z.array(word).optional(),
      tool_call_id: z.string().optional(),
      name: z.string().optional(),
      arguments: z.string().meta({ description: 'the tool call arguments, JSON-encoded' }).optional(),
      thought_signature: z.string().optional(),
      successful: z.boolean().optional(),
      former_node_id: z.string().optional(),
      former_node_name: z.string().optional(),
      new_node_id: z.string().optional(),
      new_node_name: z.string().optional(),
      transition_type: growingEnum(['global', 'global_go_back', 'interrupt_go_back', 'normal'], 'node transition type').optional(),
      digit: z.string().optional(),
      time_sec: z.number().optional(),
      multimedia: z.array(z.strictObject({ url: z.string(), summary: z.string().optional() })).optional(),
    })
    .superRefine((item, ctx) => {
      for (const key of REQUIRED_BY_ROLE[item.role] ?? []) {
        if (item[key as keyof typeof item] === undefined) {
          ctx.addIssue({ code: 'invalid_type', expected: key === 'words' ? 'array' : key === 'time_sec' ? 'number' : 'string', input: undefined, path: [key], message: `a ${item.role} item has ${key}` });
        }
      }
    });

  const latencyStats = z.strictObject({
    max: z.number().optional(),
    min: z.number().optional(),
    num: z.number().optional(),
    p50: z.number().optional(),
    p90: z.number().optional(),
    p95: z.number().optional(),
    p99: z.number().optional(),
    values: z.array(z.number()).optional(),
  });

  const callAnalysis = z.strictObject({
    call_summary: z.string().optional(),
    call_successful: z.boolean().optional(),
    in_voicemail: z.boolean().optional(),
    user_sentiment: growingEnum(['Negative', 'Positive', 'Neutral', 'Unknown'], 'user sentiment').optional(),
    custom_analysis_data: z.unknown().meta({ description: "the agent's own post-call analysis fields" }).optional(),
  });

  const callCost = z.strictObject({
    combined_cost: z.number().meta({ description: 'cents' }),
    product_costs: z.array(z.strictObject({ product: z.string(), cost: z.number(), unit_price: z.number().optional(), is_transfer_leg_cost: z.boolean().optional() })),
    total_duration_seconds: z.number(),
    total_duration_unit_price: z.number(),
  });

  /**
   * `transfer_option`: the transfer tool's settings, "if available" on transfer_started, _bridged and
   * _cancelled (Webhook overview). Only `type` is read; the rest depends on the transfer kind, so the
   * object is not strict. Decision: it sits in the call object beside `transfer_destination`, as
   * "full call data plus transcript_with_tool_calls" puts that list in the call object too.
   */
  const transferOption = z.object({ type: growingEnum(['cold_transfer', 'warm_transfer', 'agentic_warm_transfer'], 'transfer type') });

  const callShape = {
    call_id: z.string(),
    agent_id: z.string(),
    // Required in the SDK's call object, absent from the Webhook overview's sample payload.
    agent_version: z.int().nonnegative().optional(),
    agent_name: z.string().optional(),
    agent_tag: z.string().nullable().optional(),
    call_type: z.enum(['phone_call', 'web_call']),
    call_status: growingEnum(['registered', 'not_connected', 'ongoing', 'ended', 'error'], 'call status'),
    // Phone calls only (required there, see below).
    direction: z.enum(['inbound', 'outbound']).optional(),
    from_number: z.string().meta({ examples: ['+14155550142'] }).optional(),
    to_number: z.string().meta({ examples: ['+14155550199'] }).optional(),
    telephony_identifier: z.strictObject({ twilio_call_sid: z.string().optional() }).optional(),
    // Web calls only.
    access_token: z.string().optional(),
    start_timestamp: epochMs().optional(),
    end_timestamp: epochMs().optional(),
    duration_ms: z.number().nonnegative().optional(),
    transfer_end_timestamp: epochMs().optional(),
    disconnection_reason: growingEnum(DISCONNECTION_REASONS, 'disconnection reason').optional(),
    transcript: z.string().optional(),
    transcript_object: z.array(transcriptObjectItem).optional(),
    transcript_with_tool_calls: z.array(transcriptItem).optional(),
    scrubbed_transcript_with_tool_calls: z.array(transcriptItem).optional(),
    recording_url: z.string().optional(),
    recording_multi_channel_url: z.string().optional(),
    scrubbed_recording_url: z.string().optional(),
    scrubbed_recording_multi_channel_url: z.string().optional(),
    public_log_url: z.string().optional(),
    knowledge_base_retrieved_contents_url: z.string().optional(),
    // "If metadata and retell_llm_dynamic_variables are not provided, they will be omitted" (Webhook overview).
    metadata: z.unknown().optional(),
    retell_llm_dynamic_variables: stringMap().optional(),
    collected_dynamic_variables: stringMap().optional(),
    custom_sip_headers: stringMap().optional(),
    data_storage_setting: growingEnum(['everything', 'everything_except_pii', 'basic_attributes_only'], 'data storage setting').nullable().optional(),
    opt_in_signed_url: z.boolean().optional(),
    // In the Webhook overview's sample payload; the SDK's call object has data_storage_setting instead.
    opt_out_sensitive_data_storage: z.boolean().optional(),
    latency: z
      .strictObject({
        e2e: latencyStats.optional(),
        asr: latencyStats.optional(),
        llm: latencyStats.optional(),
        tts: latencyStats.optional(),
        knowledge_base: latencyStats.optional(),
        s2s: latencyStats.optional(),
        llm_websocket_network_rtt: latencyStats.optional(),
      })
      .optional(),
    llm_token_usage: z.strictObject({ average: z.number(), num_requests: z.number(), values: z.array(z.number()) }).optional(),
    call_analysis: callAnalysis.optional(),
    call_cost: callCost.optional(),
    transfer_destination: z.string().meta({ description: 'a phone number, or a SIP URI starting with sip:' }).nullable().optional(),
  };

  const PHONE_ONLY = [
    ['direction', { code: 'invalid_value', values: ['inbound', 'outbound'] }],
    ['from_number', { code: 'invalid_type', expected: 'string' }],
    ['to_number', { code: 'invalid_type', expected: 'string' }],
  ] as const;

  /** The call object; `transfers` adds the transfer_option of the transfer events. */
  function callObject(transfers: boolean) {
    const shape = transfers ? { ...callShape, transfer_option: transferOption.optional() } : callShape;
    // A phone call has its direction and both numbers (the SDK's PhoneCallResponse requires them); a
    // web call has none of them. Reported as the missing fields they are, at their own paths.
    return z.strictObject(shape).superRefine((call, ctx) => {
      if (call.call_type !== 'phone_call') return;
      for (const [key, issue] of PHONE_ONLY) {
        if (call[key] === undefined) ctx.addIssue({ ...issue, input: undefined, path: [key], message: `a phone_call has ${key}` } as Parameters<typeof ctx.addIssue>[0]);
      }
    });
  }

  /** Top-level members integrators see beside `event` (undocumented for call events: [seen]). */
  const seenEnvelopeFields = {
    event_timestamp: epochMs().meta({ description: 'when Retell sent the event (seen in deliveries, not documented)' }).optional(),
    interaction_type: z.string().meta({ examples: ['voice'], description: 'seen in deliveries, not documented' }).optional(),
  };

  const inboundRequest = z.strictObject({
    event: z.literal('call_inbound'),
    call_inbound: z.strictObject({
      // Present only when the number has an inbound agent (and version) set.
      agent_id: z.string().optional(),
      agent_version: z.int().nonnegative().optional(),
      from_number: z.string().meta({ examples: ['+14155550142'] }),
      to_number: z.string().meta({ examples: ['+14155550199'] }),
    }),
    event_timestamp: seenEnvelopeFields.event_timestamp,
  });

  const inboundReply = z.strictObject({
    call_inbound: z.strictObject({
      override_agent_id: z.string().optional(),
      override_agent_version: z.int().nonnegative().optional(),
      dynamic_variables: stringMap().optional(),
      metadata: z.unknown().optional(),
      // The SDK's AgentOverride groups (CallCreatePhoneCallParams.AgentOverride): partial settings each.
      agent_override: z
        .strictObject({ agent: anyObject().optional(), retell_llm: anyObject().optional(), conversation_flow: anyObject().optional() })
        .optional(),
    }),
  });

  // Built once each and shared by the call events (eight of them): zod schemas are immutable.
  const calls = { plain: callObject(false), transfers: callObject(true) };

  return { callObject: (transfers: boolean) => (transfers ? calls.transfers : calls.plain), seenEnvelopeFields, inboundRequest, inboundReply };
});
