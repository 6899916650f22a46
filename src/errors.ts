// The few error classes hookscope throws, and the exit codes they map to. The CLI's error
// sink (src/cli/main.ts) prints them without a stack; anything else is a bug.

/** Exit codes, set in one place (src/cli/main.ts). */
export const ExitCode = {
  ok: 0,
  /** A problem was found: an invalid payload, a rejected delivery. */
  problem: 1,
  /** Usage or environment error: bad flags, unknown vendor, unreadable path. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT), after printing what was done so far. */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + SIGTERM). */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem the user can fix; printed as `error: message` + `hint`, never with a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: ExitCodeValue = ExitCode.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * Whether `err` is a UserError. Not `instanceof`: the CLI's entry is built on its own with a copy
 * of this module inside it (scripts/build.js), so a command's UserError comes from the other copy.
 */
export function isUserError(err: unknown): err is UserError {
  return err instanceof Error && err.name === 'UserError';
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate to `input`, when close enough to be a likely typo. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = name.toLowerCase().startsWith(lower) && lower.length >= 3 ? 0 : distance(lower, name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.name.length / 3)) ? best.name : undefined;
}
