// `hookscope listen`: start the local receiver (src/listen/listener.ts), print its banner, a feed
// entry (or a --json record) per request, and on Ctrl-C a summary.
import type { CommandIO } from '../cli/io.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { dirname } from 'node:path';
import { CallTracker } from '../listen/calls.js';
import { startListener, type ListenOptions } from '../listen/listener.js';
import type { ListenRecord } from '../record/log-record.js';
import { vendors as registry } from '../vendors/index.js';

/** What the CLI passes to listen: its options minus the callbacks, plus output choices. */
export type ListenCliOptions = Omit<ListenOptions, 'onRecords' | 'onNotice' | 'env' | 'cwd' | 'log'> & {
  log?: string | boolean;
  json?: boolean;
  verbose?: boolean;
  /** Also serve the web inspector (src/inspector/) on loopback. */
  ui?: boolean;
  /** The inspector's port (default: the listen port + 1; 0 when listen's is 0). Implies --ui. */
  uiPort?: number;
  /** Open the inspector in a browser. Implies --ui. */
  open?: boolean;
  /** `call`: the feed follows each call: its events under it, what is out of order as it comes, what is missing at the end. */
  group?: 'call';
};

export async function run(options: ListenCliOptions, io: CommandIO): Promise<ExitCodeValue> {
  const { feedEntry, listenSummary, callLines, callsSummary } = await import('../reporters/listen.js');
  const { makeChalk } = await import('../ui/terminal.js');
  const { json, verbose, log, group, ui: uiFlag, uiPort, open, ...rest } = options;
  const ui = Boolean(uiFlag || open || uiPort !== undefined);
  // Loaded before listen starts: between the listener's start and the history's load nothing
  // may yield to the event loop, or this run's first records would be read twice.
  const inspectorModule = ui ? await import('../inspector/server.js') : undefined;
  const store = inspectorModule ? new inspectorModule.Store() : undefined;
  const calls = group === 'call' ? new CallTracker(registry) : undefined;
  const entry = (record: ListenRecord): string => {
    const text = feedEntry(record, chalk, feed);
    if (!calls) return text;
    const followed = calls.add(record);
    return followed ? callLines(followed.call, followed.notes, text, chalk) : text;
  };
  const chalk = makeChalk(io.color);
  const listener = await startListener({
    ...rest,
    log: log === true ? undefined : log,
    env: io.env,
    // --json prints the log's own bytes: one encoding for both.
    onRecords: (batch, lines) => {
      store?.add(batch);
      if (json) {
        if (calls) for (const { record } of batch) calls.add(record);
        io.stdout.write(lines());
      } else {
        io.stdout.write(batch.map(({ record }) => entry(record)).join(''));
      }
    },
    onNotice: (message) => io.stderr.write(`hookscope: ${message}\n`),
  });
  if (store && listener.logPath) store.loadLog(listener.logPath);
  const inspector =
    inspectorModule && store
      ? await inspectorModule.startInspector({
          port: uiPort ?? (listener.port === 0 || rest.port === 0 ? 0 : Math.min(65535, (rest.port ?? listener.port) + 1)),
          listenUrl: listener.url,
          logPath: listener.logPath,
          store,
          secrets: new Map([...listener.secrets].map(([vendor, s]) => [vendor, s.value])),
          forwardTo: listener.forwardTo,
          auth: listener.auth,
          signatureHeader: rest.signatureHeader,
        }).catch(async (err: unknown) => {
          await listener.close();
          throw err;
        })
      : undefined;
  const feed = { verbose, width: io.stdout.isTTY ? io.stdout.columns || undefined : undefined, logged: listener.logPath !== undefined };
  const secrets = [...listener.secrets].map(([vendor, s]) => `${vendor} (${s.source})`);
  io.stderr.write(
    [
      `hookscope listen: ${listener.url}  (any path; point your vendor's webhook or a tunnel here)`,
      `  log: ${listener.logPath ?? 'off (--no-log)'}`,
      `  secrets: ${secrets.length ? secrets.join(', ') : 'none (signatures are not checked; see --secret)'}`,
      ...listener.setup.map((line) => `  ${line}`),
      ...(inspector ? [`  inspector: ${inspector.url}  (every request in a web page, on this machine only${open ? '' : '; --open opens it'})`] : []),
      `  Ctrl-C to stop and print a summary`,
      '',
    ].join('\n'),
  );
  if (inspector && open) {
    const { openBrowser } = await import('../inspector/open.js');
    openBrowser(inspector.url, (note) => io.stderr.write(`hookscope: note: ${note}\n`));
  }
  if (listener.logDirCreated && listener.logPath) {
    io.stderr.write(
      `hookscope: note: captured requests (transcripts, phone numbers, signatures) are logged to ${dirname(listener.logPath)}/, readable only by you and ignored by git; --no-log keeps none, --log <file> moves them\n`,
    );
  }
  const stopped = new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (options.demo) {
    void listener.runDemo().then(
      () => {
        if (!io.signal.aborted) io.stderr.write(demoHint(listener.url, listener.secrets));
      },
      (err: Error) => io.stderr.write(`hookscope: the demo stopped: ${err.message}\n`),
    );
  }
  await stopped;
  await inspector?.close();
  await listener.close();
  io.stderr.write(listenSummary(listener.stats, listener.logPath));
  if (calls) io.stderr.write(callsSummary(calls, chalk));
  return ExitCode.ok;
}


/** What to try after the demo: send one event yourself, signed so this listener accepts it. */
function demoHint(url: string, secrets: ReadonlyMap<string, { source: string; value?: string }>): string {
  const secret = secrets.get('relyable') as { source: string; value?: string } | undefined;
  const env = secret?.source === 'demo secret' && secret.value ? `RELYABLE_WEBHOOK_SECRET=${secret.value} ` : '';
  return `hookscope: try it yourself, in another terminal:\n  ${env}npx hookscope send relyable test_run.completed --url ${url}/hooks\n`;
}
