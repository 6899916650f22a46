// Which vendor and event a body belongs to, decided by the vendor modules themselves.
import { findEvent, vendors as registry } from './index.js';
import type { BodyPart, EventDefinition, VendorDefinition } from './types.js';

export interface Detection {
  vendor: VendorDefinition;
  event: EventDefinition;
  part: BodyPart;
  reason: string;
}

export interface NearMiss {
  vendor: string;
  resemblance: number;
  reason: string;
}

export type DetectOutcome =
  | ({ ok: true } & Detection)
  | { ok: false; why: 'none'; nearMisses: NearMiss[] }
  | { ok: false; why: 'ambiguous'; candidates: Detection[] }
  /** One vendor's body, with an event name hookscope does not know. */
  | { ok: false; why: 'unknown-event'; vendor: VendorDefinition; event: string; reason: string };

/**
 * Ask every vendor (or only `only`) whether the body is theirs. Exactly one match is a verdict;
 * none returns the near misses, most resembling first, so the error can say why.
 */
export function detect(
  body: unknown,
  headers?: Record<string, string | undefined>,
  only?: VendorDefinition,
  vendors: readonly VendorDefinition[] = registry,
): DetectOutcome {
  // One match is the common case: nothing is kept for explaining a miss until there is one.
  const asked = only ? [only] : vendors;
  let first: Detection | undefined;
  let more: Detection[] | undefined;
  for (let i = 0; i < asked.length; i++) {
    const vendor = asked[i]!;
    const result = vendor.detect(body, headers);
    if (!result.match) continue;
    const event = findEvent(vendor, result.event);
    if (!event) continue;
    const found: Detection = { vendor, event, part: result.part, reason: result.reason };
    if (first === undefined) first = found;
    else (more ??= [first]).push(found);
  }
  if (more) return { ok: false, why: 'ambiguous', candidates: more };
  if (first) return { ok: true, vendor: first.vendor, event: first.event, part: first.part, reason: first.reason };
  // No match: ask again for the reasons (detection is pure), most resembling first.
  const nearMisses: NearMiss[] = [];
  const unknown: { vendor: VendorDefinition; event: string; reason: string }[] = [];
  for (const vendor of asked) {
    const result = vendor.detect(body, headers);
    if (result.match) continue;
    nearMisses.push({ vendor: vendor.id, resemblance: result.resemblance, reason: result.reason });
    if (result.unknownEvent !== undefined) unknown.push({ vendor, event: result.unknownEvent, reason: result.reason });
  }
  // Exactly one vendor's envelope (or signature header), with an event it does not list.
  if (unknown.length === 1) return { ok: false, why: 'unknown-event', ...unknown[0]! };
  nearMisses.sort((a, b) => b.resemblance - a.resemblance);
  return { ok: false, why: 'none', nearMisses };
}
