// "Would zod report nothing at all for this value?", answered without zod's parse machinery.
//
// `validate` spends most of its time in zod on payloads that are clean, and zod builds a parsed
// copy of every one of them. This module compiles a zod schema, once, into a plain predicate that
// is true only when zod would report no issue (no error and no warning: warnings are zod issues
// too). When it says false, the caller asks zod, whose issues carry the messages.
//
// It reads zod 4's schema definitions through `schema._zod.def`, which zod documents for library
// and tool authors ("zod/v4/core", the "Building on zod" guide): a public, documented surface, not
// an import of zod's internal files. It mirrors zod's parse rules for the constructs the vendor
// catalog uses. Anything else (transforms, pipes, lazy, coercion, exclusive unions, async checks, …) is
// delegated to zod's own `safeParse` for that node, and any value it is unsure about answers
// false. An unknown construct therefore costs speed, never a verdict. Checks (formats, lengths,
// refinements, growing enums) are zod's own check functions, run the way zod runs them.
// test/unit/fast-check.test.ts holds the predicate to zod on fixtures and thousands of mutants.
// src/schema/bounded-issues.ts walks the same definitions to find the issues of a body that is
// not clean; the pieces it shares are exported below the predicate's own API.
import type { z } from 'zod';

export type Predicate = (value: unknown) => boolean;

export interface Internals {
  def: Record<string, unknown> & { type: string; checks?: CheckNode[] };
  traits: Set<string>;
  optin?: string;
  optout?: string;
  values?: Set<unknown>;
  check?: (payload: Payload) => unknown;
}
export interface Node {
  _zod: Internals;
  safeParse(value: unknown): { success: boolean };
}
export interface CheckNode {
  _zod: { def: { check: string; when?: (payload: Payload) => boolean }; check: (payload: Payload) => unknown };
}
export interface Payload {
  value: unknown;
  issues: unknown[];
}

const compiled = new WeakMap<object, Predicate>();

/** True only if zod would parse `value` with `schema` and report no issue at all. */
export function isClean(schema: z.ZodType, value: unknown): boolean {
  return cleanPredicate(schema)(value);
}

/** The compiled predicate for a schema (compiled on first use, then cached). */
export function cleanPredicate(schema: z.ZodType): Predicate {
  return compile(schema as unknown as Node);
}

/** The compiled predicate of a schema node. */
export function compile(node: Node): Predicate {
  const known = compiled.get(node);
  if (known) return known;
  // Recursive schemas reach themselves while compiling: point at the slot until it is filled.
  let done: Predicate | undefined;
  compiled.set(node, (v) => done!(v));
  const base = baseOf(node);
  const checks = checksOf(node);
  done = base && checks ? withChecks(base, checks) : (v) => node.safeParse(v).success;
  compiled.set(node, done);
  return done;
}

/** The checks zod runs after the type's own parse, or undefined when one is not mirrored. */
export function checksOf(node: Node): CheckNode[] | undefined {
  const list: CheckNode[] = node._zod.traits.has('$ZodCheck') ? [node as unknown as CheckNode] : [];
  for (const check of node._zod.def.checks ?? []) list.push(check);
  // `overwrite` checks (trim, toLowerCase, …) change the value the later checks see.
  return list.some((c) => c._zod.def.check === 'overwrite' || typeof c._zod.check !== 'function') ? undefined : list;
}

/**
 * The issue list of the payload handed to zod's checks: the first issue answers the question, so
 * it stops the check there (a refinement that reports one issue per key of a million-key record
 * would otherwise build all million first: issue #13). `pushed` still says so if a check catches
 * the stop and carries on.
 */
class FirstIssue extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  pushed = false;

  override push(...items: unknown[]): number {
    if (items.length === 0) return 0;
    this.pushed = true;
    throw NOT_CLEAN;
  }
}

const NOT_CLEAN = new Error('not clean (thrown to stop a check at its first issue)');

/**
 * The payload handed to zod's checks, reused: a run checks thousands of values, and a fresh
 * object and array for each was a sixth of what validate allocated. Taken while in use, so a
 * check that somehow re-enters (a refinement calling isClean) gets a fresh one.
 */
