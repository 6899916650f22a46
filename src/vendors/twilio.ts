// Twilio Voice: the incoming-call webhook (Twilio requests a number's Voice URL and executes the
// TwiML it answers), the call status callbacks (StatusCallback, one request per
// StatusCallbackEvent) and the recording status callback. Bodies are form-encoded: every value is
// a string, numbers included, and the schemas are over the decoded parameters.
// Sources (shared/research/vendors-elevenlabs-twilio-openai-standard-webhooks.md §2):
// https://www.twilio.com/docs/usage/webhooks/voice-webhooks, https://www.twilio.com/docs/voice/api/call-resource
// (StatusCallback, StatusCallbackEvent, RecordingStatusCallback), https://www.twilio.com/docs/usage/webhooks/webhooks-security,
// https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides, https://www.twilio.com/docs/api/errors/11205.
import * as z from 'zod';
import { twilioScheme, TWILIO_SIGNATURE } from '../signing/twilio.js';
import { growingEnum, url } from '../schema/kit.js';
import { isObject } from '../json/values.js';
import { checkTwiml } from './twiml.js';
import { lazy, lazySchemas, type LazyEvent } from './lazy.js';
import type { DetectResult, VendorDefinition } from './types.js';

// Call resource, "Call Status values"; SIP trunking adds directions over time.
const callStatuses = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'];
const terminalStatuses = ['completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;
const directions = ['inbound', 'outbound-api', 'outbound-dial', 'trunking-terminating', 'trunking-originating'];

/** A Twilio SID: two letters and 32 hex digits (Twilio's OpenAPI pattern, e.g. ^CA[0-9a-fA-F]{32}$). */
const sid = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `expected a ${what} SID: ${prefix} and 32 hex digits`).meta({ examples: [`${prefix}${'0123456789abcdef'.repeat(2)}`] });
/** Form values are text: a count or a code as digits. */
const digits = (what: string) => z.string().regex(/^\d+$/, `expected ${what} as digits (form values are strings), e.g. "0"`);
/** RFC 2822 in UTC, as Twilio writes Timestamp and RecordingStartTime. */
const rfc2822 = () =>
  z
    .string()
    .regex(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/, 'expected an RFC 2822 date like "Wed, 08 Oct 2025 13:54:12 +0000"');
/** A party: E.164 (+14155550142), client:name, or a SIP URI; withheld caller ids come in other forms, so any string. */
const party = () => z.string().meta({ description: 'E.164 number, client:<name> or a SIP URI', examples: ['+14155550142', 'client:alice'] });
const opt = () => z.string().optional();

/** Where Twilio looks the numbers up: City, State, Zip, Country of From, To, Caller and Called, when available. */
const geo = () => Object.fromEntries(['From', 'To', 'Caller', 'Called'].flatMap((who) => ['City', 'State', 'Zip', 'Country'].map((what) => [`${who}${what}`, opt()])));
const GEO_PERSONAL = ['From', 'To', 'Caller', 'Called'].flatMap((who) => ['City', 'State', 'Zip'].map((what) => `${who}${what}`));

/** Every request about a call (Voice URL and status callbacks): "Twilio's request" parameters. */
const callParams = lazy(() => ({
  CallSid: sid('CA', 'Call'),
  AccountSid: sid('AC', 'Account'),
  From: party(),
  To: party(),
  Caller: party().optional(),
  Called: party().optional(),
  CallStatus: growingEnum(callStatuses, 'call status'),
  ApiVersion: z.string().meta({ examples: ['2010-04-01'] }),
  Direction: growingEnum(directions, 'call direction'),
  ForwardedFrom: opt(),
  // Only with VoiceCallerIdLookup=true on the number.
  CallerName: opt(),
  // Absent on a call's first leg.
  ParentCallSid: sid('CA', 'Call').optional(),
  ...geo(),
}));

const statusParams = lazy(() => ({
  ...callParams(),
  CallbackSource: z.literal('call-progress-events'),
  // From 0, per call: callbacks are separate requests and may arrive out of order.
  SequenceNumber: digits('a sequence number'),
  Timestamp: rfc2822(),
}));

// Answering-machine detection results (MachineDetection on the call).
const answeredBy = lazy(() => growingEnum(['human', 'machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax', 'unknown'], 'AnsweredBy value').optional());

