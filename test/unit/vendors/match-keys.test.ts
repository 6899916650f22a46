// Each vendor's `matchKeys` against its own detect: detection skips a vendor whose keys a body
// lacks (src/vendors/detect.ts), which is only right if that vendor's detect never matches such a
// body. Held here on every JSON fixture and on variants of each (each top-level key taken out, each
// key alone), with and without the signature headers detection reads; and detection's outcome
// with the keys is the outcome of asking every vendor.
import { describe, expect, it } from 'vitest';
import { detect, type DetectOutcome } from '../../../src/vendors/detect.js';
import { vendors } from '../../../src/vendors/index.js';
import type { VendorDefinition } from '../../../src/vendors/types.js';
import { allFixtures, STANDARD_WEBHOOKS_HEADERS } from '../../helpers/fixtures.js';

/** Every header a vendor's detect looks at (presence only). */
const SIGNED: Record<string, string> = {
  ...STANDARD_WEBHOOKS_HEADERS,
  'x-relyable-signature': 'x',
  'x-retell-signature': 'x',
  'elevenlabs-signature': 'x',
  'x-twilio-signature': 'x',
  'x-webhook-signature': 'x',
  'x-vapi-secret': 'x',
  'x-vapi-signature': 'x',
  'x-signature': 'x',
};

function variants(body: Record<string, unknown>): Record<string, unknown>[] {
  const keys = Object.keys(body);
  const without = keys.map((k) => Object.fromEntries(keys.filter((x) => x !== k).map((x) => [x, body[x]])));
  const alone = keys.map((k) => ({ [k]: body[k] }));
  return [body, ...without, ...alone];
}

const bodies = allFixtures().flatMap((f) => variants(f.body).map((body, i) => ({ name: `${f.vendor}/${f.file.split('/').pop()} #${i}`, body })));
const headerBags = [undefined, SIGNED];

describe('matchKeys', () => {
  it('are declared by every vendor but the fallback (asked by headers alone)', () => {
    for (const v of vendors) expect(v.matchKeys === undefined, v.id).toBe(v.fallback === true);
  });

  it.each(vendors.filter((v) => v.matchKeys).map((v) => [v.id, v] as const))('%s: detect matches no body without one of its keys', (_id, vendor) => {
    let matched = 0;
    for (const { name, body } of bodies) {
      for (const headers of headerBags) {
        if (!vendor.detect(body, headers).match) continue;
        matched++;
        expect(vendor.matchKeys!.some((k) => k in body), `${name} ${headers ? 'signed' : ''}`).toBe(true);
      }
    }
    // The variants include bodies of this vendor that match (the test has something to hold).
    expect(matched).toBeGreaterThan(0);
  });

  const everyVendor: VendorDefinition[] = vendors.map((v) => ({ ...v, matchKeys: undefined }));
  const summary = (o: DetectOutcome) =>
    o.ok
      ? { ok: true, vendor: o.vendor.id, event: o.event.name, part: o.part, reason: o.reason }
      : o.why === 'ambiguous'
        ? { why: o.why, candidates: o.candidates.map((c) => `${c.vendor.id} ${c.event.name} ${c.part}`) }
        : o.why === 'unknown-event'
          ? { why: o.why, vendor: o.vendor.id, event: o.event, reason: o.reason }
          : o;

  it('detection with them decides as asking every vendor does', () => {
    for (const { name, body } of bodies) {
      for (const headers of headerBags) {
        expect(summary(detect(body, headers)), name).toEqual(summary(detect(body, headers, undefined, everyVendor)));
        for (const only of vendors) {
          const copy = everyVendor.find((v) => v.id === only.id)!;
          expect(summary(detect(body, headers, only)), `${name} --vendor ${only.id}`).toEqual(summary(detect(body, headers, copy, everyVendor)));
        }
      }
    }
  });
});
