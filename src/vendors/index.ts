// The vendor registry: the one list every command reads. Adding a vendor means adding a module
// and its fixtures, and one line here.
import { bland } from './bland.js';
import { bluejay } from './bluejay.js';
import { elevenlabs } from './elevenlabs.js';
import { openai } from './openai.js';
import { relyable } from './relyable.js';
import { retell } from './retell.js';
import { smallest } from './smallest.js';
import { standardWebhooks } from './standard-webhooks.js';
import { synthflow } from './synthflow.js';
import { twilio } from './twilio.js';
import { vapi } from './vapi.js';
import type { EventDefinition, VendorDefinition } from './types.js';

// standard-webhooks is the fallback vendor (detection asks it last); its place here is for listings.
export const vendors: readonly VendorDefinition[] = [relyable, bluejay, smallest, synthflow, vapi, retell, elevenlabs, twilio, openai, bland, standardWebhooks];

/** Read for every vendor after its own variables (`VendorDefinition.secretEnv`). */
export const GENERIC_SECRET_ENV = 'HOOKSCOPE_SECRET';

/** Find a vendor by id or alias (case-insensitive). */
export function findVendor(idOrAlias: string): VendorDefinition | undefined {
  const key = idOrAlias.toLowerCase();
  return vendors.find((v) => v.id === key || v.aliases.includes(key));
}

/** A loop, not find() with a closure: detection and the listener call this for every payload. */
export function findEvent(vendor: VendorDefinition, name: string | undefined): EventDefinition | undefined {
  const events = vendor.events;
  for (let i = 0; i < events.length; i++) if (events[i]!.name === name) return events[i];
  return undefined;
}

export type { EventDefinition, VendorDefinition } from './types.js';
