// How a Vapi request is authenticated: Vapi has no single scheme, each server (or its credential)
// picks one (research §1.3, docs server-authentication.mdx, OpenAPI *AuthenticationPlan).
import { UserError } from '../errors.js';
import { hmacScheme, type Part } from '../signing/hmac.js';
import { tokenScheme } from '../signing/token.js';
import type { Algorithm } from '../signing/primitives.js';
import type { AuthMode, SigningScheme } from './types.js';

/** Settings a mode does not know are a usage error that lists the ones it has. */
function only(mode: string, settings: Readonly<Record<string, string>>, known: readonly string[]): void {
  for (const name of Object.keys(settings)) {
    if (!known.includes(name)) throw new UserError(`--auth-setting ${name}: the ${mode} mode has no such setting`, known.length ? `settings: ${known.join(', ')} (see hookscope vendors vapi)` : `the ${mode} mode takes no settings`);
  }
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`--auth-setting ${name}=${value}: expected ${allowed.join(' or ')}`);
}

function bool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new UserError(`--auth-setting ${name}=${value}: expected true or false`);
}

function headerName(name: string, value: string | undefined, fallback: string): string {
  const v = (value ?? fallback).trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(v)) throw new UserError(`--auth-setting ${name}=${value}: not a header name`);
  return v;
}

/**
 * `payloadFormat` as signed parts: `{body}` the raw bytes, `{timestamp}`, `{method}` (always POST),
 * `{url}`, `{svix-id}` the message id; anything else literal text.
 */
export function payloadParts(format: string): Part[] {
  const parts: Part[] = [];
  const re = /\{(body|timestamp|method|url|svix-id)\}/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    if (m.index > last) parts.push({ literal: format.slice(last, m.index) });
    const name = m[1];
    parts.push(name === 'body' ? 'body' : name === 'timestamp' ? 'timestamp' : name === 'url' ? 'url' : name === 'svix-id' ? 'id' : { literal: 'POST' });
    last = re.lastIndex;
  }
  if (last < format.length) parts.push({ literal: format.slice(last) });
  return parts;
}

const HMAC_SETTINGS: Record<string, string> = {
  algorithm: 'sha256 (default), sha512 or sha1',
  signatureHeader: 'the signature header (default x-signature)',
  timestampHeader: 'the timestamp header (default x-timestamp)',
  signaturePrefix: 'text before the signature, e.g. sha256= (default none)',
  includeTimestamp: 'true (default) or false: send and sign a timestamp',
  payloadFormat: 'what is signed (default {timestamp}.{body}; also {method}, {url}, {svix-id})',
  messageIdHeader: 'the header of a unique message id, for {svix-id} (default none)',
  signatureEncoding: 'hex (default) or base64',
  secretIsBase64: 'true or false (default): base64-decode the secret first',
  timestampUnit: 'hookscope assumes s (unix seconds); ms if yours differs — Vapi does not document the unit',
};

