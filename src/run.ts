// Running a parsed command: load its module, call it with typed options, write what it
// returns (data to stdout, chatter to stderr) and hand back the exit code.
import type { ListenOptions } from './commands/listen.js';
import type { ReplayOptions } from './commands/replay.js';
import type { SendOptions } from './commands/send.js';
import { ExitCode, type ExitCodeValue } from './errors.js';

export type ValidateFormat = 'pretty' | 'json' | 'junit' | 'github';

export type Invocation =
  | {
      command: 'validate';
      options: { paths: string[]; vendor?: string; event?: string; reply?: boolean; strict?: boolean; format?: ValidateFormat; quiet?: boolean };
    }
  | { command: 'vendors'; options: { id?: string; json?: boolean } }
  | { command: 'schema'; options: { vendor: string; event: string; reply?: boolean; strict?: boolean } }
  | { command: 'completion'; options: { shell: 'bash' | 'zsh' | 'fish' } }
  | { command: 'send'; options: SendInvocationOptions }
  | { command: 'listen'; options: ListenInvocationOptions }
  | { command: 'replay'; options: ReplayInvocationOptions };

/** What the CLI passes to replay: its options minus the seams and callbacks, plus --json. */
export type ReplayInvocationOptions = Omit<ReplayOptions, 'env' | 'clock' | 'readStdin' | 'dispatcher' | 'onAttempt' | 'onWait'> & { json?: boolean };

/** What the CLI passes to listen: its options minus the callbacks, plus output choices. */
export type ListenInvocationOptions = Omit<ListenOptions, 'onRecords' | 'onNotice' | 'env' | 'cwd' | 'log'> & { log?: string | boolean; json?: boolean; verbose?: boolean };

/** What the CLI passes to send: its options minus the test seams, plus --json. */
export type SendInvocationOptions = Omit<SendOptions, 'env' | 'readStdin' | 'dispatcher'> & { json?: boolean };

