// Running `hookscope listen` as a real process for end-to-end tests: start it on a free port,
// read its address from the banner, collect its output, stop it with SIGINT.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

export interface RunningListener {
  url: string;
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Parsed --json lines so far. */
  records(): Record<string, any>[];
  /** Resolves once stderr contains `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** SIGINT (Ctrl-C), then the exit code (130: stopped by Ctrl-C, after its summary) and full output. */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startListen(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<RunningListener> {
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', HOOKSCOPE_SECRET: '', RELYABLE_WEBHOOK_SECRET: '', SMALLEST_WEBHOOK_SECRET: '', ATOMS_WEBHOOK_SECRET: '', SYNTHFLOW_WEBHOOK_SECRET: '', VAPI_WEBHOOK_SECRET: '', VAPI_SECRET: '', ...env },
  });
  let out = '';
  let err = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    for (const w of waiters.filter((w) => err.includes(w.text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = (text: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (err.includes(text)) return resolve();
      const timer = setTimeout(() => reject(new Error(`listen never printed ${JSON.stringify(text)}; stderr:\n${err}`)), timeoutMs);
      waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      void exited.then(() => reject(new Error(`listen exited before printing ${JSON.stringify(text)}; stderr:\n${err}`)));
    });
  const api: Omit<RunningListener, 'url'> = {
    child,
    stdout: () => out,
    stderr: () => err,
    records: () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>),
    waitFor,
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      return { code, stdout: out, stderr: err };
    },
  };
  return waitFor('hookscope listen: http').then(() => {
    const url = /hookscope listen: (http:\/\/\S+)/.exec(err)![1]!;
    return { url, ...api };
  });
}
