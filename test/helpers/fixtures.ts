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
}

export function allFixtures(): FixtureCase[] {
  return vendors.flatMap((v) =>
    v.events.flatMap((e) =>
      [
        ...e.fixtures.map((f) => ({ f, part: 'request' as const })),
        ...((e.reply?.format ?? 'json') === 'json' ? (e.reply?.fixtures ?? []) : []).map((f) => ({ f, part: 'reply' as const })),
      ].map(({ f, part }) => {
        const file = join(ROOT, 'fixtures', v.id, f);
        const text = readFileSync(file, 'utf8');
        return { vendor: v.id, event: e.name, part, file, text, body: JSON.parse(text) as Record<string, unknown> };
      }),
    ),
  );
}

export const clone = <T>(v: T): T => structuredClone(v);
