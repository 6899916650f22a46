// `hookscope replay <paths...> --url <url>`: deliver fixtures or recorded `listen` requests and
// retry each one on its vendor's schedule (time-compressed with --speed) until the receiver
// answers with what the vendor counts as success.
import type { Dispatcher } from 'undici';
import { loadInputs, type ReplayItem } from '../delivery/replay-items.js';
import { judgeStatus } from '../delivery/judge.js';
import { deliver, prepareHttp, type FailureKind } from '../http/client.js';
import { runTimelines, type AttemptRecord, type Clock } from '../delivery/scheduler.js';
import { parseSchedule, plannedOffsets } from '../delivery/schedule.js';
import { resolveVendor } from '../vendors/resolve.js';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, UserError, type ExitCodeValue } from '../errors.js';
import { requireHttpUrl } from '../http/url.js';
import type { InputOptions } from '../files/inputs.js';
import type { Provenance } from '../vendors/types.js';

export interface ReplayOptions {
  paths: string[];
  url?: string;
  vendor?: string;
  /** `value` for every vendor, or `vendor=value` (repeatable). */
  secret?: string[];
  signatureHeader?: string;
  schedule?: string;
  maxAttempts?: number;
  /** A factor (60: a minute becomes a second) or 'max' (no waits). Default 1: real time. */
  speed?: number | 'max';
  concurrency?: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  stdin?: InputOptions['stdin'];
  /** Where requests go (tests hand in an msw bridge); default: undici's own pool. */
  dispatcher?: Dispatcher;
  onAttempt?(item: ReplayItem, record: ReplayAttempt): void;
  onWait?(item: ReplayItem, nextAttempt: number, waitMs: number): void;
}

export interface AttemptResult {
  success: boolean;
  status?: number;
  latencyMs: number;
  /** Why this attempt did not count as delivered. */
  failure?: { kind: FailureKind | 'rejected' | 'redirect'; message: string };
}

/** One attempt: `plannedMs` in the vendor's time, `scheduledMs` compressed by --speed, `actualMs` measured. */
export type ReplayAttempt = AttemptRecord<AttemptResult> & { scheduledMs: number };

export interface ReplayEventReport {
  item: ReplayItem;
  schedule: { delaysMs: number[]; provenance: Provenance | 'override'; note: string };
  attempts: ReplayAttempt[];
  succeeded: boolean;
}

export interface ReplayReport {
  url: string;
  speed: number | 'max';
  events: ReplayEventReport[];
  exitCode: ExitCodeValue;
}

/** What the CLI passes to replay: its options minus the seams and callbacks, plus --json. */
export type ReplayCliOptions = Omit<ReplayOptions, 'env' | 'clock' | 'stdin' | 'dispatcher' | 'onAttempt' | 'onWait'> & { json?: boolean };

export async function run(options: ReplayCliOptions, io: CommandIO): Promise<ExitCodeValue> {
  const { attemptLine, attemptRecord, renderReplay, replaySummaryRecord, waitLine } = await import('../reporters/replay.js');
  const { makeChalk, isSpinnerEnabled } = await import('../ui/terminal.js');
  const { coalesced, startCountdown } = await import('../ui/progress.js');
  const { json, ...rest } = options;
  const countdown = !json && isSpinnerEnabled(io.stderr, io.env) ? await startCountdown(io.stderr) : undefined;
  // Attempts that fall due together write their lines in one go, after the burst has started.
  const out = coalesced(io.stdout);
  const err = coalesced(io.stderr);
  try {
    const report = await replay({
      ...rest,
      env: io.env,
      onAttempt: (item, a) => {
        if (json) out.write(attemptRecord(item, a));
        else if (countdown) countdown.log(attemptLine(item, a));
        else err.write(attemptLine(item, a));
      },
      onWait: (item, next, waitMs) => {
        if (json) return;
        if (countdown) countdown.wait(`${item.vendor.id} ${item.event ?? ''} attempt ${next}`, waitMs);
        else if (waitMs >= 1000) err.write(waitLine(item, next, waitMs));
      },
    });
    countdown?.stop();
    out.flush();
    err.flush();
    io.stdout.write(json ? replaySummaryRecord(report) : renderReplay(report, makeChalk(io.color)));
    return report.exitCode;
  } finally {
    countdown?.stop();
  }
}

