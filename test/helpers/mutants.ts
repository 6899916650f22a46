// Seeded mutants of the fixtures, for holding the compiled schema walks (fast-check.ts,
// bounded-issues.ts) to zod: the same mutants on every run.
import { vendors } from '../../src/vendors/index.js';
import { clone } from './fixtures.js';
// The benchmark's seeded generator.
export { mulberry32 as rng } from '../../bench/gen-payloads.js';

/** Every place a value sits: [container, key] pairs, found without recursion limits. */
function slots(root: unknown): [Record<string | number, unknown>, string | number][] {
  const out: [Record<string | number, unknown>, string | number][] = [];
  const stack = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const k of keys) {
      out.push([v as Record<string | number, unknown>, k]);
      stack.push((v as Record<string | number, unknown>)[k]);
    }
  }
  return out;
}

const REPLACEMENTS: unknown[] = [
  null, 0, -1, 1.5, 2, '', 'x', 'not a date', '2026-11-23T10:00:00Z', 'https://example.com/x', '+15551234567',
  'completed', 'agent', 'user', true, false, [], {}, [1], { a: 1 },
];

/** One random edit: replace a value, delete a key, add an unknown key, or empty an array. */
export function mutate(body: unknown, rnd: () => number): unknown {
  const copy = clone(body);
  const places = slots(copy);
  if (places.length === 0) return copy;
  const [container, key] = places[Math.floor(rnd() * places.length)]!;
  const roll = rnd();
  if (roll < 0.5) container[key] = REPLACEMENTS[Math.floor(rnd() * REPLACEMENTS.length)];
  else if (roll < 0.7 && !Array.isArray(container)) delete container[key];
  else if (roll < 0.85 && !Array.isArray(container)) container[`extra_${Math.floor(rnd() * 3)}`] = 1;
  else if (Array.isArray(container[key])) (container[key] as unknown[]).length = 0;
  else container[key] = clone(container[Object.keys(container)[0] as string]);
  return copy;
}

/** One to three edits, so that some mutants stay clean (e.g. an optional key removed). */
export function mutant(body: unknown, rnd: () => number): unknown {
  let m: unknown = body;
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) m = mutate(m, rnd);
  return m;
}

export const schemaOf = (vendor: string, event: string, part: string) => {
  const e = vendors.find((v) => v.id === vendor)!.events.find((x) => x.name === event)!;
  return part === 'reply' ? e.reply!.schema : e.schema;
};

/**
 * A schema that takes any object (standard-webhooks `message`): mutants never change the
 * top-level type, so none is dirty, and agreeing with zod is all there is to check.
 */
export const takesAnyObject = (schema: { safeParse(v: unknown): { success: boolean } }) => schema.safeParse({}).success && schema.safeParse({ a: [1, { b: null }] }).success;
