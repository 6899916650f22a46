// Which vendor and event a body belongs to, decided by the vendor modules themselves.
import { findEvent, vendors as registry } from './index.js';
import type { BodyPart, DetectResult, EventDefinition, VendorDefinition } from './types.js';

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

type Headers = Record<string, string | undefined> | undefined;

/**
 * Ask every vendor (or only `only`) whether the body is theirs. Exactly one match is a verdict;
 * none returns the near misses, most resembling first, so the error can say why.
 *
 * Fallback vendors (`fallback: true`, Standard Webhooks) are asked last, and only when no other
 * vendor claims the body, by a match or as one of its unknown events: OpenAI's bodies carry the
 * same webhook-* headers and stay OpenAI's. A fallback vendor named with `only` takes the body by
 * its shape (`named`), headers or not: the user said whose it is.
 */
export function detect(body: unknown, headers?: Headers, only?: VendorDefinition, vendors: readonly VendorDefinition[] = registry): DetectOutcome {
  const asked = only ? [only] : vendors;
  // A named vendor is never held back for the others.
  const ordered = only === undefined;
  // One match is the common case: nothing is kept for explaining a miss until there is one.
  const found = matches(asked, body, headers, ordered, false);
  if (found) return found;
  // No match: ask again for the reasons (detection is pure), most resembling first.
  const nearMisses: NearMiss[] = [];
  const unknown: { vendor: VendorDefinition; event: string; reason: string }[] = [];
  let fallbacks = false;
  for (const vendor of asked) {
    if (ordered && vendor.fallback) {
      fallbacks = true;
      continue;
    }
    const result = vendor.detect(body, headers);
    if (result.match) continue;
    const named = only && result.named && findEvent(vendor, result.named.event);
    if (named) return { ok: true, vendor, event: named, part: result.named!.part, reason: `${result.reason}; taken as ${vendor.id} because it was named` };
    nearMisses.push(nearMiss(vendor, result));
    if (result.unknownEvent !== undefined) unknown.push({ vendor, event: result.unknownEvent, reason: result.reason });
  }
  // Exactly one vendor's envelope (or signature header), with an event it does not list.
  if (unknown.length === 1) return { ok: false, why: 'unknown-event', ...unknown[0]! };
  // Nobody claims the body: the vendors known by their headers alone may.
  if (fallbacks && unknown.length === 0) {
    const last = matches(asked, body, headers, true, true);
    if (last) return last;
    for (const vendor of asked) {
      if (!vendor.fallback) continue;
      const result = vendor.detect(body, headers);
      if (!result.match) nearMisses.push(nearMiss(vendor, result));
    }
  }
  nearMisses.sort((a, b) => b.resemblance - a.resemblance);
  return { ok: false, why: 'none', nearMisses };
}

/**
 * The one match, or ambiguity, among the vendors asked; undefined when none matches. `ordered`:
 * fallback vendors are asked apart, only when `fallbacks` (and the others only when not).
 */
function matches(asked: readonly VendorDefinition[], body: unknown, headers: Headers, ordered: boolean, fallbacks: boolean): DetectOutcome | undefined {
  let first: Detection | undefined;
  let more: Detection[] | undefined;
  for (let i = 0; i < asked.length; i++) {
    const vendor = asked[i]!;
    if (ordered && (vendor.fallback === true) !== fallbacks) continue;
    if (vendor.matchKeys !== undefined && !hasSomeKey(body, vendor.matchKeys)) continue;
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
  return undefined;
}

/** Whether the body is an object with one of the keys (a vendor whose `matchKeys` it lacks cannot match it). */
function hasSomeKey(body: unknown, keys: readonly string[]): boolean {
  if (typeof body !== 'object' || body === null) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i]! in body) return true;
  return false;
}

const nearMiss = (vendor: VendorDefinition, result: DetectResult & { match: false }): NearMiss => ({ vendor: vendor.id, resemblance: result.resemblance, reason: result.reason });
