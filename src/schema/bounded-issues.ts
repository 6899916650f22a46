// The issues of a body that is not clean, bounded: the first `limit` exactly as zod's safeParse
// reports them (same order, paths and messages), and how many more there are, by severity,
// without zod ever holding them all.
//
// Why: zod keeps every issue it finds, one per failing item, at ~700 bytes and ~5 µs each. A
// 10 MB array of wrong items made 5 million issues: 25 s, 3.4 GB, and `listen` ran out of memory
// (issue #13). This walk follows zod's parse order over the constructs fast-check.ts mirrors
// (objects, arrays, records, unions, optional, nullable), skips clean subtrees with the compiled
// predicates, and asks zod only about the smallest failing parts (a leaf, or a construct it does
// not mirror). Past the limit it counts instead of keeping: a failing plain leaf is one error
// without asking zod, and a refinement's issues go to a sink that counts them as they come.
//
// It reads zod's documented internals as fast-check.ts does (`_zod.def`, a check's `_zod.check`),
// runs a node with `_zod.run` and finalizes an issue with `z.core.util.finalizeIssue`: the two
// steps of zod's own safeParse (zod/v4/core parse.js). test/unit/bounded-issues.test.ts holds it
// to safeParse, issue for issue, on every fixture, thousands of mutants and each construct.
import type * as z from 'zod';
// Named imports from zod's core (its entry for tool authors), not `z.core`: reading the `core`
// namespace off zod's main entry makes the bundle keep all of zod's ~60 locales (361 KB that
// every command using a schema would compile at start).
import { $ZodAsyncError, config, util } from 'zod/v4/core';
import { linkPath, linkSegments, type PathLink } from '../json/display.js';
import { checksOf, compile, isPlainObject, isPlainStringKey, plainOptionalInner, type CheckNode, type Node, type Payload, type Predicate } from './fast-check.js';
import { issueCount, isWarning } from './issues.js';

export interface BoundedIssues {
  /** zod's first issues, finalized as safeParse finalizes them; fromZodIssue makes at most `limit` hookscope issues of them. */
  issues: z.core.$ZodIssue[];
  /** Hookscope issues found beyond those (an unknown key is one). */
  omitted: number;
  /** How many of the omitted are errors (the rest are warnings). */
  omittedErrors: number;
}

/**
 * zod's issues for `value`, the first `limit` kept. Meant for a value the schema does not accept
 * cleanly (isClean said so): it does not ask the predicate again.
 */
export function boundedIssues(schema: z.ZodType, value: unknown, limit: number): BoundedIssues {
  const walk = new Walk(Math.max(0, limit));
  collectorOf(schema as unknown as Node)(value, null, walk);
  return { issues: walk.kept, omitted: walk.omitted, omittedErrors: walk.omittedErrors };
}

// What a walk step reports to its parent, as zod's parents read a child's payload.
/** Some issue has `continue !== true` (util.aborted): later checks without `when` are skipped. */
const ABORTED = 1;
/** Some issue has `continue === false` (util.explicitlyAborted): checks with `when` are skipped too. */
const EXPLICIT = 2;

type RawIssue = z.core.$ZodRawIssue & { continue?: boolean; path?: PropertyKey[] };
type RunnableNode = Node & { _zod: { run(payload: Payload, ctx: object): Payload & { aborted?: boolean } } };

/** The parse context zod's safeParse uses (and finalizes with). */
const CTX = { async: false };

function flagsOf(issue: RawIssue): number {
  return issue.continue === true ? 0 : issue.continue === false ? ABORTED | EXPLICIT : ABORTED;
}

/** Issues kept so far (paths from this walk's root) and those only counted. */
class Walk {
  readonly kept: z.core.$ZodIssue[] = [];
  /** Hookscope issues the kept ones make. */
  units = 0;
  omitted = 0;
  omittedErrors = 0;

  constructor(readonly limit: number) {}

  /** Nothing more will be kept: paths need not be built. */
  get full(): boolean {
    return this.units >= this.limit;
  }

  /** Issues found so far, kept or not. */
  get found(): number {
    return this.units + this.omitted;
  }

  /** Take a raw issue found at `at`; `units` is issueCount, given when `keys` holds only the first ones. */
  add(issue: RawIssue, at: PathLink | null, units = issueCount(issue)): void {
    const room = this.limit - this.units;
    if (room <= 0) {
      this.omit(issue, units);
      return;
    }
    if (units > room) {
      this.omit(issue, units - room);
      issue = { ...issue, keys: (issue as { keys: string[] }).keys.slice(0, room) } as RawIssue;
      units = room;
    }
    this.keep(util.finalizeIssue(issue, CTX, config()), at, units);
  }

