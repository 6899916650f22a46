// `hookscope listen`: start the local receiver (src/listen/listener.ts), print its banner, a feed
// entry (or a --json record) per request, and on Ctrl-C a summary.
import type { CommandIO } from '../cli/io.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { startListener, type ListenOptions } from '../listen/listener.js';

/** What the CLI passes to listen: its options minus the callbacks, plus output choices. */
export type ListenCliOptions = Omit<ListenOptions, 'onRecords' | 'onNotice' | 'env' | 'cwd' | 'log'> & { log?: string | boolean; json?: boolean; verbose?: boolean };

export async function run(options: ListenCliOptions, io: CommandIO): Promise<ExitCodeValue> {
  const { feedEntry, listenSummary } = await import('../reporters/listen.js');
  const { makeChalk } = await import('../ui/terminal.js');
  const { json, verbose, log, ...rest } = options;
  const chalk = makeChalk(io.color);
  const listener = await startListener({
    ...rest,
    log: log === true ? undefined : log,
    env: io.env,
    // --json prints the log's own bytes: one encoding for both.
    onRecords: (batch, lines) => io.stdout.write(json ? lines() : batch.map(({ record }) => feedEntry(record, chalk, verbose)).join('')),
    onNotice: (message) => io.stderr.write(`hookscope: ${message}\n`),
  });
  const secrets = [...listener.secrets].map(([vendor, s]) => `${vendor} (${s.source})`);
  io.stderr.write(
    `hookscope listen: ${listener.url}  (any path; point your vendor's webhook or a tunnel here)\n` +
      `  log: ${listener.logPath ?? 'off (--no-log)'}\n` +
      `  secrets: ${secrets.length ? secrets.join(', ') : 'none (signatures are not checked; see --secret)'}\n` +
      `  Ctrl-C to stop and print a summary\n`,
  );
  const stopped = new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (options.demo) await listener.runDemo();
  await stopped;
  await listener.close();
  io.stderr.write(listenSummary(listener.stats, listener.logPath));
  return ExitCode.ok;
}

