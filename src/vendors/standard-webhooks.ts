// Standard Webhooks (standardwebhooks.com, spec 1.0.0) as a vendor of its own: any sender that
// signs the spec's way (Svix and the senders it powers, Make, …) with a body hookscope has no
// schema for. Any JSON object is a `message`; the spec's recommended envelope {type, timestamp,
// data} gives the feed its type. Nothing in a body says "Standard Webhooks": the request's headers
// do, so this is the fallback vendor (types.ts `fallback`): it takes a body only when no other
// vendor recognises it. Sources: the spec (standard-webhooks/standard-webhooks,
// spec/standard-webhooks.md), docs.svix.com/retries and docs.svix.com/receiving/verifying-payloads/how-manual.
import { standardWebhooksScheme } from '../signing/standard-webhooks.js';
import { anyObject } from '../schema/kit.js';
import { field, isObject } from '../json/values.js';
import { lazySchemas } from './lazy.js';
import type { DetectResult, VendorDefinition } from './types.js';

const events = lazySchemas([
  {
    name: 'message',
    description:
      'Any JSON object signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature; or Svix\'s svix-* names). With the spec\'s recommended {type, timestamp, data} envelope, its type names the event.',
    fixtures: ['message.json'],
    fresh: [{ path: 'timestamp', kind: 'timestamp' }],
    schema: () => anyObject().meta({ description: 'any JSON object; the spec recommends {type: "a.b", timestamp: ISO-8601, data: {…}}' }),
    summarize(body) {
      const type = field(body, 'type');
      if (typeof type === 'string') {
        const at = field(body, 'timestamp');
        return `type ${type}${typeof at === 'string' ? ` at ${at}` : ''}`;
      }
      const keys = isObject(body) ? Object.keys(body) : [];
      return `no type (not the {type, timestamp, data} envelope): ${keys.length} top-level field${keys.length === 1 ? '' : 's'}`;
    },
  },
]);

/** Which spelling of the headers a request carries: the spec's, or Svix's. */
function headerSet(headers: Record<string, string | undefined> | undefined): 'webhook' | 'svix' | undefined {
  if (!headers) return undefined;
  for (const prefix of ['webhook', 'svix'] as const) {
    if (headers[`${prefix}-signature`] !== undefined || headers[`${prefix}-id`] !== undefined || headers[`${prefix}-timestamp`] !== undefined) return prefix;
  }
  return undefined;
}

const MESSAGE = { event: 'message', part: 'request' } as const;

function detect(body: unknown, headers?: Record<string, string | undefined>): DetectResult {
  if (!isObject(body)) return { match: false, resemblance: 0, reason: 'not a JSON object' };
  const set = headerSet(headers);
  const type = typeof body.type === 'string' ? body.type : undefined;
  if (set) {
    return {
      match: true,
      ...MESSAGE,
      reason: `the request carries ${set}-id/-timestamp/-signature headers and no other vendor recognises the body${type === undefined ? '' : ` (type ${JSON.stringify(type.slice(0, 100))})`}`,
    };
  }
  // The recommended envelope makes a body look like one, but only the headers can tell.
  const envelope = type !== undefined && 'timestamp' in body && isObject(body.data);
  const why = headers === undefined ? 'a saved body has no request headers' : 'the request has no webhook-id/-timestamp/-signature (or svix-*) headers';
  return {
    match: false,
    resemblance: envelope ? 0.4 : 0,
    reason: `${why}, and a body is never standard-webhooks by its shape alone${envelope ? ', even with the {type, timestamp, data} envelope' : ''}: validate the listen log that recorded it, or name the vendor (--vendor standard-webhooks)`,
    named: MESSAGE,
  };
}

export const standardWebhooks: VendorDefinition = {
  id: 'standard-webhooks',
  aliases: ['svix'],
  title: 'Standard Webhooks (any sender; Svix)',
  docsUrl: 'https://www.standardwebhooks.com',
  secretEnv: ['STANDARD_WEBHOOKS_SECRET', 'SVIX_WEBHOOK_SECRET'],
  events,
  detect,
  fallback: true,
  signing: standardWebhooksScheme({
    provenance: 'documented',
    note: 'Standard Webhooks spec 1.0.0: webhook-id, webhook-timestamp (Unix seconds) and webhook-signature, a space-separated list of v1,<base64 HMAC-SHA256> and v1a,<base64 ed25519> entries; Svix also names them svix-id, svix-timestamp, svix-signature (docs.svix.com).',
    svixHeaders: true,
  }),
  delivery: {
    retryDelaysMs: {
      value: [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      provenance: 'documented',
      note: "Svix's schedule (docs.svix.com/retries): immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. The spec only recommends exponential backoff with jitter (its example goes on to 14 h, 20 h, 24 h); other senders keep their own.",
      override: '--schedule',
    },
    success: {
      value: 'any 2xx; a 3xx is a failure',
      provenance: 'documented',
      note: 'Spec: any 2xx is a success and redirects are not followed; Svix: a 2xx within 15 s, anything else (3xx included) is a failure.',
      isSuccess: (status) => status >= 200 && status < 300,
    },
    timeoutMs: {
      value: 15_000,
      provenance: 'documented',
      note: 'Svix waits 15 s for the answer (docs.svix.com/retries); the spec recommends 15 to 30 s.',
      override: '--timeout',
    },
    dedupeKey: {
      value: 'the webhook-id header (or svix-id); none without headers',
      provenance: 'documented',
      note: 'Spec: webhook-id is unique per message and the same on every retry, the idempotency key. The recommended envelope has no id, so a saved body or a fixture has no key.',
      key(_body, headers) {
        const id = headers?.['webhook-id'] ?? headers?.['svix-id'];
        return id === undefined || id === '' ? undefined : id;
      },
    },
  },
  notes: [
    'A body is standard-webhooks only when its request carries webhook-* (or svix-*) headers and no other vendor recognises it: OpenAI signs the same way and stays openai. A saved body needs --vendor standard-webhooks.',
    'No reference library implements v1a (ed25519): hookscope signs with a whsk_ key and verifies with the whpk_ (or whsk_) key.',
    'A secret without the whsec_ prefix is base64-decoded, as the standardwebhooks and svix libraries do (OpenAI\'s SDK uses it as text).',
    'Spec: a 410 Gone asks the sender to disable the endpoint, and 429, 502 and 504 to slow down; Svix stops retrying a message when the answer carries the header webhook-delivery: abort-message.',
  ],
};
