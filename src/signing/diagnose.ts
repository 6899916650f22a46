// Explaining a failed signature: make the mistakes integrators make, one at a time, and name
// the one whose signature is the one presented. HMAC alone cannot tell a wrong secret from a
// changed body; most failures in practice are one of these, and each is a one-line fix:
// - the body re-serialised (JSON.stringify of the parsed body, or pretty-printed) before signing;
// - the secret used as text instead of base64-decoded after whsec_, or the reverse;
// - hex where the vendor uses base64, or the reverse;
// - the timestamp in seconds where the vendor uses milliseconds, or the reverse;
// - the parts in another order or without their separator (`{timestamp}.{body}` vs `{body}{timestamp}`);
// - another URL than the one the vendor called (the default port, http vs https, a tunnel's host);
// - another secret the user configured (for another vendor, or HOOKSCOPE_SECRET).
// Each try is one HMAC; bodies over DIAGNOSE_MAX_BYTES are not re-serialised.
import { decodeSignature, messageBytes, type HmacSpec, type MessageContext, type Part, type Presented } from './hmac.js';
import { digest, equalBytes, keyBytes, otherKeyForms } from './primitives.js';
import { portVariants } from './urls.js';
import { nestingDepth, PRETTY_MAX_DEPTH } from '../json/display.js';
import type { VerifyInput } from './types.js';

/** Re-serialising (parse + stringify) is tried only on bodies up to this size. */
export const DIAGNOSE_MAX_BYTES = 1024 * 1024;

interface Attempt {
  mistake: string;
  key: Buffer;
  parts: Part[];
  ctx: MessageContext;
  encoding?: 'hex' | 'base64';
}

/** The first integrator mistake that reproduces one of the presented signatures, in words. */
export function diagnose(spec: HmacSpec, got: Presented, input: VerifyInput, size: number): string | undefined {
  const key = keyBytes(input.secret, spec.key.value);
  if (!key) return undefined;
  const ctx: MessageContext = { body: input.body, timestamp: got.timestamp, id: got.id, url: input.url };
  const main = spec.messages[0]!;
  const attempts: Attempt[] = [];

  // The body re-serialised.
  if (main.includes('body') && !spec.messages.some((m) => m.includes('compact-body'))) {
    for (const { body, how } of reserialised(input.body)) {
      attempts.push({ mistake: `it is the signature of the body re-serialised (${how}), not of the bytes sent: sign and verify the raw body`, key, parts: main, ctx: { ...ctx, body } });
    }
  }
  // The key made another way.
  for (const other of otherKeyForms(input.secret, spec.key.value)) attempts.push({ mistake: other.mistake, key: other.key, parts: main, ctx });
  // The other encoding.
  const otherEncoding = spec.encoding.value === 'hex' ? 'base64' : 'hex';
  attempts.push({ mistake: `the signature is ${otherEncoding} where the vendor sends ${spec.encoding.value}`, key, parts: main, ctx, encoding: otherEncoding });
  // The timestamp in the other unit.
  const tolerance = spec.timestamp?.value;
  if (tolerance && got.timestamp !== undefined && /^\d+$/.test(got.timestamp)) {
    const t = Number(got.timestamp);
    attempts.push({ mistake: "the signed timestamp is in milliseconds but the header's is in seconds: both must be the same number", key, parts: main, ctx: { ...ctx, timestamp: String(t * 1000) } });
    attempts.push({ mistake: "the signed timestamp is in seconds but the header's is in milliseconds: both must be the same number", key, parts: main, ctx: { ...ctx, timestamp: String(Math.floor(t / 1000)) } });
  }
  // The parts in another order or without the separator.
  for (const parts of reorderings(main)) attempts.push({ mistake: `it signs ${describe(parts)} instead of ${describe(main)}`, key, parts, ctx });
  // Another URL.
  if (main.includes('url') && input.url !== undefined) {
    for (const variant of urlVariants(input.url, input.otherUrls ?? [])) attempts.push({ mistake: `it was signed for ${variant.label} (${variant.url}), not ${input.url}`, key, parts: main, ctx: { ...ctx, url: variant.url } });
  }
  // Another secret.
  for (const [label, secret] of input.otherSecrets ?? []) {
    if (secret === input.secret) continue;
    const other = keyBytes(secret, spec.key.value);
    if (other) attempts.push({ mistake: `it was made with the secret configured for ${label}`, key: other, parts: main, ctx });
  }

  for (const attempt of attempts) {
    const message = messageBytes(attempt.parts, attempt.ctx);
    if (message === undefined) continue;
    const want = digest(spec.algorithm.value, attempt.key, message);
    const encoding = attempt.encoding ?? spec.encoding.value;
    for (const sig of got.signatures) {
      const bytes = decodeSignature(sig, encoding, size);
      if (typeof bytes !== 'string' && equalBytes(bytes, want)) return attempt.mistake;
    }
  }
  return undefined;
}