export interface RunContext {
  /** false when --no-color was given; undefined = decide from the terminal and NO_COLOR. */
  color?: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

export async function run(call: Invocation, ctx: RunContext = {}): Promise<ExitCodeValue> {
  const stdout = ctx.stdout ?? process.stdout;
  const stderr = ctx.stderr ?? process.stderr;
  const env = ctx.env ?? process.env;
  const { isColorEnabled } = await import('./ui/terminal.js');
  const color = ctx.color ?? isColorEnabled(stdout, env);

  switch (call.command) {
    case 'validate': {
      const { validate } = await import('./commands/validate.js');
      const { renderValidate } = await import('./reporters/index.js');
      const { format: asked, quiet, ...options } = call.options;
      const report = await validate(options);
      const format = asked ?? (env.GITHUB_ACTIONS === 'true' ? 'github' : 'pretty');
      stdout.write(renderValidate(report, format, { color, quiet }));
      for (const s of report.skipped) stderr.write(`hookscope: skipped ${s.source}: ${s.message}\n`);
      return report.exitCode;
    }
    case 'vendors': {
      const { vendorsCommand } = await import('./commands/vendors.js');
      stdout.write(vendorsCommand({ ...call.options, color }));
      return ExitCode.ok;
    }
    case 'schema': {
      const { schemaCommand } = await import('./commands/schema.js');
      stdout.write(schemaCommand(call.options));
      return ExitCode.ok;
    }
    case 'send': {
      // Before undici loads (see src/core/v8-flags.ts).
      (await import('./core/v8-flags.js')).baselineWasmOnly();
      const { send } = await import('./commands/send.js');
      const { renderSend, renderSendJson, sendNotes } = await import('./reporters/send.js');
      const { makeChalk, isSpinnerEnabled } = await import('./ui/terminal.js');
      const { json, ...options } = call.options;
      const spin = !json && !options.dryRun && isSpinnerEnabled(stderr, env);
      const spinner = spin ? (await import('ora')).default({ text: `sending ${options.vendor} ${options.event}`, stream: stderr }).start() : undefined;
      let result;
      try {
        result = await send({ ...options, env });
      } finally {
        spinner?.stop();
      }
      if (json) {
        stdout.write(renderSendJson(result));
      } else {
        stderr.write(sendNotes(result));
        stdout.write(renderSend(result, makeChalk(color)));
      }
      return result.exitCode;
    }
    case 'listen': {
      const { startListener } = await import('./commands/listen.js');
      const { feedEntry, listenSummary } = await import('./reporters/listen.js');
      const { makeChalk } = await import('./ui/terminal.js');
      const { json, verbose, log, ...options } = call.options;
      const chalk = makeChalk(color);
      const listener = await startListener({
        ...options,
        log: log === true ? undefined : log,
        env,
        // --json prints the log's own bytes: one encoding for both.
        onRecords: (batch, lines) => stdout.write(json ? lines() : batch.map(({ record }) => feedEntry(record, chalk, verbose)).join('')),
        onNotice: (message) => stderr.write(`hookscope: ${message}\n`),
      });
      const secrets = [...listener.secrets].map(([vendor, s]) => `${vendor} (${s.source})`);
      stderr.write(
        `hookscope listen: ${listener.url}  (any path; point your vendor's webhook or a tunnel here)\n` +
          `  log: ${listener.logPath ?? 'off (--no-log)'}\n` +
          `  secrets: ${secrets.length ? secrets.join(', ') : 'none (signatures are not checked; see --secret)'}\n` +
          `  Ctrl-C to stop and print a summary\n`,
      );
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      if (options.demo) await listener.runDemo();
      await stopped;
      await listener.close();
      stderr.write(listenSummary(listener.stats, listener.logPath));
      return ExitCode.ok;
    }
    case 'replay': {
      const { replay } = await import('./commands/replay.js');
      const { attemptLine, attemptRecord, renderReplay, replaySummaryRecord, waitLine } = await import('./reporters/replay.js');
      const { makeChalk, isSpinnerEnabled } = await import('./ui/terminal.js');
      const { json, ...options } = call.options;
      const countdown = !json && isSpinnerEnabled(stderr, env) ? await startCountdown(stderr) : undefined;
      // Attempts that fall due together write their lines in one go, after the burst has started.
      const out = coalesced(stdout);
      const err = coalesced(stderr);
      try {
        const report = await replay({
          ...options,
          env,
          onAttempt: (item, a) => {
            if (json) out.write(attemptRecord(item, a));
            else countdown ? countdown.log(attemptLine(item, a)) : err.write(attemptLine(item, a));
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
        stdout.write(json ? replaySummaryRecord(report) : renderReplay(report, makeChalk(color)));
        return report.exitCode;
      } finally {
        countdown?.stop();
      }
    }
    case 'completion': {
      const { completionCommand } = await import('./commands/completion.js');
      stdout.write(completionCommand(call.options.shell));
      return ExitCode.ok;
    }
  }
}

/** Writes made in one turn of the event loop, joined into one write at its end. */
function coalesced(stream: NodeJS.WritableStream): { write(text: string): void; flush(): void } {
  let parts: string[] = [];
  const flush = () => {
    if (parts.length === 0) return;
    const text = parts.join('');
    parts = [];
    stream.write(text);
  };
  return {
    write(text) {
      if (parts.length === 0) setImmediate(flush);
      parts.push(text);
    },
    flush,
  };
}

/** A spinner on a TTY that counts down to the soonest next attempt. */
async function startCountdown(stream: NodeJS.WritableStream) {
  const ora = (await import('ora')).default;
  const { formatDuration } = await import('./core/schedule.js');
  const spinner = ora({ stream, text: 'delivering' }).start();
  const waits = new Map<string, number>();
  const tick = setInterval(() => {
    const now = Date.now();
    for (const [k, at] of waits) if (at <= now) waits.delete(k);
    const next = [...waits].sort((a, b) => a[1] - b[1])[0];
    spinner.text = next ? `next: ${next[0]} in ${formatDuration(next[1] - now)}${waits.size > 1 ? ` (${waits.size} events waiting)` : ''}` : 'delivering';
  }, 200);
  tick.unref();
  let stopped = false;
  return {
    wait: (what: string, ms: number) => waits.set(what, Date.now() + ms),
    log: (line: string) => {
      spinner.clear();
      stream.write(line);
      spinner.render();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(tick);
      spinner.stop();
    },
  };
}
