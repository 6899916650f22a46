// The compiled "clean" predicate must agree with zod: true exactly when zod's safeParse succeeds
// (zod fails on warnings too, so "success" means no issue of any severity). It is checked on every
// fixture and on thousands of seeded mutants of them, and on small schemas for each construct.
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { isClean } from '../../src/schema/fast-check.js';
import { growingEnum } from '../../src/schema/kit.js';
import { allFixtures } from '../helpers/fixtures.js';
import { mutant, rng, schemaOf, takesAnyObject } from '../helpers/mutants.js';

describe('isClean agrees with zod', () => {
  const fixtures = allFixtures();

  it.each(fixtures.map((f) => [`${f.vendor} ${f.event} ${f.part}`, f] as const))('fixture %s is clean', (_, f) => {
    const schema = schemaOf(f.vendor, f.event, f.part);
    expect(schema.safeParse(f.body).success).toBe(true);
    expect(isClean(schema, f.body)).toBe(true);
  });

  it.each(fixtures.map((f) => [`${f.vendor} ${f.event} ${f.part}`, f] as const))('mutants of %s', (_, f) => {
    const schema = schemaOf(f.vendor, f.event, f.part);
    const rnd = rng(f.file.length * 7919 + f.text.length);
    let clean = 0;
    let dirty = 0;
    for (let i = 0; i < 400; i++) {
      const m = mutant(f.body, rnd);
      const zod = schema.safeParse(m).success;
      if (isClean(schema, m) !== zod) {
        throw new Error(`disagrees with zod (zod says ${zod ? 'clean' : 'not clean'}) on:\n${JSON.stringify(m)}`);
      }
      if (zod) clean++;
      else dirty++;
    }
    // Both verdicts must occur, or the comparison proved little (a schema that takes any object has no dirty mutants).
    if (!takesAnyObject(schema)) expect(dirty).toBeGreaterThan(100);
    else expect(dirty).toBe(0);
    expect(clean + dirty).toBe(400);
  });
});

