// listen --demo: every vendor's fixtures, signed with the configured secret (or a demo secret,
// which the listener then also uses), plus one retry and one tampered body, sent to the listener.
import { readFileSync } from 'node:fs';
import { deliver } from '../http/client.js';
import { signRequest } from '../signing/signature.js';
import { fixturePath } from '../vendors/fixtures.js';
import { vendors as registry } from '../vendors/index.js';
import type { EventDefinition, VendorDefinition } from '../vendors/types.js';
import { encodeBody, FORM_CONTENT_TYPE } from '../json/body-format.js';

export type SecretMap = Map<string, { value: string; source: string }>;

export async function runDemo(url: string, secrets: SecretMap, notice?: (m: string) => void): Promise<number> {
  let sent = 0;
  const post = async (vendor: VendorDefinition, event: EventDefinition, body: string, signedBody: string = body) => {
    const target = `${url}/demo/${vendor.id}`;
    const headers: [string, string][] = [['content-type', event.bodyFormat === 'form' ? FORM_CONTENT_TYPE : 'application/json'], ['user-agent', 'hookscope-demo']];
    const secret = secrets.get(vendor.id);
    const signed = secret ? signRequest(vendor, { body: Buffer.from(signedBody), secret: secret.value, timestampMs: Date.now(), url: target, contentType: headers[0]![1] }, { event }) : undefined;
    if (signed) headers.push(...Object.entries(signed.headers));
    await deliver({ method: 'POST', url: signed?.url ?? target, headers, body: Buffer.from(body) }, { timeoutMs: 10_000 });
    sent++;
  };
  let first: { vendor: VendorDefinition; event: EventDefinition; body: string } | undefined;
  for (const vendor of registry) {
    for (const event of vendor.events) {
      for (const file of event.fixtures) {
        const body = encodeBody(JSON.parse(readFileSync(fixturePath(vendor, file), 'utf8')), event.bodyFormat);
        if (event.bodyFormat !== 'form') first ??= { vendor, event, body };
        await post(vendor, event, body);
      }
    }
  }
  if (first) {
    await post(first.vendor, first.event, first.body); // a retry: same body again
    await post(first.vendor, first.event, tamper(first.body), first.body); // signed for the original, changed after
  }
  notice?.(`demo: sent ${sent} requests (every vendor's fixtures, one retry, one tampered body)`);
  return sent;
}

/** The body with its first number changed, as an attacker (or a buggy proxy) might. */
function tamper(body: string): string {
  const value = JSON.parse(body) as unknown;
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.shift();
    if (typeof node !== 'object' || node === null) continue;
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'number') {
        (node as Record<string, unknown>)[k] = v + 25;
        return JSON.stringify(value);
      }
      stack.push(v);
    }
  }
  return `${body} `;
}
