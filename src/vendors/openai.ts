// OpenAI: the Realtime API's SIP calls (`realtime.call.incoming`, and the GPT-Live variant
// `live.transport.incoming`) and the thin background-response events, delivered as Standard
// Webhooks from the project's webhook endpoints.
// Sources: https://developers.openai.com/api/docs/guides/realtime-sip, .../guides/webhooks, the
// accept/reject API reference, and openai-node (src/resources/webhooks/webhooks.ts,
// src/lib/webhook-signature.ts; npm openai@7.59.0). Facts: shared/research, section 3.
import * as z from 'zod';
import { standardWebhooksScheme } from '../signing/standard-webhooks.js';
import { growingEnum } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import { lazy, lazySchemas, type LazyEvent } from './lazy.js';
import type { DetectResult, FreshField, VendorDefinition } from './types.js';

/** The event envelope: `object` is optional in the SDK's types for these events, `id` is `evt_…`. */
const envelope = <T extends z.ZodType>(type: string, data: T) =>
  z.strictObject({
    object: z.literal('event').optional(),
    id: z.string().startsWith('evt_', 'expected an event id starting with evt_'),
    type: z.literal(type),
    created_at: z.int().nonnegative().meta({ description: 'Unix time in seconds' }),
    data,
  });

/** Headers of the SIP INVITE, in order, repeats kept; untrusted caller metadata (SDK comments). */
const sipHeaders = lazy(() => z.array(z.strictObject({ name: z.string(), value: z.string() })));
const mediaSecurity = lazy(() => growingEnum(['rtp', 'srtp'], 'SIP media security').optional());

// Every delivery is a new event with a new id; a new call has a new call id. Retries of one
// delivery repeat the body (replay keeps it), so only send and replay --fresh make these anew.
const freshEvent: FreshField[] = [
  { path: 'id', kind: 'id', prefix: 'evt_' },
  { path: 'created_at', kind: 'unix-seconds' },
];

/** What a caller sees in a SIP header such as `"Ada" <sip:+1555…@host>;tag=…`: the URI. */
function sipAddress(headers: unknown, name: string): string {
  if (!Array.isArray(headers)) return '?';
  for (const h of headers) {
    if (isObject(h) && typeof h.name === 'string' && h.name.toLowerCase() === name.toLowerCase() && typeof h.value === 'string') {
      const inAngles = /<([^>]*)>/.exec(h.value);
      return (inAngles ? inAngles[1]! : h.value.split(';')[0]!).trim();
    }
  }
  return '?';
}

const NOT_ACCEPTED = 'the 2xx does not accept the call';

const responseEvent = (name: string, what: string): LazyEvent => ({
  name,
  description: `A background response ${what}; a thin event: data.id names the response, to be fetched with GET /v1/responses/{id}.`,
  fixtures: [`${name}.json`],
  fresh: freshEvent,
  schema: () => envelope(name, z.strictObject({ id: z.string().meta({ examples: ['resp_abc123'] }) })),
  summarize: (body) => `response ${String(field(body, 'data.id'))} ${what}`,
});

// Each schema is built on first use (lazy.ts).
const events = lazySchemas([
  {
    name: 'realtime.call.incoming',
    description:
      'A SIP call reached the project (sip:<project id>@sip.api.openai.com) and waits. Answering the webhook with 2xx does NOT accept the call: accept it with POST /v1/realtime/calls/{call_id}/accept (a realtime session config), or reject it with POST /v1/realtime/calls/{call_id}/reject (SIP 603 Decline unless a status_code is given).',
    fixtures: ['realtime.call.incoming.json'],
    fresh: [...freshEvent, { path: 'data.call_id', kind: 'id', prefix: 'rtc_' }],
    personal: ['data.sip_headers[*].value'],
    schema: () => envelope(
      'realtime.call.incoming',
      z.strictObject({
        call_id: z.string().startsWith('rtc_', 'expected a call id starting with rtc_').meta({ description: 'the pending call: pass it unchanged to accept, reject, refer or hang up' }),
        sip_headers: sipHeaders(),
        sip_media_security: mediaSecurity(),
      }),
    ),
    summarize(body) {
      const id = String(field(body, 'data.call_id'));
      const headers = field(body, 'data.sip_headers');
      return `${sipAddress(headers, 'from')} → ${sipAddress(headers, 'to')}; ${NOT_ACCEPTED}: POST /v1/realtime/calls/${id}/accept (or /reject, 603 by default)`;
    },
  },
  {
    name: 'live.transport.incoming',
    description:
      'The GPT-Live form of an incoming SIP call. As with realtime.call.incoming, a 2xx does NOT accept it: POST /v1/live/sessions/{session_id}/accept or /reject (status_code 300-699); the first decision wins. The same call may also arrive as realtime.call.incoming: handle one.',
    fixtures: ['live.transport.incoming.json'],
    fresh: [...freshEvent, { path: 'data.session_id', kind: 'id', prefix: 'live_' }],
    personal: ['data.sip_headers[*].value'],
    schema: () => envelope(
      'live.transport.incoming',
      z.strictObject({
        type: z.literal('sip'),
        session_id: z.string().startsWith('live_', 'expected a session id starting with live_'),
        sip_headers: sipHeaders(),
        sip_media_security: mediaSecurity(),
      }),
    ),
    summarize(body) {
      const id = String(field(body, 'data.session_id'));
      const headers = field(body, 'data.sip_headers');
      return `${sipAddress(headers, 'from')} → ${sipAddress(headers, 'to')}; ${NOT_ACCEPTED}: POST /v1/live/sessions/${id}/accept (or /reject)`;
    },
  },
  responseEvent('response.completed', 'completed'),
  responseEvent('response.cancelled', 'was cancelled'),
  responseEvent('response.failed', 'failed'),
  responseEvent('response.incomplete', 'ended incomplete'),
]);