describe('isClean on each construct', () => {
  const cases: [string, z.ZodType, unknown[]][] = [
    ['strict object', z.strictObject({ a: z.string(), b: z.number().optional() }), [{ a: 'x' }, { a: 'x', b: 1 }, { a: 'x', c: 1 }, { b: 1 }, { a: 1 }, [], null, { a: 'x', b: Infinity }, { a: 'x', b: undefined }]],
    ['plain object strips unknown keys', z.object({ a: z.string() }), [{ a: 'x', extra: 1 }, {}]],
    ['loose object (left to zod)', z.looseObject({ a: z.string() }), [{ a: 'x', extra: 1 }, {}]],
    ['catchall of a type: each unknown key checked, __proto__ passed over', z.object({ a: z.string() }).catchall(z.number()), [
      { a: 'x', n: 1 }, { a: 'x', n: 'y' }, { a: 'x' }, { a: 'x', n: undefined }, JSON.parse('{"a": "x", "__proto__": "y"}'),
    ]],
    ['unknown field is required unless optional', z.strictObject({ a: z.unknown() }), [{}, { a: undefined }, { a: null }]],
    ['nullable', z.string().nullable(), [null, 'x', undefined, 1]],
    ['union', z.union([z.string(), z.strictObject({ n: z.number() })]), ['x', { n: 1 }, { n: 'x' }, 1]],
    ['exclusive union (left to zod)', z.xor([z.string(), z.string().min(2)]), ['x', 'xy']],
    ['literal and enum', z.strictObject({ l: z.literal(['a', 1]), e: z.enum(['x', 'y']) }), [{ l: 'a', e: 'x' }, { l: 1, e: 'y' }, { l: 'b', e: 'x' }, { l: 'a', e: 'z' }]],
    ['record', z.record(z.string(), z.number()), [
      {}, { a: 1 }, { a: 'x' }, [], null,
      // The keys zod reads: an own __proto__ (JSON.parse makes one) and non-enumerable keys are
      // passed over; any symbol key fails a string key schema.
      JSON.parse('{"__proto__": "x", "a": 1}'),
      Object.defineProperty({ a: 1 }, 'hidden', { value: 'x', enumerable: false }),
      { a: 1, [Symbol('s')]: 2 },
      Object.assign(Object.create(null) as object, { a: 1 }),
      Object.assign(Object.create(null) as object, { a: 'x' }),
    ]],
    ['record with enum keys (left to zod)', z.record(z.enum(['a', 'b']), z.number()), [{ a: 1, b: 2 }, { a: 1 }]],
    ['array with checks', z.array(z.number().int()).min(1), [[], [1], [1.5], 'x']],
    ['formats', z.strictObject({ t: z.iso.datetime({ offset: true }), u: z.url(), id: z.uuid() }), [
      { t: '2026-11-23T10:00:00Z', u: 'https://a.example/x', id: '123e4567-e89b-42d3-a456-426614174000' },
      { t: '2026-11-23', u: 'https://a.example/x', id: '123e4567-e89b-42d3-a456-426614174000' },
      { t: '2026-11-23T10:00:00Z', u: 'not a url', id: '123e4567-e89b-42d3-a456-426614174000' },
      { t: '2026-11-23T10:00:00Z', u: 'https://a.example/x', id: 'nope' },
    ]],
    ['number bounds', z.number().min(0).max(1), [0, 1, 1.01, -0.1, NaN]],
    ['growing enum (a warning is an issue)', growingEnum(['a', 'b'], 'status'), ['a', 'c', 1]],
    ['a check that calls isClean again (the shared check payload is not reused while taken)', (() => {
      const inner = z.string().min(2);
      // The refinement runs first: a check after it must still see the value.
      return z.strictObject({ a: z.string().refine((v) => isClean(inner, v)).max(5), b: z.number().int() });
    })(), [{ a: 'xy', b: 1 }, { a: 'x', b: 1 }, { a: 'xy', b: 1.5 }, { a: 'xyzxyz', b: 1 }]],
    ['refinement on an object', z.strictObject({ a: z.number(), b: z.number() }).refine((o) => o.a < o.b), [{ a: 1, b: 2 }, { a: 2, b: 1 }]],
    ['transform and default (left to zod)', z.strictObject({ a: z.string().transform((s) => s.length), d: z.number().default(1) }), [{ a: 'x' }, { a: 1 }, { a: 'x', d: 'y' }]],
    ['trim (overwrite) and coercion (left to zod)', z.strictObject({ s: z.string().trim().min(1), n: z.coerce.number() }), [{ s: ' x ', n: '1' }, { s: '  ', n: 1 }]],
    ['recursive schema', (() => {
      const tree: z.ZodType = z.strictObject({ name: z.string(), get children() { return z.array(tree).optional(); } });
      return tree;
    })(), [{ name: 'a' }, { name: 'a', children: [{ name: 'b', children: [] }] }, { name: 'a', children: [{ name: 1 }] }]],
  ];
  it.each(cases)('%s', (_, schema, values) => {
    const verdicts = values.map((v) => isClean(schema, v));
    expect(verdicts).toEqual(values.map((v) => schema.safeParse(v).success));
    // Each case includes at least one clean and one not-clean value.
    expect(new Set(verdicts).size).toBe(2);
  });

  it('stops a check at its first issue: a refinement reporting per key does not build them all', () => {
    let reported = 0;
    const schema = z.record(z.string(), z.string()).superRefine((record, ctx) => {
      for (const key in record) {
        reported++;
        ctx.addIssue({ code: 'custom', path: [key], message: 'odd' });
      }
    });
    const body: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++) body[`k${i}`] = 'x';
    expect(isClean(schema, body)).toBe(false);
    expect(reported).toBe(1);
    // A check that swallows the stop and goes on is still not clean.
    const stubborn = z.string().superRefine((_v, ctx) => {
      try {
        ctx.addIssue({ code: 'custom', message: 'odd' });
      } catch {
        // carries on
      }
    });
    expect(isClean(stubborn, 'x')).toBe(false);
    expect(isClean(z.string().superRefine(() => {}), 'x')).toBe(true);
  });

  it('says false, never true, where it is unsure: zod then decides', () => {
    // A record given an object with a prototype of its own (never produced by JSON.parse).
    const schema = z.record(z.string(), z.number());
    const odd = Object.create({ inherited: 1 }) as Record<string, number>;
    odd.a = 1;
    expect(schema.safeParse(odd).success).toBe(true);
    expect(isClean(schema, odd)).toBe(false);
  });
});
