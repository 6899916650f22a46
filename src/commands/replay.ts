// `hookscope replay <paths...> --url <url>`: deliver fixtures or recorded `listen` requests and
// retry each one on its vendor's schedule (time-compressed with --speed) until the receiver
// answers with what the vendor counts as success.
import type { Dispatcher } from 'undici';
import { attemptRequest, listed, loadInputs, plural, type LoadResult, type ReplayItem } from '../delivery/replay-items.js';
import { checkEventNames } from '../vendors/resolve.js';
import { authChoice } from '../signing/signature.js';
import { isRetryable, judgeStatus } from '../delivery/judge.js';
import { deadlineFor, judgeDeadline, judgeReplyBody, type DeadlineVerdict, type ReplyJudgement } from '../delivery/reply.js';
import { findEvent, vendors as registry } from '../vendors/index.js';
import { closeHttp, deliver, prepareHttp, type FailureKind } from '../http/client.js';
import { runTimelines, type AttemptRecord, type Clock } from '../delivery/scheduler.js';
import { backoffDelays, parseSchedule, plannedOffsets, type BackoffPlan } from '../delivery/schedule.js';
import { resolveVendor } from '../vendors/resolve.js';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, UserError, type ExitCodeValue } from '../errors.js';
import { requireHttpUrl } from '../http/url.js';
import type { FreshContext } from '../json/edit.js';
import type { InputOptions } from '../files/inputs.js';
import type { Provenance } from '../vendors/types.js';

/** The default --url, for send and replay. */
export const URL_ENV = 'HOOKSCOPE_URL';

export interface ReplayOptions {
  paths: string[];
  /** Default: $HOOKSCOPE_URL. */
  url?: string;
  vendor?: string;
  /** `value` for every vendor, or `vendor=value` (repeatable). */
  secret?: string[];
  signatureHeader?: string;
  schedule?: string;
  /** The vendor's configurable retry plan (Vapi's server.backoffPlan): its kind, retries, base delay in seconds, statuses never retried. */
  backoff?: string;
  maxRetries?: number;
  baseDelay?: number;
  excludedStatuses?: number[];
  maxAttempts?: number;
  /** A factor (60: a minute becomes a second) or 'max' (no waits). Default 1: real time. */
  speed?: number | 'max';
  concurrency?: number;
  timeoutMs?: number;
  /** Any input that cannot be replayed stops the run before anything is sent. */
  strict?: boolean;
  /** Only these events (repeatable). */
  event?: string[];
  /** Only these: a dedupe key, or the id listen gave a recorded request (repeatable). */
  id?: string[];
  /** New timestamps and delivery ids, as `send` makes them (then re-signed with --secret). */
  fresh?: boolean;
  /** Sign every attempt with this time instead of the attempt's own (tests of timestamped schemes). */
  timestampMs?: number;
  /** The authentication mode, for vendors with several (Vapi), and its settings (name=value). */
  auth?: string;
  authSetting?: string[];
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  freshContext?: FreshContext;
  stdin?: InputOptions['stdin'];
  /** Ctrl-C: stop reading, stop scheduling, abort requests in flight; the report says so. */
  signal?: AbortSignal;
  /** Where requests go (tests hand in an msw bridge); default: undici's own pool. */
  dispatcher?: Dispatcher;
  /** Everything is read: what will be delivered, and what was passed over (before the first request). */
  onLoaded?(loaded: LoadResult): void;
  onAttempt?(item: ReplayItem, record: ReplayAttempt): void;
  onWait?(item: ReplayItem, nextAttempt: number, waitMs: number): void;
}

export interface AttemptResult {
  success: boolean;
  status?: number;
  latencyMs: number;
  /** Why this attempt did not count as delivered. */
  failure?: { kind: FailureKind | 'rejected' | 'redirect' | 'bad-reply' | 'late'; message: string };
  /** Request/response events: the reply against the event's contract. */
  reply?: ReplyJudgement;
  /** A failure the vendor does not retry: the timeline ends here. */
  final?: boolean;
  /** The latency against the vendor's deadline (a request/response event's, else its timeout). */
  deadline?: DeadlineVerdict;
}

/** One attempt: `plannedMs` in the vendor's time, `scheduledMs` compressed by --speed, `actualMs` measured. */
export type ReplayAttempt = AttemptRecord<AttemptResult> & { scheduledMs: number };