const eventNames = events.map((e) => e.name);

function detect(body: unknown): DetectResult {
  if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
  const { type, data } = body;
  // `created_at` (of any type: the schema judges it) tells it from Stripe's {object, id: "evt_…", type, created, data}.
  const ours = (body.object === 'event' || (typeof body.id === 'string' && body.id.startsWith('evt_'))) && 'created_at' in body;
  if (typeof type !== 'string' || !isObject(data) || !ours) {
    const hint = typeof type === 'string' && isObject(data) ? 0.3 : 0;
    return { match: false, resemblance: hint, reason: 'no OpenAI event envelope {object: "event", id: "evt_…", type, created_at, data}' };
  }
  if (eventNames.includes(type)) return { match: true, event: type, part: 'request', reason: '`type` names an OpenAI event in its {object, id: "evt_…", type, created_at, data} envelope' };
  // The envelope is OpenAI's own (`object: "event"` or an evt_ id, with created_at): a type
  // hookscope does not list (batch.*, fine_tuning.job.*, eval.run.*, …) is still OpenAI's.
  return { match: false, resemblance: 0.8, reason: `OpenAI's event envelope, but type ${JSON.stringify(type.slice(0, 100))} is not one of ${eventNames.join(', ')}`, unknownEvent: type };
}

export const openai: VendorDefinition = {
  id: 'openai',
  aliases: [],
  title: 'OpenAI Realtime (SIP)',
  docsUrl: 'https://developers.openai.com/api/docs/guides/realtime-sip',
  secretEnv: ['OPENAI_WEBHOOK_SECRET'],
  events,
  matchKeys: ['type'],
  detect,
  signing: standardWebhooksScheme({
    key: 'whsec-or-utf8',
    asymmetric: false,
    provenance: 'documented',
    note: 'Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature (v1,<base64>): the webhooks and Realtime SIP guides, and openai-node src/lib/webhook-signature.ts.',
    keyNote:
      "openai-node's webhooks.unwrap() base64-decodes what follows whsec_ but uses a secret without the prefix as its UTF-8 bytes, unlike the standardwebhooks library, which base64-decodes it too.",
    tolerance: { unit: 's', pastMs: 300_000, futureMs: 300_000 },
    toleranceNote: "openai-node's webhooks.unwrap() refuses a timestamp more than 300 s old (\"too old\") or ahead (\"too new\") by default.",
  }),
  delivery: {
    retryDelaysMs: {
      // The Standard Webhooks spec's example ladder, cut before it passes 72 h (51 h 35 min in all).
      value: [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000],
      provenance: 'assumed',
      note: 'OpenAI retries a failed delivery with exponential backoff for up to 72 hours (seen: Hookdeck\'s guide and a copy of the webhooks guide); the schedule is not published, so hookscope assumes the Standard Webhooks spec\'s example (0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h), cut before 72 h.',
      override: '--schedule',
    },
    success: {
      value: 'any 2xx',
      provenance: 'seen',
      note: 'Answer 2xx "within a few seconds"; anything else, a redirect included, is retried (webhooks guide, read through a third-party copy and Hookdeck\'s guide).',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: {
      value: 5_000,
      provenance: 'assumed',
      note: 'OpenAI asks for a 2xx "within a few seconds" (seen); the exact timeout is not published, so hookscope assumes 5 s.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'the webhook-id header; without headers (a saved body), the event id (evt_…)',
      provenance: 'documented',
      note: 'webhook-id is "a unique id for idempotency" (Realtime SIP guide), the same on every retry (Standard Webhooks spec). Assumption: the body\'s id, which is not the webhook-id, also stays the same across retries.',
      key(body, headers) {
        const id = headers?.['webhook-id'] ?? field(body, 'id');
        return typeof id === 'string' && id !== '' ? id : undefined;
      },
    },
  },
  callId: (body) => {
    const id = field(body, 'data.call_id');
    return typeof id === 'string' ? id : undefined;
  },
  notes: [
    'realtime.call.incoming: the webhook\'s 2xx only acknowledges the delivery; the call rings until the receiver POSTs /v1/realtime/calls/{call_id}/accept (with Authorization: Bearer $OPENAI_API_KEY), and /reject declines it with SIP 603 unless a status_code is given.',
    'How long a pending SIP call waits for accept or reject is not documented.',
    'A secret without the whsec_ prefix is used as text by OpenAI\'s SDK; the standardwebhooks and svix libraries base64-decode it instead, so the two disagree on such a secret.',
    'Delivery order is not guaranteed, and duplicates, though rare, happen: deduplicate on webhook-id.',
  ],
};