function hmacMode(settings: Readonly<Record<string, string>>): SigningScheme {
  only('hmac', settings, Object.keys(HMAC_SETTINGS));
  const algorithm = oneOf<Algorithm>('algorithm', settings.algorithm, ['sha256', 'sha512', 'sha1'], 'sha256');
  const encoding = oneOf('signatureEncoding', settings.signatureEncoding, ['hex', 'base64'], 'hex');
  const includeTimestamp = bool('includeTimestamp', settings.includeTimestamp, true);
  const unit = oneOf('timestampUnit', settings.timestampUnit, ['s', 'ms'], 's');
  const signatureHeader = headerName('signatureHeader', settings.signatureHeader, 'x-signature');
  const timestampHeader = headerName('timestampHeader', settings.timestampHeader, 'x-timestamp');
  const idHeader = settings.messageIdHeader === undefined ? undefined : headerName('messageIdHeader', settings.messageIdHeader, '');
  const format = settings.payloadFormat ?? (includeTimestamp ? '{timestamp}.{body}' : '{body}');
  const parts = payloadParts(format);
  if (parts.includes('timestamp') && !includeTimestamp) throw new UserError(`--auth-setting payloadFormat=${format}: it signs {timestamp}, but includeTimestamp is false`);
  if (parts.includes('id') && !idHeader) throw new UserError(`--auth-setting payloadFormat=${format}: {svix-id} needs --auth-setting messageIdHeader=<name>`);
  const prefix = settings.signaturePrefix || undefined;
  const doc = 'Vapi HMAC credential (HMACAuthenticationPlan, changelog 2025-06-24)';
  return hmacScheme({
    kind: 'hmac',
    header: { value: signatureHeader, provenance: 'documented', note: `${doc}: signatureHeader, default x-signature.`, override: '--auth-setting signatureHeader=<name>' },
    placement: { kind: 'single', header: signatureHeader, prefix, ...(includeTimestamp ? { timestampHeader } : {}), ...(idHeader ? { idHeader } : {}) },
    format: { value: `${prefix ?? ''}<${encoding} digest>`, provenance: 'documented', note: `${doc}: signaturePrefix and signatureEncoding.` },
    algorithm: { value: algorithm, provenance: 'documented', note: `${doc}: algorithm sha256 | sha512 | sha1.` },
    encoding: { value: encoding, provenance: 'documented', note: `${doc}: signatureEncoding, default hex.` },
    key: { value: bool('secretIsBase64', settings.secretIsBase64, false) ? 'whsec' : 'utf8', provenance: 'documented', note: `${doc}: secretKey, used as text unless secretIsBase64.` },
    messages: [parts],
    signedBytes: { value: format.replace('{body}', '{the raw body}'), provenance: 'documented', note: `${doc}: payloadFormat, default {timestamp}.{body}.` },
    ...(includeTimestamp
      ? {
          timestamp: {
            value: { unit, pastMs: 5 * 60_000 },
            provenance: 'assumed',
            note: 'Vapi documents neither the timestamp unit nor a window: hookscope assumes unix seconds (set timestampUnit=ms) and flags timestamps older than 5 minutes.',
            override: '--auth-setting timestampUnit=ms',
          },
        }
      : {}),
  });
}

const SECRET_HEADER = 'x-vapi-secret';

export const vapiAuthModes: Record<string, AuthMode> = {
  none: {
    label: 'nothing: Vapi\'s default when a server has no credential',
    provenance: 'documented',
    note: 'A server URL without credentialId or headers gets plain requests (server-authentication.mdx).',
    create: () => null,
  },
  secret: {
    label: 'X-Vapi-Secret: the secret itself, compared as text',
    provenance: 'documented',
    note: 'The legacy server.secret, now a Bearer credential with headerName X-Vapi-Secret and bearerPrefixEnabled false; Vapi\'s example handler compares it as text. From 2025-03-22 to 2025-09-08 the docs named the header X-Vapi-Signature instead: accepted, and named as the old header.',
    create: (settings) => {
      only('secret', settings, []);
      return tokenScheme({
        header: { value: SECRET_HEADER, provenance: 'documented', note: 'server-authentication.mdx, "Legacy X-Vapi-Secret Support"; VapiAI/example-webhook-handler src/utils/auth.js.' },
        alsoAccepted: ['x-vapi-signature'],
        note: 'Vapi sends the secret verbatim; nothing about the body is signed.',
      });
    },
  },
  bearer: {
    label: 'Authorization: Bearer <token> (a Bearer credential)',
    provenance: 'documented',
    note: 'BearerAuthenticationPlan: token, headerName (default Authorization), bearerPrefixEnabled (default true).',
    settings: { headerName: 'the header (default Authorization)', bearerPrefixEnabled: 'true (default) or false: the "Bearer " prefix' },
    create: (settings) => {
      only('bearer', settings, ['headerName', 'bearerPrefixEnabled']);
      const header = headerName('headerName', settings.headerName, 'authorization');
      const prefixed = bool('bearerPrefixEnabled', settings.bearerPrefixEnabled, true);
      return tokenScheme({
        header: { value: header, provenance: 'documented', note: 'BearerAuthenticationPlan.headerName, default Authorization.', override: '--auth-setting headerName=<name>' },
        ...(prefixed ? { prefix: 'Bearer ' } : {}),
        note: 'Vapi sends the token from the credential; nothing about the body is signed.',
      });
    },
  },
  hmac: {
    label: 'x-signature: hex HMAC-SHA256 of {timestamp}.{body}, with x-timestamp (an HMAC credential)',
    provenance: 'documented',
    note: 'HMACAuthenticationPlan; every part is configurable in the credential, and here with --auth-setting. The timestamp unit and window are not documented (assumed: seconds, 5 minutes).',
    settings: HMAC_SETTINGS,
    create: hmacMode,
  },
};
