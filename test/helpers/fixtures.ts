// Every fixture of every vendor, read from disk, for table-driven tests. JSON fixtures only: a
// reply that is not JSON (Twilio's TwiML) is tested by its vendor's own tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendors } from '../../src/vendors/index.js';
import type { BodyPart } from '../../src/vendors/types.js';
import { ROOT } from './cli.js';

export interface FixtureCase {
  vendor: string;
  event: string;
  part: BodyPart;
  file: string;
  text: string;
  body: Record<string, unknown>;
  /**
   * Request headers that make the body its vendor's, for a vendor recognised by its headers and
   * not its body (a fallback vendor: Standard Webhooks); absent for the others.
   */
  headers?: Record<string, string>;
}

/** Standard Webhooks' three headers (values need not verify: detection reads only their presence). */
export const STANDARD_WEBHOOKS_HEADERS: Readonly<Record<string, string>> = { 'webhook-id': 'msg_fixture', 'webhook-timestamp': '1764424880', 'webhook-signature': 'v1,AAAA' };

export function allFixtures(): FixtureCase[] {
  return vendors.flatMap((v) =>
    v.events.flatMap((e) =>
      [
        ...e.fixtures.map((f) => ({ f, part: 'request' as const })),
        ...((e.reply?.format ?? 'json') === 'json' ? (e.reply?.fixtures ?? []) : []).map((f) => ({ f, part: 'reply' as const })),
      ].map(({ f, part }) => {
        const file = join(ROOT, 'fixtures', v.id, f);
        const text = readFileSync(file, 'utf8');
        return { vendor: v.id, event: e.name, part, file, text, body: JSON.parse(text) as Record<string, unknown>, ...(v.fallback ? { headers: { ...STANDARD_WEBHOOKS_HEADERS } } : {}) };
      }),
    ),
  );
}

export const clone = <T>(v: T): T => structuredClone(v);
