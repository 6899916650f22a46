// boundedIssues must report what zod's safeParse reports, issue for issue (order, paths, messages),
// keep only the first `limit` hookscope issues and count the rest exactly, by severity. Checked on
// every fixture and thousands of seeded mutants, on each construct, and on crafted bodies whose
// issues run into the millions (issue #13).
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { boundedIssues } from '../../src/schema/bounded-issues.js';
import { issueCount, isWarning } from '../../src/schema/issues.js';
import { growingEnum, WARNING } from '../../src/schema/kit.js';
import { allFixtures } from '../helpers/fixtures.js';
import { mutant, rng, schemaOf, takesAnyObject } from '../helpers/mutants.js';

type ZodIssue = z.core.$ZodIssue;

/** zod's issues as hookscope counts them: [issue, units, warning]. */
function reference(schema: z.ZodType, value: unknown): ZodIssue[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues;
}

/**
 * What boundedIssues must give for `limit`: zod's issues up to `limit` hookscope issues (an
 * unknown-keys issue cut to the keys that fit) and the counts of the rest.
 */
function expected(all: ZodIssue[], limit: number) {
  const issues: unknown[] = [];
  let room = limit;
  let omitted = 0;
  let omittedErrors = 0;
  for (const issue of all) {
    const units = issueCount(issue);
    const kept = Math.min(units, room);
    if (kept > 0) issues.push(kept < units ? { ...issue, keys: (issue as { keys: string[] }).keys.slice(0, kept) } : issue);
    room -= kept;
    omitted += units - kept;
    if (!isWarning(issue)) omittedErrors += units - kept;
  }
  return { issues, omitted, omittedErrors };
}

/**
 * Under a limit, a union's issue keeps only the first two issues of each option (all fromZodIssue
 * reads), and an unknown-keys issue cut to the keys that fit has zod's message for those keys.
 */
const withoutUnionDetail = (issues: unknown[]) =>
  issues.map((i) => {
    const issue = i as { code: string };
    if (issue.code === 'invalid_union') return { ...issue, errors: '(options)' };
    if (issue.code === 'unrecognized_keys') return { ...issue, message: '(keys)' };
    return issue;
  });

function agrees(schema: z.ZodType, value: unknown): void {
  const all = reference(schema, value);
  expect(boundedIssues(schema, value, Infinity)).toEqual({ issues: all, omitted: 0, omittedErrors: 0 });
  const total = all.reduce((n, i) => n + issueCount(i), 0);
  for (const limit of [0, 1, Math.floor(total / 2), total - 1]) {
    if (limit < 0) continue;
    const got = boundedIssues(schema, value, limit);
    const want = expected(all, limit);
    expect({ ...got, issues: withoutUnionDetail(got.issues) }).toEqual({ ...want, issues: withoutUnionDetail(want.issues) });
  }
}