const statusEvent = (status: string, callStatus: () => z.ZodType, extra: () => Record<string, z.ZodType>, description: string): LazyEvent => ({
  name: `call-status.${status}`,
  description,
  fixtures: [`call-status.${status}.json`],
  bodyFormat: 'form',
  schema: () => z.strictObject({ ...statusParams(), CallStatus: callStatus(), ...extra() }),
  personal: ['CallerName', ...GEO_PERSONAL],
  summarize: (body) => {
    const b = body as Record<string, unknown>;
    const parts = [`${String(b.CallStatus)} #${String(b.SequenceNumber)}`];
    if (typeof b.CallDuration === 'string') parts.push(`${b.CallDuration} s`);
    if (typeof b.SipResponseCode === 'string') parts.push(`SIP ${b.SipResponseCode}`);
    if (typeof b.AnsweredBy === 'string') parts.push(`answered by ${b.AnsweredBy}`);
    return `${parts.join(', ')} (${String(b.From)} → ${String(b.To)})`;
  },
});

// Each schema is built on first use (lazy.ts); the parameter sets above are builders.
const events = lazySchemas([
  {
    name: 'incoming-call',
    description: "Twilio requests the Voice URL for a call (a call to your number, or an outbound call's Url) and executes the TwiML it answers.",
    fixtures: ['incoming-call.json'],
    bodyFormat: 'form',
    schema: () => z.strictObject({
      ...callParams(),
      // [seen] on inbound calls: a token for creating a call with the caller's identity.
      CallToken: opt(),
      // SHAKEN/STIR verification of an inbound caller id (e.g. TN-Validation-Passed-A).
      StirVerstat: opt(),
    }),
    personal: ['CallerName', ...GEO_PERSONAL],
    summarize: (body) => {
      const b = body as Record<string, unknown>;
      return `${String(b.From)} → ${String(b.To)} (${String(b.Direction)}, ${String(b.CallStatus)})`;
    },
    reply: {
      description: 'TwiML: an XML document with one <Response> root holding the verbs to run (Say, Play, Gather, Dial, Connect…).',
      schema: () => z.string().meta({ description: 'a TwiML document: <Response>…</Response>' }),
      format: 'text',
      contentType: 'text/xml',
      fixtures: ['incoming-call.reply.xml'],
      check: ({ text, contentType }) => checkTwiml(text, contentType),
      emptyMeans:
        'an empty answer is not TwiML: Twilio logs an error and requests the Fallback URL (with ErrorCode and ErrorUrl) when one is set; without one, the caller hears an application-error message',
      deadlineMs: {
        value: 15_000,
        provenance: 'documented',
        note: 'Twilio Voice gives an HTTP request 15 s in all, connecting included (error 11205 page; the tt connection override, at most 15000 ms); past it the call gets the Fallback URL or an error message.',
      },
    },
  },
  statusEvent('initiated', () => z.literal('initiated'), () => ({}), 'Status callback: Twilio started dialing (StatusCallbackEvent initiated).'),
  statusEvent('ringing', () => z.literal('ringing'), () => ({ StirStatus: opt() }), 'Status callback: the called party is ringing (StatusCallbackEvent ringing).'),
  statusEvent('answered', () => z.literal('in-progress'), () => ({ StirStatus: opt(), AnsweredBy: answeredBy() }), 'Status callback: the call was answered; CallStatus is in-progress (StatusCallbackEvent answered).'),
  {
    ...statusEvent(
      'completed',
      () => z.enum(terminalStatuses),
      () => ({
        // Minutes, rounded up; completed calls only.
        Duration: digits('a duration in minutes').optional(),
        CallDuration: digits('a duration in seconds').optional(),
        SipResponseCode: digits('a SIP response code').optional(),
        AnsweredBy: answeredBy(),
        // With Record=true on the call.
        RecordingUrl: url().optional(),
        RecordingSid: sid('RE', 'Recording').optional(),
        RecordingDuration: digits('a duration in seconds').optional(),
      }),
      'Status callback: the call ended, whatever the outcome (CallStatus completed, busy, failed, no-answer or canceled); sent even when no StatusCallbackEvent is chosen.',
    ),
    fixtures: ['call-status.completed.json', 'call-status.completed.no-answer.json'],
    personal: ['CallerName', 'RecordingUrl', ...GEO_PERSONAL],
  },
  {
    name: 'recording-status',
    description: 'Recording status callback (RecordingStatusCallback): a recording is in progress, completed (RecordingUrl is ready) or absent.',
    fixtures: ['recording-status.json'],
    bodyFormat: 'form',
    schema: () => z.strictObject({
      AccountSid: sid('AC', 'Account'),
      // Always the parent leg's.
      CallSid: sid('CA', 'Call'),
      RecordingSid: sid('RE', 'Recording'),
      RecordingUrl: url(),
      RecordingStatus: growingEnum(['in-progress', 'completed', 'absent'], 'recording status'),
      // Seconds; hookscope accepts -1 too, in case an in-progress callback carries no length yet.
      RecordingDuration: z.string().regex(/^-?\d+$/, 'expected a duration in seconds as digits').optional(),
      RecordingChannels: z.enum(['1', '2']).optional(),
      RecordingStartTime: rfc2822().optional(),
      RecordingSource: growingEnum(['OutboundAPI', 'DialVerb', 'Conference', 'RecordVerb', 'Trunking', 'StartCallRecordingAPI', 'StartConferenceRecordingAPI'], 'recording source').optional(),
      RecordingTrack: growingEnum(['inbound', 'outbound', 'both'], 'recording track').optional(),
      ErrorCode: digits('a Twilio error code').optional(),
    }),
    personal: ['RecordingUrl'],
    summarize: (body) => {
      const b = body as Record<string, unknown>;
      const parts = [String(b.RecordingStatus)];
      if (typeof b.RecordingDuration === 'string') parts.push(`${b.RecordingDuration} s`);
      if (typeof b.RecordingChannels === 'string') parts.push(`${b.RecordingChannels} channel${b.RecordingChannels === '1' ? '' : 's'}`);
      return `${parts.join(', ')} (${String(b.RecordingSid)})`;
    },
  },
]);

