// Retry schedules: parsing `--schedule 0,30s,2m`, a vendor's configurable retry plan
// (`--backoff`), the planned offset of each attempt, and durations in words. A schedule is the list of delays before each attempt, each counted from
// the previous attempt (the vendor catalog's `retryDelaysMs`); the first is the first delivery.

import type { BackoffOption } from '../vendors/types.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `250ms`, `30s`, `2m`, `1h`, `1.5s` or a bare `0`. Throws a plain Error naming the problem. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)} is not a duration (use e.g. 0, 500ms, 30s, 2m, 1h)`);
  if (!m[2] && Number(m[1]) !== 0) throw new Error(`${JSON.stringify(text)} needs a unit (ms, s, m or h)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
}

/** `0,30s,2m` → delays in ms. The list must be non-empty; the first is usually 0. */
export function parseSchedule(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new Error(`${JSON.stringify(text)} is not a schedule (use e.g. 0,30s,2m)`);
  const delays = parts.map(parseDuration);
  if (delays[0] !== 0) throw new Error(`${JSON.stringify(text)} starts with ${parts[0]}: the first entry is the first delivery and must be 0 (e.g. 0,30s,2m)`);
  return delays;
}

/** A retry plan as given on the command line (--backoff, --max-retries, --base-delay); unset parts take the vendor's defaults. */
export interface BackoffPlan {
  kind?: string;
  maxRetries?: number;
  baseDelaySeconds?: number;
}

/** The delays of a plan, checked against the vendor's bounds. Throws a plain Error naming the problem. */
export function backoffDelays(option: BackoffOption, plan: BackoffPlan): number[] {
  const kind = plan.kind ?? option.kinds[0]!;
  if (!option.kinds.includes(kind)) throw new Error(`${JSON.stringify(kind)} is not a kind of ${option.name} (kinds: ${option.kinds.join(', ')})`);
  const retries = plan.maxRetries ?? option.maxRetries.default;
  const { min, max } = option.maxRetries;
  if (!Number.isInteger(retries) || retries < min || retries > max) throw new Error(`--max-retries ${retries}: ${option.name} allows ${min} to ${max}`);
  const base = plan.baseDelaySeconds ?? option.baseDelaySeconds.default;
  const b = option.baseDelaySeconds;
  if (!Number.isFinite(base) || base < b.min || base > b.max) throw new Error(`--base-delay ${base}: ${option.name} allows ${b.min} to ${b.max} seconds`);
  return option.delays({ kind, maxRetries: retries, baseDelayMs: Math.round(base * 1000) });
}

/** Offsets of each attempt from the first: the running sum of the delays after the first. */
export function plannedOffsets(delays: readonly number[]): number[] {
  const out: number[] = [];
  let at = 0;
  delays.forEach((d, i) => {
    if (i > 0) at += d;
    out.push(at);
  });
  return out;
}

/** `0 s`, `250 ms`, `1 min`, `1 h 21 min`, `90 s` → readable, exact to the unit shown. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(1)} s`;
  const h = Math.floor(ms / 3_600_000);
  const min = Math.round((ms % 3_600_000) / 60_000);
  return h ? `${h} h${min ? ` ${min} min` : ''}` : `${min} min`;
}