  /** Take the findings of a walk that started at `at` (a union's option). */
  merge(sub: Walk, at: PathLink | null): void {
    for (const issue of sub.kept) {
      const units = issueCount(issue);
      const room = this.limit - this.units;
      if (units <= room) {
        this.keep(issue, at, units);
      } else {
        this.omit(issue, units - room);
        if (room > 0) this.keep({ ...issue, keys: (issue as { keys: string[] }).keys.slice(0, room) } as z.core.$ZodIssue, at, room);
      }
    }
    this.omitted += sub.omitted;
    this.omittedErrors += sub.omittedErrors;
  }

  omit(issue: { code?: string; params?: unknown }, units: number): void {
    this.omitted += units;
    if (!isWarning(issue)) this.omittedErrors += units;
  }

  private keep(issue: z.core.$ZodIssue, at: PathLink | null, units: number): void {
    if (at !== null) (issue as { path: PropertyKey[] }).path = [...linkSegments(at), ...issue.path];
    this.kept.push(issue);
    this.units += units;
  }
}

/**
 * Walks a value with its node, adding zod's issues to the walk; returns ABORTED/EXPLICIT flags.
 * A clean value adds nothing (every collector is right on any value), but clean values are
 * usually skipped before: see Child.
 */
type Collector = (value: unknown, at: PathLink | null, walk: Walk) => number;

const collectors = new WeakMap<object, Collector>();
/** Containers with checks (refinements), and wrappers of them: see Child. */
const unguarded = new WeakSet<object>();

function collectorOf(node: Node): Collector {
  const known = collectors.get(node);
  if (known) return known;
  // Recursive schemas reach themselves while compiling: point at the slot until it is filled.
  let done: Collector | undefined;
  collectors.set(node, (v, at, walk) => done!(v, at, walk));
  done = structural(node) ?? delegate(node);
  collectors.set(node, done);
  return done;
}

/**
 * A child schema as its parent walks it: a value its compiled predicate calls clean is skipped
 * (the fast way past clean subtrees), except for a container with checks, which is walked at
 * once: its checks may be a vendor's refinement over a million keys, and the predicate would run
 * them a second time.
 */
interface Child {
  guard: Predicate | null;
  collect: Collector;
}

function childOf(node: Node): Child {
  const collect = collectorOf(node);
  return { guard: unguarded.has(node) ? null : compile(node), collect };
}

/** A child step; its path link is made only while issues are kept. */
function step(child: Child, value: unknown, at: PathLink | null, seg: string | number, walk: Walk): number {
  if (child.guard !== null && child.guard(value)) return 0;
  return child.collect(value, walk.full ? null : linkPath(at, seg), walk);
}

/** zod on this node alone: its issues, finalized while there is room, counted past it. */
function delegate(node: Node): Collector {
  const run = (node as RunnableNode)._zod;
  return (v, at, walk) => {
    const result = run.run({ value: v, issues: [] }, CTX);
    if (result instanceof Promise) throw new $ZodAsyncError();
    let flags = result.aborted === true ? ABORTED : 0;
    for (const issue of result.issues as RawIssue[]) {
      flags |= flagsOf(issue);
      walk.add(issue, at);
    }
    return flags;
  };
}

/** The walk of a construct fast-check mirrors, or undefined (zod then takes the whole node). */
function structural(node: Node): Collector | undefined {
  const { def } = node._zod;
  const checks = checksOf(node);
  if (def.coerce || checks === undefined) return undefined;
  const container = def.type === 'object' ? objectWalk(node, checks) : def.type === 'array' ? arrayWalk(node, checks) : def.type === 'record' ? recordWalk(node, checks) : undefined;
  if (container !== undefined) {
    if (checks.length > 0) unguarded.add(node);
    return container;
  }
  switch (def.type) {
    case 'union': {
      const options = def.options as Node[];
      if (def.inclusive === false || checks.length > 0) return undefined;
      return options.length === 1 ? collectorOf(options[0]!) : unionWalk(node, options);
    }
    // undefined (optional) and null (nullable) are theirs; any other value is the inner schema's,
    // whose issues are reported into the same payload.
    case 'optional': {
      const inner = plainOptionalInner(node);
      return inner && checks.length === 0 ? wrapper(node, inner, undefined) : undefined;
    }
    case 'nullable':
      return checks.length === 0 ? wrapper(node, def.innerType as Node, null) : undefined;
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
    case 'never':
    case 'literal':
    case 'enum':
      return checks.length === 0 ? plainLeaf(node) : undefined;
    default:
      return undefined;
  }
}

