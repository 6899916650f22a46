// The zod schemas of ElevenLabs' post-call webhooks, kept beside src/vendors/elevenlabs.ts because
// the transcription body is the GET Conversation model and takes a file of its own.
// Required fields and enums: @elevenlabs/elevenlabs-js 2.73.0 api/types (GetConversationResponseModel
// and what it holds), generated from the same OpenAPI model the post-call page says the webhook
// matches. On the wire the names are snake_case. Optional fields arrive as null in the docs'
// example, so they are nullable. Nested objects the docs show only in passing (charging, deletion
// settings, tool calls…) are free-form: their shapes change often and are not what a receiver checks.
import * as z from 'zod';
import { anyObject, growingEnum } from '../schema/kit.js';
import { lazy } from './lazy.js';

/** Optional, and null when absent (the docs' example sends `"user_id": null`). */
const opt = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const unixSeconds = () => z.int().nonnegative().meta({ description: 'Unix time in seconds' });
const strings = () => opt(z.array(z.string()));
const objects = () => opt(z.array(anyObject()));

/** The schemas, built on first use (lazy.ts): a run that meets no ElevenLabs body never builds them. */
export const elevenlabsSchemas = lazy(() => {
  const successResult = z.enum(['success', 'failure', 'unknown']);

  const envelope = <T extends z.ZodType>(type: string, data: T) =>
    z.strictObject({
      type: z.literal(type),
      // The webhooks page's generic table says "string"; the post-call page and every example send an integer.
      event_timestamp: unixSeconds(),
      data,
    });

  // Ids: strings, the docs' examples show agent_… / conv_… values.
  const ids = { agent_id: z.string(), conversation_id: z.string() };

  /** Dynamic variables as a receiver sets them: strings, numbers or booleans (seen: ElevenLabs' forum answers). */
  const dynamicVariables = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

  const conversationConfigOverride = z.strictObject({
    agent: opt(
      z.strictObject({
        first_message: opt(z.string()),
        language: opt(z.string().meta({ examples: ['en'] })),
        max_conversation_duration_message: opt(z.string()),
        prompt: opt(
          z.strictObject({
            prompt: opt(z.string()),
            llm: opt(z.string().meta({ examples: ['gpt-4o'] })),
            tool_ids: strings(),
            tool_ids_strict: opt(z.boolean()),
            native_mcp_server_ids: strings(),
            knowledge_base: objects(),
          }),
        ),
      }),
    ),
    tts: opt(
      z.strictObject({
        model_id: opt(z.string()),
        voice_id: opt(z.string()),
        supported_voices: objects(),
        stability: opt(z.number()),
        speed: opt(z.number()),
        similarity_boost: opt(z.number()),
        pronunciation_dictionary_locators: objects(),
      }),
    ),
    conversation: opt(z.strictObject({ text_only: opt(z.boolean()), max_duration_seconds: opt(z.number()) })),
    asr: opt(anyObject()),
    turn: opt(anyObject()),
  });

  const clientData = z.strictObject({
    conversation_config_override: opt(conversationConfigOverride),
    custom_llm_extra_body: opt(anyObject()),
    user_id: opt(z.string()),
    source_info: opt(anyObject()),
    branch_id: opt(z.string()),
    environment: opt(z.string()),
    starting_workflow_node_id: opt(z.string()),
    procedure_ids: strings(),
    // ElevenLabs' own system__ variables are echoed here too, some of them null.
    dynamic_variables: opt(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  });

  const turn = z.strictObject({
    role: z.enum(['user', 'agent']),
    message: opt(z.string()),
    time_in_call_secs: z.number().nonnegative(),
    tool_calls: objects(),
    tool_results: objects(),
    feedback: opt(anyObject()),
    conversation_turn_metrics: opt(anyObject()),
    agent_metadata: opt(anyObject()),
    multivoice_message: opt(anyObject()),
    llm_override: opt(z.string()),
    producing_llm: opt(z.string()),
    rag_retrieval_info: opt(anyObject()),
    llm_usage: opt(anyObject()),
    interrupted: opt(z.boolean()),
    ignored_as_backchannel: opt(z.boolean()),
    platform_event: opt(anyObject()),
    original_message: opt(z.string()),
    reasoning: objects(),
    source_medium: opt(z.string()),
    source_event_id: opt(z.int()),
    used_static_kb_document_ids: strings(),
    user_identifier: opt(z.string()),
    id: opt(z.string()),
    triggered_guardrails: objects(),
    file_input: opt(anyObject()),
    file_inputs: objects(),
    contextual_update_info: opt(anyObject()),
    reasoned: opt(z.boolean()),
  });

  const phoneCall = z.strictObject({
    type: growingEnum(['twilio', 'sip_trunking', 'exotel'], 'phone call type'),
    direction: opt(z.enum(['inbound', 'outbound'])),
    phone_number_id: opt(z.string()),
    agent_number: opt(z.string()),
    external_number: opt(z.string()),
    call_result: opt(growingEnum(['answered', 'voicemail', 'busy', 'no_answer', 'failed'], 'call result')),
    stream_sid: opt(z.string()),
    call_sid: opt(z.string()),
    call_id: opt(z.string()),
    sip_header_dynamic_variables: opt(z.record(z.string(), z.string())),
  });

  const authorizationMethods = ['invalid', 'public', 'authorization_header', 'signed_url', 'shareable_link', 'livekit_token', 'livekit_token_website', 'genesys_api_key', 'avaya_api_key', 'audiocodes_api_key', 'whatsapp', 'sms'];

  const metadata = z.strictObject({
    start_time_unix_secs: unixSeconds(),
    call_duration_secs: z.number().nonnegative(),
    accepted_time_unix_secs: opt(unixSeconds()),
    queue_wait_secs: opt(z.number().nonnegative()),
    cost: opt(z.number()),
    cost_fiat: opt(z.number()),
    deletion_settings: opt(anyObject()),
    feedback: opt(anyObject()),
    authorization_method: opt(growingEnum(authorizationMethods, 'authorization method')),
    charging: opt(anyObject()),
    phone_call: opt(phoneCall),
    batch_call: opt(anyObject()),
    termination_reason: opt(z.string()),
    error: opt(anyObject()),
    warnings: strings(),
    main_language: opt(z.string()),
    rag_usage: opt(anyObject()),
    text_only: opt(z.boolean()),
    features_usage: opt(anyObject()),
    eleven_assistant: opt(anyObject()),
    initiator_id: opt(z.string()),
    conversation_initiation_source: opt(z.string()),
    conversation_initiation_source_version: opt(z.string()),
    timezone: opt(z.string()),
    async_metadata: opt(anyObject()),
    whatsapp: opt(anyObject()),
    sms: opt(anyObject()),
    agent_created_from: opt(z.string()),
    agent_last_updated_from: opt(z.string()),
    voice_rewards: objects(),
  });

  const criterionResult = z.strictObject({
    criteria_id: z.string(),
    result: successResult,
    rationale: z.string(),
    scoring_mode: opt(z.string()),
    score: opt(z.number()),
    max_score: opt(z.number()),
  });

  const dataCollectionResult = z.strictObject({
    data_collection_id: z.string(),
    name: opt(z.string()),
    value: z.unknown().optional(),
    json_schema: opt(anyObject()),
    rationale: z.string(),
  });

  const analysis = z.strictObject({
    evaluation_criteria_results: opt(z.record(z.string(), criterionResult)),
    data_collection_results: opt(z.record(z.string(), dataCollectionResult)),
    evaluation_criteria_results_list: opt(z.array(criterionResult)),
    data_collection_results_list: opt(z.array(dataCollectionResult)),
    call_successful: successResult,
    call_success_score: opt(z.number()),
    transcript_summary: z.string(),
    call_summary_title: opt(z.string()),
    scoped: objects(),
  });

  const postCallTranscription = envelope(
    'post_call_transcription',
    z.strictObject({
      ...ids,
      agent_name: opt(z.string()),
      status: z.enum(['initiated', 'in-progress', 'processing', 'done', 'failed']),
      user_id: opt(z.string()),
      branch_id: opt(z.string()),
      version_id: opt(z.string()),
      environment: opt(z.string()),
      conversation_product: opt(z.string()),
      transcript: z.array(turn),
      metadata,
      analysis: opt(analysis),
      conversation_initiation_client_data: opt(clientData),
      visited_agents: objects(),
      // Required since the 2025-08-15 migration to the GET Conversation format.
      has_audio: z.boolean(),
      has_user_audio: z.boolean(),
      has_response_audio: z.boolean(),
      has_auxiliary_audio: opt(z.boolean()),
      tag_ids: strings(),
      otlp_traces: opt(anyObject()),
    }),
  );

  const postCallAudio = envelope(
    'post_call_audio',
    z.strictObject({
      ...ids,
      full_audio: z.base64().meta({ description: 'the whole conversation as an MP3 file, base64-encoded' }),
    }),
  );

  const sipBody = z.strictObject({
    // The doc table says number; its examples send E.164 strings: both are accepted.
    from_number: z.union([z.string(), z.number()]),
    to_number: z.union([z.string(), z.number()]),
    sip_status_code: z.int().meta({ examples: [486] }),
    error_reason: z.string(),
    call_sid: z.string(),
    twirp_code: opt(z.string()),
    sip_status: opt(z.string()),
  });

  /** Twilio's raw status-callback parameters, every value a string (CallSid is in every Twilio request). */
  const twilioBody = z.object({ CallSid: z.string(), CallStatus: z.string() }).catchall(z.string());

  const failureBodies: Record<string, z.ZodType> = { sip: sipBody, twilio: twilioBody };

  // A provider type the docs do not list yet is drift (a warning), its body taken as it is; a listed
  // one has its body checked, with issues at their own paths.
  const failureMetadata = z
    .strictObject({
      type: growingEnum(['sip', 'twilio'], 'telephony provider'),
      body: anyObject().meta({
        description:
          'sip: {from_number, to_number, sip_status_code, error_reason, call_sid, twirp_code?, sip_status?}; twilio: the status-callback parameters (strings: CallSid, CallStatus, From, To, SipResponseCode…)',
      }),
    })
    .superRefine((meta, ctx) => {
      const schema = Object.hasOwn(failureBodies, meta.type) ? failureBodies[meta.type] : undefined;
      const result = schema?.safeParse(meta.body);
      if (!result || result.success) return;
      for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: ['body', ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
    });

  const callInitiationFailure = envelope(
    'call_initiation_failure',
    z.strictObject({
      ...ids,
      failure_reason: growingEnum(['busy', 'no-answer', 'unknown'], 'failure reason'),
      metadata: opt(failureMetadata),
    }),
  );

  return { dynamicVariables, conversationConfigOverride, postCallTranscription, postCallAudio, callInitiationFailure };
});