/** StatusCallbackEvent by the CallStatus a status callback carries. */
const STATUS_EVENTS: Record<string, string> = {
  initiated: 'call-status.initiated',
  ringing: 'call-status.ringing',
  'in-progress': 'call-status.answered',
  ...Object.fromEntries(terminalStatuses.map((s) => [s, 'call-status.completed'])),
};

const str = (v: unknown): v is string => typeof v === 'string';

function detectBody(b: Record<string, unknown>): DetectResult {
  if (b.CallbackSource !== undefined) {
    if (b.CallbackSource !== 'call-progress-events') {
      const source = String(b.CallbackSource).slice(0, 100);
      return { match: false, resemblance: 0.7, reason: `CallbackSource is ${JSON.stringify(source)}, not call-progress-events`, ...(str(b.AccountSid) && str(b.CallSid) ? { unknownEvent: source } : {}) };
    }
    const missing = ['CallSid', 'CallStatus', 'SequenceNumber'].filter((k) => !str(b[k]));
    if (missing.length > 0) return { match: false, resemblance: 0.7, reason: `CallbackSource is call-progress-events, but no string ${missing.join(', ')}` };
    const status = b.CallStatus as string;
    const event = Object.hasOwn(STATUS_EVENTS, status) ? STATUS_EVENTS[status] : undefined;
    if (event) return { match: true, event, part: 'request', reason: `a call status callback (CallbackSource call-progress-events) with CallStatus ${status}` };
    return { match: false, resemblance: 0.8, reason: `a call status callback with CallStatus ${JSON.stringify(status.slice(0, 100))}, which no StatusCallbackEvent sends`, unknownEvent: `call-status.${status.slice(0, 100)}` };
  }
  if (b.RecordingStatus !== undefined || b.RecordingSid !== undefined) {
    if (str(b.RecordingSid) && str(b.RecordingStatus) && b.CallStatus === undefined) {
      return { match: true, event: 'recording-status', part: 'request', reason: 'RecordingSid and RecordingStatus: a recording status callback' };
    }
    if (b.CallStatus === undefined) return { match: false, resemblance: 0.7, reason: 'has RecordingSid or RecordingStatus, but not both as strings' };
  }
  if (str(b.CallSid) && str(b.AccountSid)) {
    if (str(b.CallStatus)) return { match: true, event: 'incoming-call', part: 'request', reason: 'CallSid, AccountSid and CallStatus without CallbackSource: a request for the Voice URL' };
    return { match: false, resemblance: 0.7, reason: 'has CallSid and AccountSid, but no string CallStatus' };
  }
  if (str(b.CallSid) || str(b.AccountSid)) return { match: false, resemblance: 0.5, reason: `has ${str(b.CallSid) ? 'CallSid' : 'AccountSid'} but not ${str(b.CallSid) ? 'AccountSid' : 'CallSid'}` };
  return NOT_TWILIO;
}

// Every other vendor's body ends here: one shared answer, not a new object per body.
const NOT_TWILIO: DetectResult = Object.freeze({ match: false, resemblance: 0, reason: 'no CallSid and AccountSid parameters (a Voice URL request or a call status callback) and no RecordingSid (a recording status callback)' });