function wrapper(node: Node, innerNode: Node, own: undefined | null): Collector {
  const inner = childOf(innerNode);
  if (inner.guard === null) unguarded.add(node);
  return (v, at, walk) => (v === own || (inner.guard !== null && inner.guard(v)) ? 0 : inner.collect(v, at, walk));
}

/** A type without checks fails with exactly one issue: past the limit, one error, zod not asked. */
function plainLeaf(node: Node): Collector {
  const ask = delegate(node);
  const clean = compile(node);
  return (v, at, walk) => {
    if (!walk.full) return ask(v, at, walk);
    if (clean(v)) return 0;
    walk.omitted++;
    walk.omittedErrors++;
    return ABORTED;
  };
}

interface FieldWalk extends Child {
  key: string;
  /** Absent and optional in and out: zod reports nothing (handlePropertyResult). */
  absentOk: boolean;
  /** Not optional in: absent with no issue of its own is a `nonoptional` issue. */
  required: boolean;
}

/** zod's object parse: shape keys in order, then unknown keys (strict), then the checks. */
function objectWalk(node: Node, checks: CheckNode[]): Collector | undefined {
  const { def } = node._zod;
  const shape = def.shape as Record<string, Node>;
  const keys = Object.keys(shape);
  const catchall = def.catchall as Node | undefined;
  const strict = catchall !== undefined && catchall._zod.def.type === 'never';
  if (keys.includes('__proto__') || (catchall !== undefined && !strict)) return undefined;
  const fields: FieldWalk[] = keys.map((key) => {
    const field = shape[key]!;
    const { optin, optout } = field._zod;
    return { key, absentOk: optin !== undefined && optout === 'optional', required: optin === undefined, ...childOf(field) };
  });
  const known = new Set(keys);
  const notAnObject = delegate(node);
  return (v, at, walk) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return notAnObject(v, at, walk);
    const o = v as Record<string, unknown>;
    let flags = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const present = f.key in o;
      if (!present && f.absentOk) continue;
      const before = walk.found;
      flags |= step(f, o[f.key], at, f.key, walk);
      if (!present && f.required && walk.found === before) {
        walk.add({ code: 'invalid_type', expected: 'nonoptional', input: undefined, path: [f.key] } as RawIssue, at);
        flags |= ABORTED;
      }
    }
    if (strict) {
      // One issue listing them all; only the keys that fit are listed, all are counted.
      const room = walk.limit - walk.units;
      const listed: string[] = [];
      let count = 0;
      for (const key in o) {
        if (known.has(key)) continue;
        if (++count <= room) listed.push(key);
      }
      if (count > 0) walk.add({ code: 'unrecognized_keys', keys: listed, input: o, inst: node, continue: true } as unknown as RawIssue, at, count);
    }
    if (checks.length === 0) return flags;
    // zod's checks see the parsed object: the shape's keys that are present.
    const parsed: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) if (fields[i]!.key in o) parsed[fields[i]!.key] = o[fields[i]!.key];
    return runChecks(node, checks, parsed, flags, at, walk);
  };
}

function arrayWalk(node: Node, checks: CheckNode[]): Collector {
  const element = childOf(node._zod.def.element as Node);
  const asZod = delegate(node);
  const caps = sizeCaps(checks);
  return (v, at, walk) => {
    // zod answers an oversized array with its size check alone, parsing no item (capSize).
    if (!Array.isArray(v) || isCapped(caps, v)) return asZod(v, at, walk);
    let flags = 0;
    for (let i = 0; i < v.length; i++) flags |= step(element, v[i], at, i, walk);
    return checks.length === 0 ? flags : runChecks(node, checks, v, flags, at, walk);
  };
}

/** The leading size checks with an upper bound (zod's util.sizeCaps): [max, check]. */
function sizeCaps(checks: CheckNode[]): [number, CheckNode][] {
  const caps: [number, CheckNode][] = [];
  for (const check of checks) {
    const d = check._zod.def as { check: string; maximum?: number; length?: number; size?: number };
    if (!/_(length|size)$|_equals$/.test(d.check)) break;
    const max = d.maximum ?? d.length ?? d.size;
    if (max !== undefined && max >= 0) caps.push([max, check]);
  }
  return caps;
}

