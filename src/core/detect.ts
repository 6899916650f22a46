// Which vendor and event a body belongs to, decided by the vendor modules themselves.
import { vendors as registry } from '../vendors/index.js';
import type { BodyPart, EventDefinition, VendorDefinition } from '../vendors/types.js';

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
  | { ok: false; why: 'ambiguous'; candidates: Detection[] };

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
  const matches: Detection[] = [];
  const nearMisses: NearMiss[] = [];
  for (const vendor of only ? [only] : vendors) {
    const result = vendor.detect(body, headers);
    if (result.match) {
      const event = vendor.events.find((e) => e.name === result.event);
      if (event) matches.push({ vendor, event, part: result.part, reason: result.reason });
    } else {
      nearMisses.push({ vendor: vendor.id, resemblance: result.resemblance, reason: result.reason });
    }
  }
  if (matches.length === 1) return { ok: true, ...matches[0]! };
  if (matches.length > 1) return { ok: false, why: 'ambiguous', candidates: matches };
  nearMisses.sort((a, b) => b.resemblance - a.resemblance);
  return { ok: false, why: 'none', nearMisses };
}
