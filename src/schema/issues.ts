// Turning zod issues into hookscope issues: a stable code, a severity, a JSON path and
// "expected X, received Y" — the one formatter shared by validate, send and config loading.
import type { z } from 'zod';
import { clip, displayPath, preview, quote } from '../json/display.js';
import { describeType, field, isObject, type PathSegment } from '../json/values.js';

export type Severity = 'error' | 'warning';

export type IssueCode =
  | 'empty'
  | 'binary'
  | 'not-utf8'
  | 'invalid-json'
  | 'duplicate-key'
  | 'not-an-object'
  | 'undetected'
  | 'ambiguous'
  | 'missing-field'
  | 'wrong-type'
  | 'bad-enum'
  | 'bad-format'
  | 'out-of-range'
  | 'unknown-field'
  | 'unknown-enum-value'
  | 'unknown-event'
  | 'no-variant-matched'
  | 'invalid';

export interface Issue {
  code: IssueCode | (string & {});
  severity: Severity;
  message: string;
  /** JSON path of the offending value (`$.data.score`); `$` for the whole body. */
  path?: string;
  /** Where the location points: the value itself, or its parent object for a missing field. */
  locationPath?: readonly PathSegment[];
  line?: number;
  column?: number;
  expected?: string;
  received?: string;
}

type ZodIssue = z.core.$ZodIssue;

/** How many hookscope issues fromZodIssue makes of a zod issue (raw or finalized): one per unknown key. */
export function issueCount(issue: { code?: string; keys?: readonly unknown[] }): number {
  return issue.code === 'unrecognized_keys' ? (issue.keys?.length ?? 0) : 1;
}

/** Whether fromZodIssue makes warnings of a zod issue (before --strict turns them into errors). */
export function isWarning(issue: { code?: string; params?: unknown }): boolean {
  if (issue.code === 'unrecognized_keys') return true;
  return issue.code === 'custom' && (issue.params as { severity?: unknown } | undefined)?.severity === 'warning';
}

/**
 * Convert one zod issue to one or more hookscope issues (unknown keys become one issue each).
 * Paths, keys, values and messages are shown bounded (json/display.ts): a crafted body cannot make
 * an issue carry megabytes.
 */
export function fromZodIssue(issue: ZodIssue, body: unknown): Issue[] {
  const segs = issue.path.filter((p): p is PathSegment => typeof p === 'string' || typeof p === 'number');
  const path = displayPath(segs);
  const value = field(body, segs);
  // A required field that is absent shows up as invalid_type, invalid_value (enums) or
  // invalid_union depending on its schema; all of them mean "missing" to the user.
  if (value === undefined && segs.length > 0 && issue.code !== 'unrecognized_keys' && issue.code !== 'custom' && isObject(field(body, segs.slice(0, -1)))) {
    const name = segs[segs.length - 1]!;
    const expected = issue.code === 'invalid_type' ? issue.expected : issue.code === 'invalid_value' ? issue.values.map((v) => JSON.stringify(v)).join(' | ') : undefined;
    return [
      {
        code: 'missing-field',
        severity: 'error',
        message: `missing required field ${typeof name === 'string' ? quote(name) : name}${expected ? ` (expected ${expected})` : ''}`,
        path,
        locationPath: segs.slice(0, -1),
        expected,
        received: 'nothing',
      },
    ];
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        code: 'unknown-field',
        severity: 'warning',
        message: `unknown field ${quote(key)} (drift: the vendor may have changed its payload)`,
        path: displayPath([...segs, key]),
        locationPath: [...segs, key],
      }));
    case 'invalid_type': {
      const received = describeType(value);
      return [
        {
          code: 'wrong-type',
          severity: 'error',
          message: `expected ${issue.expected}, received ${received}${received === 'string' || received === 'number' || received === 'integer' ? ` ${preview(value, 40)}` : ''}`,
          path,
          locationPath: segs,
          expected: issue.expected,
          received,
        },
      ];
    }
    case 'invalid_value': {
      const expected = issue.values.map((v) => JSON.stringify(v)).join(' | ');
      return [
        {
          code: 'bad-enum',
          severity: 'error',
          message: `expected ${issue.values.length === 1 ? expected : `one of ${expected}`}, received ${preview(value, 40)}`,
          path,
          locationPath: segs,
          expected,
          received: preview(value, 40),
        },
      ];
    }
    case 'invalid_format': {
      const what = issue.format === 'regex' ? `a string matching ${issue.pattern ?? 'the pattern'}` : `a ${issue.format} string`;
      const detail = issue.message && !issue.message.startsWith('Invalid') ? issue.message : `expected ${what}`;
      return [{ code: 'bad-format', severity: 'error', message: `${detail}, received ${preview(value, 40)}`, path, locationPath: segs, expected: what, received: preview(value, 40) }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = `${issue.code === 'too_small' ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<='} ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)}`;
      const what = issue.origin === 'array' || issue.origin === 'string' ? `length ${bound}` : bound;
      return [{ code: 'out-of-range', severity: 'error', message: `expected ${what}, received ${preview(value, 40)}`, path, locationPath: segs, expected: what, received: preview(value, 40) }];
    }
    case 'invalid_union': {
      const expected = unionExpectations(issue.errors);
      return [
        {
          code: 'no-variant-matched',
          severity: 'error',
          message: expected ? `expected ${expected}, received ${describeType(value)} ${preview(value, 40)}` : `matches none of the allowed shapes (received ${describeType(value)})`,
          path,
          locationPath: segs,
          expected,
          received: describeType(value),
        },
      ];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { severity?: Severity; code?: string };
      return [{ code: params.code ?? 'invalid', severity: params.severity ?? 'error', message: clip(issue.message), path, locationPath: segs }];
    }
    default:
      return [{ code: 'invalid', severity: 'error', message: clip(issue.message), path, locationPath: segs }];
  }
}

/** "string or object" when every branch of a union failed on its type alone. */
function unionExpectations(branches: ZodIssue[][]): string | undefined {
  const types: string[] = [];
  for (const branch of branches) {
    const first = branch[0];
    if (branch.length !== 1 || !first || first.path.length > 0) return undefined;
    if (first.code === 'invalid_type') types.push(first.expected);
    else if (first.code === 'invalid_value') types.push(first.values.map((v) => JSON.stringify(v)).join(' | '));
    else return undefined;
  }
  return [...new Set(types)].join(' or ');
}

/** `$.data.score: expected number, received string` */
export function formatIssue(issue: Issue): string {
  return issue.path && issue.path !== '$' ? `${issue.path}: ${issue.message}` : issue.message;
}