export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const url = requireHttpUrl(options.url);
  const forced = options.vendor ? resolveVendor(options.vendor) : undefined;
  const speed = options.speed ?? 1;
  let override: number[] | undefined;
  if (options.schedule !== undefined) {
    try {
      override = parseSchedule(options.schedule);
    } catch (err) {
      throw new UserError(`--schedule: ${(err as Error).message}`);
    }
  }
  const items = await loadInputs(options.paths, { vendor: forced, secrets: options.secret ?? [], signatureHeader: options.signatureHeader, env: options.env ?? process.env, stdin: options.stdin });

  const schedules = items.map((item) => {
    const fact = item.vendor.delivery.retryDelaysMs;
    const delays = (override ?? fact.value).slice(0, options.maxAttempts ?? Infinity);
    return {
      delaysMs: delays,
      provenance: override ? ('override' as const) : fact.provenance,
      note: override ? `--schedule ${options.schedule}` : fact.note,
    };
  });
  const compress = (ms: number) => (speed === 'max' ? 0 : ms / speed);
  const offsets = schedules.map((s) => plannedOffsets(s.delaysMs));
  // The scheduler works in compressed time; reports carry both the vendor's and the compressed offset.
  const full = (item: ReplayItem, a: AttemptRecord<AttemptResult>): ReplayAttempt => ({ ...a, plannedMs: offsets[item.index]![a.attempt - 1]!, scheduledMs: a.plannedMs });

  // Everything an attempt needs is worked out before the first one: when a burst of attempts
  // falls due together, each starts with as little work as possible.
  const targets = items.map((item) => joinUrl(url, item.path));
  await prepareHttp();
  const results = await runTimelines(
    items.map((item) => ({ item, offsets: offsets[item.index]!.map(compress) })),
    {
      clock: options.clock,
      concurrency: options.concurrency ?? 4,
      attempt: (item) => attemptOnce(targets[item.index]!, item, options.timeoutMs ?? item.vendor.delivery.timeoutMs.value, options.dispatcher),
      onAttempt: (item, a) => options.onAttempt?.(item, full(item, a)),
      onWait: options.onWait,
    },
  );

  const events: ReplayEventReport[] = results.map((r) => ({
    item: r.item,
    schedule: schedules[r.item.index]!,
    attempts: r.attempts.map((a) => full(r.item, a)),
    succeeded: r.succeeded,
  }));
  return { url, speed, events, exitCode: events.every((e) => e.succeeded) ? ExitCode.ok : ExitCode.problem };
}

async function attemptOnce(target: string, item: ReplayItem, timeoutMs: number, dispatcher?: Dispatcher): Promise<AttemptResult> {
  const outcome = await deliver({ method: 'POST', url: target, headers: item.headers, body: item.body }, { timeoutMs, keepBytes: 64 * 1024, dispatcher });
  if (!outcome.ok) return { success: false, latencyMs: outcome.latencyMs, failure: outcome.failure };
  const { status, latencyMs, headers } = outcome.response;
  const judged = judgeStatus(item.vendor, status, headers.location);
  return judged.delivered ? { success: true, status, latencyMs } : { success: false, status, latencyMs, failure: { kind: judged.kind, message: judged.reason } };
}

/** A recorded request keeps its own path when --url names only a host. */
function joinUrl(base: string, path: string | undefined): string {
  if (!path) return base;
  const url = new URL(base);
  if (url.pathname !== '/' || url.search) return base;
  return new URL(path, url).toString();
}