export const twilio: VendorDefinition = {
  id: 'twilio',
  aliases: [],
  title: 'Twilio Voice',
  docsUrl: 'https://www.twilio.com/docs/usage/webhooks/voice-webhooks',
  secretEnv: ['TWILIO_AUTH_TOKEN'],
  events,
  // Every request but a recording callback has CallSid; that one has RecordingSid.
  matchKeys: ['CallSid', 'RecordingSid'],
  detect(body, headers) {
    if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not an object of parameters' };
    const result = detectBody(body);
    if (result.match || result.resemblance >= 0.5 || headers?.[TWILIO_SIGNATURE] === undefined) return result;
    return { match: false, resemblance: 0.5, reason: `carries an ${TWILIO_SIGNATURE} header, but ${result.reason}` };
  },
  signing: twilioScheme({
    header: { value: TWILIO_SIGNATURE, provenance: 'documented', note: 'X-Twilio-Signature on every request (Webhooks security page).' },
    algorithm: {
      value: 'HMAC-SHA1 (HMAC-SHA256 with a Webhooks shared key)',
      provenance: 'documented',
      note: 'base64 HMAC-SHA1 keyed with the Auth Token (Webhooks security page); a Webhooks shared key signs with HMAC-SHA256 and says so in X-Twilio-Webhooks-Signature-Settings (Public Beta). hookscope signs with SHA-1 and verifies both.',
    },
    signedBytes: {
      value: 'the full URL Twilio called (scheme, host, path, query), then each POST parameter name + value, sorted by name, URL-decoded',
      provenance: 'documented',
      note: "Webhooks security page and the twilio Node SDK's getExpectedTwilioSignature; a JSON body is signed through a bodySHA256 query parameter instead.",
    },
    key: { value: 'the account Auth Token (or a Webhooks shared key secret), as UTF-8', provenance: 'documented', note: 'The Auth Token of the account that owns the number (Webhooks security page).' },
  }),
  delivery: {
    retryDelaysMs: {
      value: [0, 0],
      provenance: 'assumed',
      note: 'The rc connection override (retry count) defaults to 1 (documented, connection overrides page), and the retry is for a connection that failed; that it follows at once is assumed. Set rc=0 in the URL fragment to turn it off.',
      override: '--schedule',
    },
    retryOn: {
      value: 'only when there was no answer (the connection failed or timed out); never an HTTP error status',
      provenance: 'seen',
      note: "Integrators (Hookdeck's Twilio guide) report one retry on TCP connect or TLS handshake failures; the default retry policy (rp) is undocumented. An error status is not retried: the call goes to the Fallback URL instead.",
      isRetryable: (status) => status === undefined,
    },
    success: {
      value: 'any 2xx',
      provenance: 'seen',
      note: 'Status callbacks are informational: any 2xx, the body is ignored (integrators report it). The Voice URL also needs TwiML in the answer.',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: {
      value: 15_000,
      provenance: 'documented',
      note: '15 s for the whole HTTP request, 10 s of it for the connection (two TCP attempts of 5 s); error 11205 page and the tt/ct connection overrides.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'status callbacks: CallSid + SequenceNumber; the Voice URL request: CallSid; recording callbacks: RecordingSid + RecordingStatus',
      provenance: 'assumed',
      note: 'CallSid + SequenceNumber is documented (Call resource: SequenceNumber orders the callbacks of a call). The other two are hookscope\'s: a retry repeats the same parameters. <Gather>/<Dial> action requests of a call carry its CallSid too, so they show as repeats of its Voice URL request. Twilio\'s I-Twilio-Idempotency-Token header is seen, not documented.',
      key(body) {
        if (!isObject(body)) return undefined;
        if (body.CallbackSource === 'call-progress-events' && str(body.CallSid) && str(body.SequenceNumber)) return `${body.CallSid}:${body.SequenceNumber}`;
        if (body.CallbackSource === undefined && str(body.RecordingSid) && str(body.RecordingStatus) && body.CallStatus === undefined) return `${body.RecordingSid}:${body.RecordingStatus}`;
        return str(body.CallSid) ? body.CallSid : undefined;
      },
    },
  },
  callId: (body) => {
    const id = isObject(body) ? body.CallSid : undefined;
    return typeof id === 'string' ? id : undefined;
  },
  // Status callbacks follow the call's progress; a recording's status comes once it is ready.
  callFlow: {
    order: ['incoming-call', 'call-status.initiated', 'call-status.ringing', 'call-status.answered', 'call-status.completed', 'recording-status'],
    ended: 'call-status.completed',
  },
  notes: [
    'Twilio signs the URL it called: behind a tunnel, run listen with --public-url (or use a tunnel that sets X-Forwarded-Proto and X-Forwarded-Host) so the signature is checked against that URL.',
    'When the Voice URL fails (an error status, a timeout, TwiML that is not valid), Twilio requests the Fallback URL with ErrorCode and ErrorUrl; status callbacks have no fallback.',
    'Connection overrides in the URL fragment (#ct=…&rt=…&tt=…&rc=…) change the timeouts and the retry count; hookscope uses the defaults.',
    'Status callbacks are sent only for the StatusCallbackEvent values chosen on the call (completed alone by default), in order but as separate requests: SequenceNumber says the order.',
  ],
};
