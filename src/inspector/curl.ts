// Copy-as-curl: a curl command that sends the exact request that was received (method, URL,
// headers as recorded, signature included, body byte for byte), and the note that says when the
// vendor's receiver would refuse it because the recorded signature has aged out. Pure.
import { schemeFor, signedAtOf, type Choice, type HeaderBag } from '../signing/signature.js';
import type { VendorDefinition } from '../vendors/types.js';
import type { CurlNote } from './types.js';
const CONNECTION = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', 'proxy-connection', 'host', 'content-length']);

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface CurlInput {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

/**
 * The command. A UTF-8 body goes in `--data-binary` as it is; a base64 one (bytes that are not
 * text) is decoded by `base64 -d` and piped in, so no byte is changed by the shell.
 * `-H 'Expect:'` stops curl adding a header the vendor did not send.
 */
export function curlCommand(req: CurlInput): string {
  const parts = ['curl', '-sS', '-X', shellQuote(req.method), shellQuote(req.url)];
  for (const [name, value] of Object.entries(req.headers)) {
    if (CONNECTION.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) parts.push('-H', shellQuote(`${name}: ${v}`));
  }
  const hasBody = req.body !== '';
  if (hasBody && !('content-type' in lower(req.headers))) parts.push('-H', shellQuote('Content-Type:'));
  if (hasBody) parts.push('-H', shellQuote('Expect:'));
  if (!hasBody) return parts.join(' ');
  if (req.bodyEncoding === 'base64') return `printf %s ${shellQuote(req.body)} | base64 -d | ${parts.join(' ')} --data-binary @-`;
  return `${parts.join(' ')} --data-binary ${shellQuote(req.body)}`;
}

function lower(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(headers)) out[k.toLowerCase()] = headers[k];
  return out;
}

/**
 * Whether the recorded signature is too old for the vendor now: its scheme signs a timestamp
 * (the catalog's window), and the request's is older than the window at `nowMs`. Undefined for
 * schemes without a timestamp, requests that carry none, and signatures still inside the window.
 * `canSign`: whether Replay re-signs (listen has the vendor's secret).
 */
export function curlNote(input: { vendor: VendorDefinition; choice: Choice; headers: HeaderBag; nowMs: number; canSign: boolean }): CurlNote | undefined {
  const { vendor, nowMs } = input;
  const window = schemeFor(vendor, input.choice)?.timestamp;
  const signedAt = signedAtOf(vendor, input.headers, input.choice);
  if (!window || signedAt === undefined) return undefined;
  const ageMs = nowMs - signedAt;
  if (ageMs <= window.value.pastMs) return undefined;
  const at = new Date(signedAt);
  const when = Number.isNaN(at.getTime()) ? `${signedAt} ms` : at.toISOString();
  const accepts = window.provenance === 'assumed' ? `hookscope assumes ${vendor.title} accepts` : `${vendor.title} accepts`;
  const instead = input.canSign ? 'use Replay, which re-signs' : `use Replay, which re-signs once listen has ${vendor.id}'s secret (--secret ${vendor.id}=…)`;
  return {
    text: `signed at ${when}, ${Math.floor(ageMs / 1000)} s ago; ${accepts} signatures up to ${Math.floor(window.value.pastMs / 1000)} s old: this curl will be rejected as expired — ${instead}`,
    signedAt: when,
    ageMs,
    windowMs: window.value.pastMs,
    provenance: window.provenance,
  };
}