export interface ReplayEventReport {
  item: ReplayItem;
  schedule: { delaysMs: number[]; provenance: Provenance | 'override'; note: string };
  attempts: ReplayAttempt[];
  succeeded: boolean;
  /** Stopped (Ctrl-C) before its schedule ended. */
  interrupted?: boolean;
}

export interface ReplayReport {
  url: string;
  speed: number | 'max';
  events: ReplayEventReport[];
  /** Inputs passed over (not replayable), `source: why`. */
  passedOver: string[];
  exitCode: ExitCodeValue;
  /** Stopped before the end (Ctrl-C, SIGTERM): why. */
  interrupted?: string;
}

/** What the CLI passes to replay: its options minus the seams and callbacks, plus --json. */
export type ReplayCliOptions = Omit<ReplayOptions, 'env' | 'clock' | 'freshContext' | 'stdin' | 'signal' | 'dispatcher' | 'onLoaded' | 'onAttempt' | 'onWait'> & { json?: boolean };

/** Passed-over inputs named one per line on stderr, up to this many. */
const PASSED_OVER_SHOWN = 50;

export async function run(options: ReplayCliOptions, io: CommandIO): Promise<ExitCodeValue> {
  const { attemptLine, attemptRecord, renderReplay, replaySummaryRecord, waitLine } = await import('../reporters/replay.js');
  const { makeChalk, isSpinnerEnabled } = await import('../ui/terminal.js');
  const { coalesced, startCountdown } = await import('../ui/progress.js');
  const { json, ...rest } = options;
  const countdown = !json && isSpinnerEnabled(io.stderr, io.env) ? await startCountdown(io.stderr) : undefined;
  // On a terminal the progress lines are the attempts: the final timeline does not repeat them.
  const attemptsShown = !json && io.stderr.isTTY === true && io.stdout.isTTY === true;
  // Attempts that fall due together write their lines in one go, after the burst has started.
  const out = coalesced(io.stdout);
  const err = coalesced(io.stderr);
  const say = (line: string) => (countdown ? countdown.log(line) : err.write(line));
  try {
    const report = await replay({
      ...rest,
      env: io.env,
      signal: io.signal,
      onLoaded: (loaded) => {
        for (const p of loaded.passedOver.slice(0, PASSED_OVER_SHOWN)) say(`hookscope: passed over ${p}\n`);
        if (loaded.passedOver.length > PASSED_OVER_SHOWN) say(`hookscope: … and ${loaded.passedOver.length - PASSED_OVER_SHOWN} more inputs passed over (--strict lists them and sends nothing)\n`);
        if (loaded.probes) say(`hookscope: passed over ${plural(loaded.probes, 'logged probe')} (GET or HEAD without a body): no webhooks\n`);
        if (loaded.filteredOut) say(`hookscope: ${plural(loaded.filteredOut, 'payload')} left out by ${[rest.event?.length ? '--event' : '', rest.id?.length ? '--id' : ''].filter(Boolean).join(' and ')}\n`);
        for (const note of loaded.notes) say(`hookscope: ${note}\n`);
      },
      onAttempt: (item, a) => {
        if (json) out.write(attemptRecord(item, a));
        else say(attemptLine(item, a));
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
    io.stdout.write(json ? replaySummaryRecord(report) : renderReplay(report, makeChalk(io.color), { attempts: !attemptsShown }));
    return report.exitCode;
  } finally {
    countdown?.stop();
    out.flush();
    err.flush();
    // Idle keep-alive connections (and an aborted one) would hold the process open.
    await closeHttp();
  }
}

export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const env = options.env ?? process.env;
  const fromEnv = options.url === undefined && env[URL_ENV] ? env[URL_ENV] : undefined;
  let url: string;
  try {
    url = requireHttpUrl(options.url ?? fromEnv, fromEnv ? URL_ENV : '--url');
  } catch (err) {
    if (err instanceof UserError && !options.url && !fromEnv) throw new UserError(err.message, `e.g. --url http://localhost:3000/webhooks, or set ${URL_ENV}`);
    throw err;
  }
  const forced = options.vendor ? resolveVendor(options.vendor) : undefined;
  if (options.event?.length) checkEventNames(options.event, forced);
  const speed = options.speed ?? 1;
  let override: number[] | undefined;
  if (options.schedule !== undefined) {
    try {
      override = parseSchedule(options.schedule);
    } catch (err) {
      throw new UserError(`--schedule: ${(err as Error).message}`);
    }
  }
  const plan = backoffPlan(options);
  const { signal } = options;
  const loaded = await loadInputs(options.paths, {
    vendor: forced,
    secrets: options.secret ?? [],
    signatureHeader: options.signatureHeader,
    auth: authChoice(options.auth, options.authSetting, forced ? [forced] : registry),
    env,
    stdin: options.stdin,
    signal,
    strict: options.strict,
    events: options.event,
    ids: options.id,
    fresh: options.fresh,
    freshContext: options.freshContext,
  });
  const { items, passedOver } = loaded;
  if (signal?.aborted) return { url, speed, events: [], passedOver, exitCode: ExitCode.usage, interrupted: reasonOf(signal) };
  if (items.length === 0) throw nothingToReplay(options, loaded);
  options.onLoaded?.(loaded);

  const planned = plan && plannedByVendor(items, plan, options);
  const schedules = items.map((item) => {
    const byPlan = planned?.get(item.vendor.id);
    if (byPlan) return { ...byPlan, delaysMs: byPlan.delaysMs.slice(0, options.maxAttempts ?? Infinity) };
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
  const excluded = plan?.excludedStatuses ? new Set(plan.excludedStatuses) : undefined;
  await prepareHttp();
  const results = await runTimelines(
    items.map((item) => ({ item, offsets: offsets[item.index]!.map(compress) })),
    {
      clock: options.clock,
      concurrency: options.concurrency ?? 4,
      signal,
      attempt: (item, i) =>
        attemptOnce(targets[item.index]!, item, {
          timeoutMs: options.timeoutMs ?? item.vendor.delivery.timeoutMs.value,
          deadlineOverrideMs: options.timeoutMs,
          lastAttempt: i === offsets[item.index]!.length - 1,
          excluded,
          timestampMs: options.timestampMs,
          dispatcher: options.dispatcher,
          signal,
        }),
      onAttempt: (item, a) => options.onAttempt?.(item, full(item, a)),
      onWait: options.onWait,
    },
  );

  const events: ReplayEventReport[] = results.map((r) => ({
    item: r.item,
    schedule: schedules[r.item.index]!,
    attempts: r.attempts.map((a) => full(r.item, a)),
    succeeded: r.succeeded,
    ...(r.interrupted ? { interrupted: true } : {}),
  }));
  const report: ReplayReport = { url, speed, events, passedOver, exitCode: events.every((e) => e.succeeded) ? ExitCode.ok : ExitCode.problem };
  if (signal?.aborted) report.interrupted = reasonOf(signal);
  return report;
}

const reasonOf = (signal: AbortSignal) => (signal.reason instanceof Error ? signal.reason.message : 'interrupted');

function nothingToReplay(options: ReplayOptions, loaded: LoadResult): UserError {
  const where = options.paths.join(', ');
  if (loaded.filteredOut) {
    const filters = [...(options.event ?? []).map((e) => `--event ${e}`), ...(options.id ?? []).map((i) => `--id ${i}`)].join(' ');
    return new UserError(`nothing to replay: none of the ${plural(loaded.filteredOut, 'payload')} in ${where} matches ${filters}`, '--event takes event names as the vendor spells them; --id a dedupe key or the id listen gave a request');
  }
  if (loaded.passedOver.length) return new UserError(`nothing to replay in ${where}: ${plural(loaded.passedOver.length, 'input')} cannot be replayed:\n${listed(loaded.passedOver)}`);
  return new UserError(`no payloads found in ${where}`, 'give fixture files, directories of *.json, or a listen log');
}

/** --backoff and its companions, checked for consistency before anything is read. */
function backoffPlan(options: ReplayOptions): (BackoffPlan & { excludedStatuses?: number[] }) | undefined {
  const companions = [options.maxRetries !== undefined && '--max-retries', options.baseDelay !== undefined && '--base-delay', options.excludedStatuses?.length && '--excluded-statuses'].filter(Boolean);
  if (options.backoff === undefined) {
    if (companions.length) throw new UserError(`${companions.join(', ')} ${companions.length > 1 ? 'need' : 'needs'} --backoff`, 'e.g. --backoff exponential --max-retries 3 --base-delay 2');
    return undefined;
  }
  if (options.schedule !== undefined) throw new UserError('--schedule and --backoff both set the retries: give one of them');
  return { kind: options.backoff, maxRetries: options.maxRetries, baseDelaySeconds: options.baseDelay, excludedStatuses: options.excludedStatuses };
}

/** Each vendor's schedule for the plan; a vendor without a configurable plan is a usage error. */
function plannedByVendor(items: readonly ReplayItem[], plan: BackoffPlan & { excludedStatuses?: number[] }, options: ReplayOptions): Map<string, ReplayEventReport['schedule']> {
  const out = new Map<string, ReplayEventReport['schedule']>();
  for (const { vendor } of items) {
    if (out.has(vendor.id)) continue;
    const option = vendor.delivery.backoff;
    if (!option) throw new UserError(`--backoff: ${vendor.id} has no configurable retry plan; its schedule is fixed (see hookscope vendors ${vendor.id})`, '--schedule sets any schedule, e.g. --schedule 0,30s,2m');
    if (plan.excludedStatuses?.length && !option.excludedStatuses) throw new UserError(`--excluded-statuses: ${vendor.id}'s ${option.name} has no excluded statuses`);
    let delaysMs: number[];
    try {
      delaysMs = backoffDelays(option, plan);
    } catch (err) {
      throw new UserError(`--backoff: ${(err as Error).message}`, `${option.note} (see hookscope vendors ${vendor.id})`);
    }
    const flags = [`--backoff ${options.backoff}`, options.maxRetries !== undefined ? `--max-retries ${options.maxRetries}` : '', options.baseDelay !== undefined ? `--base-delay ${options.baseDelay}` : ''].filter(Boolean).join(' ');
    const excluded = plan.excludedStatuses?.length ? `; never retried: ${plan.excludedStatuses.join(', ')}` : '';
    out.set(vendor.id, { delaysMs, provenance: 'override', note: `${flags}: ${vendor.id}'s ${option.name}${excluded}${option.assumption && plan.kind !== option.kinds[0] ? ` (${option.assumption})` : ''}` });
  }
  return out;
}

interface AttemptOptions {
  /** Statuses the retry plan never retries (Vapi's excludedStatusCodes). */
  excluded?: ReadonlySet<number>;
  timeoutMs: number;
  /** --timeout, which also moves a deadline the vendor lets users configure. */
  deadlineOverrideMs?: number;
  lastAttempt: boolean;
  timestampMs?: number;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

async function attemptOnce(target: string, item: ReplayItem, options: AttemptOptions): Promise<AttemptResult> {
  // Signed now, for this attempt, as vendors sign each retry.
  const req = attemptRequest(item, target, options.timestampMs ?? Date.now());
  const outcome = await deliver({ method: 'POST', url: req.url, headers: req.headers, body: item.body }, { timeoutMs: options.timeoutMs, keepBytes: 64 * 1024, dispatcher: options.dispatcher, signal: options.signal });
  if (!outcome.ok) return { success: false, latencyMs: outcome.latencyMs, failure: outcome.failure, ...(isRetryable(item.vendor, undefined) ? {} : { final: true }) };
  const { status, latencyMs, headers, body } = outcome.response;
  const event = findEvent(item.vendor, item.event);
  const due = deadlineFor(item.vendor, event, options.deadlineOverrideMs);
  const deadline = judgeDeadline(latencyMs, due.fact, due.hard);
  const judged = judgeStatus(item.vendor, status, headers.location, { lastAttempt: options.lastAttempt, event });
  if (!judged.delivered) {
    const excluded = options.excluded?.has(status);
    const message = excluded ? `${judged.reason}; ${status} is an excluded status of the retry plan: not retried` : judged.reason;
    return { success: false, status, latencyMs, deadline, failure: { kind: judged.kind, message }, ...(isRetryable(item.vendor, status) && !excluded ? {} : { final: true }) };
  }
  if (event?.reply) {
    const contentType = headers['content-type'];
    const reply = judgeReplyBody(item.vendor, event, body.toString('utf8'), Array.isArray(contentType) ? contentType[0] : contentType, parseOrUndefined(item.body));
    if (!reply.valid) return { success: false, status, latencyMs, deadline, reply, failure: { kind: 'bad-reply', message: reply.explanation! } };
    if (deadline.state === 'late') return { success: false, status, latencyMs, deadline, reply, failure: { kind: 'late', message: deadline.message } };
    return { success: true, status, latencyMs, deadline, reply };
  }
  return { success: true, status, latencyMs, deadline };
}

function parseOrUndefined(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A recorded request keeps its own path when --url names only a host. */
function joinUrl(base: string, path: string | undefined): string {
  if (!path) return base;
  const url = new URL(base);
  if (url.pathname !== '/' || url.search) return base;
  return new URL(path, url).toString();
}