describe('boundedIssues agrees with zod', () => {
  const fixtures = allFixtures();

  it.each(fixtures.map((f) => [`${f.vendor} ${f.event} ${f.part}`, f] as const))('mutants of %s', (_, f) => {
    const schema = schemaOf(f.vendor, f.event, f.part);
    const rnd = rng(f.file.length * 104729 + f.text.length);
    let dirty = 0;
    for (let i = 0; i < 300; i++) {
      const m = mutant(f.body, rnd);
      if (schema.safeParse(m).success) continue;
      dirty++;
      try {
        agrees(schema, m);
      } catch (err) {
        throw new Error(`disagrees with zod on:\n${JSON.stringify(m)}\n${(err as Error).message}`);
      }
    }
    // A schema that takes any object has no dirty mutants to compare.
    if (!takesAnyObject(schema)) expect(dirty).toBeGreaterThan(100);
    else expect(dirty).toBe(0);
  });

  const cases: [string, z.ZodType, unknown[]][] = [
    ['strict object: missing, wrong, unknown', z.strictObject({ a: z.string(), b: z.number().optional(), c: z.unknown() }), [{}, { a: 1, b: 'x', c: 1, d: 1, e: 2 }, [], null, 'x', { a: 'x', c: undefined, __proto__: 1 }]],
    ['plain object strips unknown keys', z.object({ a: z.string() }), [{ a: 1, extra: 1 }, {}]],
    ['loose object (zod decides)', z.looseObject({ a: z.string() }), [{ a: 1, extra: 1 }, {}]],
    ['nullable and optional', z.strictObject({ n: z.string().nullable(), o: z.number().optional(), no: z.string().nullable().optional() }), [{ n: 1, o: 'x', no: 2 }, {}]],
    ['array with element errors', z.array(z.strictObject({ id: z.int() })), [[{ id: 1.5 }, { id: 'x', more: 1 }, 3], 'x']],
    ['array with size checks', z.array(z.number()).min(2).max(3), [[], ['x'], [1, 'x', 3, 4], ['a', 'b', 'c', 'd', 'e']]],
    ['record of objects', z.record(z.string(), z.strictObject({ v: z.boolean() })), [{ a: { v: 1 }, b: {}, c: { v: true, w: 1 } }, [], null, JSON.parse('{"__proto__": 1, "a": 2}')]],
    ['record with a refinement reporting per key', z.record(z.string(), z.string()).superRefine((r, ctx) => {
      for (const [k, v] of Object.entries(r)) if (v !== 'ok') ctx.addIssue({ code: 'custom', path: [k], message: `${k} is ${v}`, params: k.startsWith('w') ? WARNING : {} });
    }), [{ a: 'x', w1: 'y', b: 'ok' }, { a: 1, w: 'y' }]],
    ['union of scalars', z.union([z.int(), z.string(), z.boolean()]), [null, 1.5, {}]],
    ['union passing on one option\'s warnings', z.union([z.strictObject({ value: z.unknown(), collected: z.boolean() }), z.record(z.string(), z.strictObject({ value: z.unknown(), collected: z.boolean() }))]), [
      { value: 1, collected: true, extra: 1 },
      { a: { value: 1, collected: 'no' } },
      { a: { value: 1, collected: true, extra: 2 }, b: 3 },
    ]],
    ['literal and enum', z.strictObject({ l: z.literal('a'), e: z.enum(['x', 'y']) }), [{ l: 'b', e: 'z' }, { l: 1 }]],
    ['formats and checks on leaves', z.strictObject({ t: z.iso.datetime({ offset: true }), u: z.url(), n: z.number().min(0).max(1), s: z.string().min(1) }), [
      { t: 'x', u: 'nope', n: 2, s: '' },
      { t: 1, u: null, n: 'x', s: [] },
    ]],
    ['growing enum: a warning', z.strictObject({ status: growingEnum(['a', 'b'], 'status'), list: z.array(growingEnum(['a'], 'item')) }), [{ status: 'c', list: ['a', 'b', 'c', 1] }]],
    ['refinement on an object, after continuable issues only', z.strictObject({ a: z.number(), b: z.number() }).refine((o) => o.a < o.b, 'a must be below b'), [{ a: 2, b: 1, extra: 1 }, { a: 'x', b: 1 }]],
    ['refinement with `when` runs despite aborting issues', z.strictObject({ a: z.string(), b: z.string() }).superRefine((o, ctx) => ctx.addIssue({ code: 'custom', message: 'always', path: ['b'] }), { when: (p) => typeof p.value === 'object' }), [{ a: 1, b: 1 }]],
    ['transform and default (zod decides)', z.strictObject({ a: z.string().transform((s) => s.length), d: z.number().default(1) }), [{ a: 1, d: 'x' }]],
    ['recursive schema', (() => {
      const tree: z.ZodType = z.strictObject({ name: z.string(), get children() { return z.array(tree).optional(); } });
      return tree;
    })(), [{ name: 1, children: [{ name: 'b', children: [{ name: 2, x: 1 }] }] }]],
  ];
  it.each(cases)('%s', (_, schema, values) => {
    for (const value of values) agrees(schema, value);
  });
});

describe('boundedIssues on crafted bodies', () => {
  it('keeps the first issues of a million failing items and counts the rest, quickly', () => {
    const schema = z.strictObject({ list: z.array(z.string()) });
    const body = { list: new Array<number>(1_000_000).fill(1) };
    const started = process.cpuUsage();
    const found = boundedIssues(schema, body, 100);
    const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
    expect(found.issues).toHaveLength(100);
    expect(found.issues[99]).toMatchObject({ code: 'invalid_type', expected: 'string', path: ['list', 99] });
    expect(found.omitted).toBe(999_900);
    expect(found.omittedErrors).toBe(999_900);
    // zod alone takes seconds and a gigabyte here; this is a sanity bound, not a benchmark.
    expect(cpuMs).toBeLessThan(5000);
  });

  it('lists only the unknown keys that fit, and counts them all as warnings', () => {
    const schema = z.strictObject({ a: z.number() });
    const body: Record<string, number> = { a: 1 };
    for (let i = 0; i < 100_000; i++) body[`u${i}`] = i;
    const found = boundedIssues(schema, body, 10);
    expect(found.issues).toHaveLength(1);
    expect(found.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9'] });
    expect(found).toMatchObject({ omitted: 99_990, omittedErrors: 0 });
  });

  it('counts a refinement\'s issues as they come: one error among 100,000 warnings past the cap', () => {
    const schema = z.record(z.string(), z.string()).superRefine((r, ctx) => {
      for (const [k, v] of Object.entries(r)) ctx.addIssue({ code: 'custom', path: [k], message: `odd ${v}`, params: v === 'bad' ? {} : WARNING });
    });
    const body: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++) body[`k${i}`] = 'x';
    body.last = 'bad';
    const found = boundedIssues(schema, body, 5);
    expect(found.issues.map((i) => i.path)).toEqual([['k0'], ['k1'], ['k2'], ['k3'], ['k4']]);
    expect(found).toMatchObject({ omitted: 99_996, omittedErrors: 1 });
  });
});