/**
 * The forms an integrator's framework gives a JSON body back in (compact, pretty-printed), when
 * they differ from the bytes sent: the usual cause of a signature made or checked over the wrong
 * bytes. Bounded: bodies over DIAGNOSE_MAX_BYTES or nested deeper than PRETTY_MAX_DEPTH give none.
 */
export function reserialised(raw: Uint8Array): { body: Buffer; how: string }[] {
  if (raw.length > DIAGNOSE_MAX_BYTES) return [];
  const parsed = tryParse(raw);
  // Deeply nested bodies are not pretty-printed: indentation would grow with the square of the depth.
  if (parsed === undefined || nestingDepth(Buffer.from(raw).toString('utf8'), PRETTY_MAX_DEPTH) > PRETTY_MAX_DEPTH) return [];
  const out: { body: Buffer; how: string }[] = [];
  for (const [text, how] of [
    [JSON.stringify(parsed), 'JSON.stringify of the parsed body'],
    [JSON.stringify(parsed, null, 2), 'pretty-printed JSON of the parsed body'],
  ] as const) {
    const body = Buffer.from(text, 'utf8');
    if (!body.equals(Buffer.from(raw))) out.push({ body, how });
  }
  return out;
}

function tryParse(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `{timestamp}.{body}` */
function describe(parts: readonly Part[]): string {
  return `\`${parts.map((p) => (typeof p === 'string' ? `{${p}}` : 'field' in p ? `{${p.field}}` : p.literal)).join('')}\``;
}

/** The same parts in the orders and with the separators integrators mix up (timestamped messages only). */
function reorderings(parts: readonly Part[]): Part[][] {
  if (!parts.includes('timestamp') || !parts.includes('body') || parts.length > 3) return [];
  const sep: Part = { literal: '.' };
  const candidates: Part[][] = [
    ['timestamp', sep, 'body'],
    ['body', sep, 'timestamp'],
    ['timestamp', 'body'],
    ['body', 'timestamp'],
  ];
  const same = (a: readonly Part[], b: readonly Part[]) => JSON.stringify(a) === JSON.stringify(b);
  return candidates.filter((c) => !same(c, parts));
}

/** URLs a vendor may have signed instead: with or without the default port, the other scheme, the ones given. */
function urlVariants(url: string, others: readonly { url: string; label: string }[]): { url: string; label: string }[] {
  const out: { url: string; label: string }[] = [];
  for (const v of portVariants(url)) if (v.label) out.push({ url: v.url, label: `the URL ${v.label}` });
  const m = /^(https?):/i.exec(url);
  if (m) {
    const flipped = `${m[1]!.toLowerCase() === 'https' ? 'http' : 'https'}${url.slice(m[1]!.length)}`;
    out.push({ url: flipped, label: `the ${m[1]!.toLowerCase() === 'https' ? 'http' : 'https'} URL` });
  }
  for (const o of others) if (o.url !== url) out.push(o);
  return out;
}