function isCapped(caps: [number, CheckNode][], v: unknown[]): boolean {
  for (const [max, check] of caps) if (v.length > max && (check._zod.def.when?.({ value: v, issues: [] }) ?? true)) return true;
  return false;
}

/** Records with plain string keys, own enumerable keys in zod's order (for-in order for own keys). */
function recordWalk(node: Node, checks: CheckNode[]): Collector | undefined {
  const { def } = node._zod;
  if (!isPlainStringKey(def.keyType as Node)) return undefined;
  const value = childOf(def.valueType as Node);
  const asZod = delegate(node);
  return (v, at, walk) => {
    // Anything unusual (not a plain object, symbol keys, an own __proto__ the checks would not
    // see) is left to zod: JSON.parse makes none of it except the last, and that rarely.
    if (!isPlainObject(v) || Object.getOwnPropertySymbols(v).length > 0 || (checks.length > 0 && Object.hasOwn(v as object, '__proto__'))) return asZod(v, at, walk);
    const o = v as Record<string, unknown>;
    let flags = 0;
    for (const key in o) {
      if (key === '__proto__' || !Object.hasOwn(o, key)) continue;
      flags |= step(value, o[key], at, key, walk);
    }
    return checks.length === 0 ? flags : runChecks(node, checks, o, flags, at, walk);
  };
}

/**
 * zod's inclusive union (handleUnionResults): when no option is clean, the one option whose
 * issues do not abort passes them on; otherwise one invalid_union issue carries every option's.
 */
function unionWalk(node: Node, options: Node[]): Collector {
  const collects = options.map(collectorOf);
  return (v, at, walk) => {
    const room = walk.limit - walk.units;
    // Each option's own issues: relative to the union, as zod's `errors` holds them. Two are
    // enough for the message (fromZodIssue reads whether an option failed with one issue only).
    const subLimit = room > 0 ? Math.max(room, 2) : 0;
    const subs: Walk[] = [];
    let passing = -1;
    let notAborted = 0;
    let passingFlags = 0;
    for (let i = 0; i < collects.length; i++) {
      const sub = new Walk(subLimit);
      const flags = collects[i]!(v, null, sub);
      if (sub.found === 0) return 0; // this option accepts the value: so does the union
      subs.push(sub);
      if ((flags & ABORTED) === 0) {
        notAborted++;
        passing = i;
        passingFlags = flags;
      }
    }
    if (notAborted === 1) {
      walk.merge(subs[passing]!, at);
      return passingFlags;
    }
    walk.add({ code: 'invalid_union', input: v, inst: node, errors: subs.map((s) => s.kept) } as unknown as RawIssue, at);
    return ABORTED;
  };
}

/**
 * A payload's issue list that hands each issue to the walk as it comes (kept or counted) and
 * keeps none itself: a refinement that reports one issue per key of a million-key record does
 * not build a million-issue list. It also stamps the owner, as zod's attachSchema does.
 */
class IssueSink extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  flags = 0;

  constructor(
    private readonly walk: Walk,
    private readonly where: PathLink | null,
    private readonly owner: Node,
  ) {
    super();
  }

  override push(...items: unknown[]): number {
    for (const item of items) {
      const issue = item as RawIssue;
      this.flags |= flagsOf(issue);
      if (this.walk.full) {
        this.walk.omit(issue, issueCount(issue));
        continue;
      }
      (issue as { schema?: unknown }).schema ??= this.owner;
      this.walk.add(issue, this.where);
    }
    return this.length;
  }
}

/** zod's runChecks: a check with `when` runs unless explicitly aborted, one without unless aborted. */
function runChecks(node: Node, checks: CheckNode[], value: unknown, flags: number, at: PathLink | null, walk: Walk): number {
  const sink = new IssueSink(walk, at, node);
  const payload: Payload = { value, issues: sink };
  let aborted = (flags & ABORTED) !== 0;
  let explicit = (flags & EXPLICIT) !== 0;
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    const when = check._zod.def.when;
    if (when) {
      if (explicit || !when(payload)) continue;
    } else if (aborted) {
      continue;
    }
    sink.flags = 0;
    if (check._zod.check(payload) instanceof Promise) throw new $ZodAsyncError();
    if ((sink.flags & ABORTED) !== 0) aborted = true;
    if ((sink.flags & EXPLICIT) !== 0) explicit = true;
    flags |= sink.flags;
  }
  return flags;
}