let spare: { value: unknown; issues: FirstIssue } | undefined = { value: undefined, issues: new FirstIssue() };

function withChecks(base: Predicate, checks: CheckNode[]): Predicate {
  if (checks.length === 0) return base;
  return (value) => {
    if (!base(value)) return false;
    const payload = spare ?? { value, issues: new FirstIssue() };
    spare = undefined;
    payload.value = value;
    try {
      // Zod runs a check with `when` only if `when` says so, and one without only if nothing
      // failed before it; here nothing has failed, so the second kind always runs.
      // Indexed loops here and in the rules below: in the short runs validate makes, much of the
      // work happens before V8 optimises these functions, when for-of allocates an iterator.
      for (let i = 0; i < checks.length; i++) {
        const check = checks[i]!;
        const when = check._zod.def.when;
        if (when && !when(payload)) continue;
        if (check._zod.check(payload) instanceof Promise) return false;
        if (payload.issues.pushed) return false;
      }
      return true;
    } catch (err) {
      if (err === NOT_CLEAN) return false;
      throw err;
    } finally {
      payload.value = undefined;
      payload.issues.pushed = false;
      spare = payload;
    }
  };
}

/** The type's own parse rule, or undefined when it is not mirrored (zod decides instead). */
function baseOf(node: Node): Predicate | undefined {
  const { def } = node._zod;
  if (def.coerce) return undefined;
  const leaf = leafCode(node);
  if (leaf !== 0) return (v) => leafTest(leaf, v);
  switch (def.type) {
    // With checks (a leaf with none was handled above): the type test here, the checks in withChecks.
    case 'string':
      return (v) => leafTest(STRING, v);
    case 'number':
      return (v) => leafTest(NUMBER, v);
    case 'boolean':
      return (v) => leafTest(BOOLEAN, v);
    case 'unknown':
    case 'any':
      return () => true;
    case 'null':
      return (v) => v === null;
    case 'never':
      return () => false;
    case 'literal':
    case 'enum': {
      const values = node._zod.values;
      return values ? (v) => values.has(v) : undefined;
    }
    case 'optional': {
      const innerNode = plainOptionalInner(node);
      if (!innerNode) return undefined;
      const inner = compile(innerNode);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = compile(def.innerType as Node);
      return (v) => v === null || inner(v);
    }
    case 'array': {
      const element = compile(def.element as Node);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'object':
      return objectRule(def);
    case 'record':
      return recordRule(def);
    case 'union': {
      if (def.inclusive === false) return undefined;
      const options = (def.options as Node[]).map(compile);
      return (v) => {
        for (let i = 0; i < options.length; i++) if (options[i]!(v)) return true;
        return false;
      };
    }
    default:
      return undefined;
  }
}

/**
 * Leaves, as a code the object rule tests inline, without a call per member (most members are
 * plain strings, numbers or booleans, maybe nullable or optional). The one place these types'
 * rules live. Bits: the base type, then whether null and undefined are accepted; 0 = not a
 * plain leaf (it has checks, coerces, or is another type).
 */
const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 3;
const ANY = 4;
const NULL_OK = 8;
const UNDEFINED_OK = 16;

export function leafCode(node: Node): number {
  const { def, traits } = node._zod;
  if (def.coerce || (def.checks?.length ?? 0) > 0 || traits.has('$ZodCheck')) return 0;
  switch (def.type) {
    case 'string':
      return STRING;
    case 'number':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'unknown':
    case 'any':
      return ANY;
    case 'nullable': {
      const inner = leafCode(def.innerType as Node);
      return inner === 0 ? 0 : inner | NULL_OK;
    }
    case 'optional': {
      const innerNode = plainOptionalInner(node);
      const inner = innerNode ? leafCode(innerNode) : 0;
      return inner === 0 ? 0 : inner | UNDEFINED_OK;
    }
    default:
      return 0;
  }
}

function leafTest(code: number, v: unknown): boolean {
  if (v === null) return (code & NULL_OK) !== 0 || (code & 7) === ANY;
  if (v === undefined) return (code & UNDEFINED_OK) !== 0 || (code & 7) === ANY;
  switch (code & 7) {
    case STRING:
      return typeof v === 'string';
    case NUMBER:
      // zod 4 refuses NaN and ±Infinity.
      return typeof v === 'number' && Number.isFinite(v);
    case BOOLEAN:
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/** The inner schema of an optional whose rule is "undefined, or the inner one"; else undefined. */
export function plainOptionalInner(node: Node): Node | undefined {
  const { def, traits } = node._zod;
  const inner = def.innerType as Node;
  return traits.has('$ZodOptional') && !traits.has('$ZodExactOptional') && inner._zod.optin !== 'defaulted' ? inner : undefined;
}

interface Field {
  key: string;
  /** What zod's handlePropertyResult makes of an absent key (see objectRule). */
  absent: 'ok' | 'check' | 'fail';
  /** leafCode of the member, tested inline; 0: call `pred`. */
  leaf: number;
  pred: Predicate;
}

/** Shape keys by their rule when absent; then what to do with keys outside the shape. */
function objectRule(def: Internals['def']): Predicate | undefined {
  const shape = def.shape as Record<string, Node>;
  const fields: Field[] = Object.keys(shape).map((key) => {
    const node = shape[key]!;
    const { optin, optout } = node._zod;
    // Absent keys are skipped when the schema is optional in and out; otherwise the schema must
    // be optional in and accept undefined.
    const absent = optin === undefined ? 'fail' : optout === 'optional' ? 'ok' : 'check';
    return { key, absent, leaf: leafCode(node), pred: compile(node) };
  });
  if (fields.some((f) => f.key === '__proto__')) return undefined;
  const keys = new Set(fields.map((f) => f.key));
  const catchall = def.catchall as Node | undefined;
  // No catchall: unknown keys are stripped silently. `never`: any unknown key is an issue. Another
  // catchall (looseObject's `unknown`, Vapi's artifact messages) checks each unknown key's value
  // as zod's handleCatchall does: every key for-in yields, but `__proto__`, skipped.
  const extra = catchall === undefined ? 'ignore' : catchall._zod.def.type === 'never' ? 'refuse' : (leafCode(catchall) & 7) === ANY ? 'ignore' : 'check';
  const rest = extra === 'check' ? compile(catchall!) : undefined;
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const value = o[f.key];
      if (value !== undefined || f.key in o) {
        if (f.leaf !== 0 ? !leafTest(f.leaf, value) : !f.pred(value)) return false;
      } else if (f.absent === 'fail' || (f.absent === 'check' && !f.pred(undefined))) {
        return false;
      }
    }
    if (extra === 'refuse') for (const key in o) if (!keys.has(key)) return false;
    if (rest) for (const key in o) if (!keys.has(key) && key !== '__proto__' && !rest(o[key])) return false;
    return true;
  };
}

/** Records keyed by plain strings only; other key schemas are left to zod. */
function recordRule(def: Internals['def']): Predicate | undefined {
  if (!isPlainStringKey(def.keyType as Node)) return undefined;
  const value = compile(def.valueType as Node);
  return (v) => {
    if (!isPlainObject(v)) return false;
    const o = v as Record<PropertyKey, unknown>;
    // Own enumerable string keys, as zod reads them, without an array of all keys per record.
    // (for-in also walks inherited keys; a plain object has none unless Object.prototype was
    // given enumerable ones, and those are skipped.) A symbol key leaves the verdict to zod.
    for (const key in o) {
      if (key === '__proto__' || !Object.prototype.hasOwnProperty.call(o, key)) continue;
      if (!value(o[key])) return false;
    }
    return Object.getOwnPropertySymbols(o).length === 0;
  };
}

/** A record key schema that accepts every string as it is (the only kind mirrored). */
export function isPlainStringKey(keyNode: Node): boolean {
  const k = keyNode._zod;
  return k.def.type === 'string' && !k.def.coerce && (k.def.checks?.length ?? 0) === 0 && !k.traits.has('$ZodCheck') && !k.values;
}

/** Plain objects as zod's records accept them; when in doubt, false (zod then decides). */
export function isPlainObject(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
