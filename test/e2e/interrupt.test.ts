// Ctrl-C on a terminal, for real: the built binary runs in a pseudo-terminal (util-linux
// `script`), and ^C is typed into it, so that the terminal's line discipline sends SIGINT to
// the command, as when a user presses Ctrl-C. (Writing \x03 to the command's own stdin would not
// be a keypress; a spinner that put the terminal in raw mode would swallow it: this catches that.)
// The command must stop at once, print what it did, marked interrupted, and exit 130.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { allFixtures } from '../helpers/fixtures.js';
import { startServer, type TestServer } from '../helpers/server.js';

const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'hookscope-pty-'));
const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** Escapes, carriage returns and spinner frames out: the text a user would read. */
const readable = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

interface Pty {
  output(): string;
  /** Resolves once the terminal shows `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Type `text` at the terminal. */
  type(text: string): void;
  /** Press Ctrl-C, then resolve with the exit code and everything the terminal showed. */
  ctrlC(): Promise<{ code: number | null; output: string }>;
}

/** Run hookscope in a pseudo-terminal of 100 columns (a spinner needs a width). */
function inPty(args: string[], env: NodeJS.ProcessEnv = {}): Pty {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qfec', `stty cols 100 rows 30; exec ${quoted}`, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, TERM: 'xterm', NO_COLOR: '', FORCE_COLOR: '', CI: '', HOOKSCOPE_SECRET: '', RELYABLE_WEBHOOK_SECRET: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters.filter((w) => readable(out).includes(w.text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: () => readable(out),
    waitFor: (text, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        if (readable(out).includes(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`the terminal never showed ${JSON.stringify(text)}:\n${readable(out)}`)), timeoutMs);
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    type: (text) => child.stdin.write(text),
    async ctrlC() {
      const started = performance.now();
      child.stdin.write('\x03');
      const code = await exited;
      // At once: not after the receiver's 30 s timeout, nor after the next attempt's wait.
      expect(performance.now() - started).toBeLessThan(5000);
      return { code, output: readable(out) };
    },
  };
}

const relyable = join(ROOT, 'fixtures', 'relyable', 'test_run.completed.json');

describe.skipIf(!hasScript)('Ctrl-C in a terminal', () => {
  it('replay, a request in flight (spinner on): aborted, the partial timeline and summary marked interrupted, exit 130', async () => {
    const server = await startServer(() => {
      // Never answers: the attempt is in flight when ^C comes.
    });
    servers.push(server);
    const pty = inPty(['replay', relyable, '--url', server.url, '--speed', '60']);
    while (server.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    const { code, output } = await pty.ctrlC();
    expect(code, output).toBe(130);
    expect(output).toContain('attempt 1/5 at +0 ms: no answer: interrupted (Ctrl-C): no answer awaited');
    expect(output).toContain('  interrupted after 1 attempt of 5');
    expect(output).toMatch(/relyable test_run\.completed +\S+ +1\/5 +interrupted/);
    expect(output).toContain('1 event: 0 delivered, 0 failed, 1 interrupted');
    expect(output).toContain('interrupted (Ctrl-C): stopped before the end; nothing more was sent');
    expect(server.received).toHaveLength(1);
  });

  it('replay, waiting for the next attempt: the wait ends at once; each attempt is printed once', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    servers.push(server);
    const pty = inPty(['replay', relyable, '--url', server.url]);
    // The spinner counts down to the second attempt, a minute away.
    await pty.waitFor('attempt 2 in');
    const { code, output } = await pty.ctrlC();
    expect(code, output).toBe(130);
    // The attempt line shown as it happened is the only one: the final timeline does not repeat it.
    expect(output.match(/attempt 1\/5/g)).toHaveLength(1);
    expect(output).not.toContain('#1');
    expect(output).toContain('relyable counts 500 as a failed delivery (success is exactly 200) and would retry');
    expect(output).toContain('  interrupted after 1 attempt of 5');
    expect(server.received).toHaveLength(1);
  });

  it('validate, reading a FIFO that never ends: stops reading, prints the summary of what was checked, exit 130', async () => {
    const fifo = join(dir, 'live.ndjson');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const pty = inPty(['validate', fifo]);
    // Opening the writing end waits for validate to open the reading end.
    const writer = createWriteStream(fifo);
    await new Promise((resolve) => writer.once('open', resolve));
    const line = JSON.stringify(allFixtures().find((f) => f.event === 'test_run.failed')!.body);
    writer.write(`${line}\n${line}\n${line}\n`);
    await pty.waitFor(`✓ ${fifo}:2  relyable test_run.failed`);
    const { code, output } = await pty.ctrlC();
    writer.destroy();
    expect(code, output).toBe(130);
    expect(output).toMatch(/^1 file \(\d payloads\), \d valid, 0 invalid, 0 warnings$/m);
    expect(output).toContain('interrupted (Ctrl-C): stopped before the end; the summary covers what was checked until then');
  });

  it('validate -, stdin being the terminal: typed lines are checked, Ctrl-C ends the wait for more', async () => {
    const pty = inPty(['validate', '-']);
    const line = JSON.stringify(allFixtures().find((f) => f.event === 'call.end')!.body);
    pty.type(`${line}\n${line}\n`);
    await pty.waitFor('✓ <stdin>:1  smallest call.end');
    const { code, output } = await pty.ctrlC();
    expect(code, output).toBe(130);
    expect(output).toContain('interrupted (Ctrl-C): stopped before the end');
  });

  it('send, waiting on a receiver that never answers (spinner on): stops at once, says so, exit 130', async () => {
    const server = await startServer(() => {
      // Never answers.
    });
    servers.push(server);
    const pty = inPty(['send', 'relyable', 'test_run.completed', '--url', server.url]);
    while (server.received.length === 0) await new Promise((r) => setTimeout(r, 10));
    const { code, output } = await pty.ctrlC();
    expect(code, output).toBe(130);
    expect(output).toContain('interrupted (Ctrl-C): no answer awaited');
  });

  it('listen: Ctrl-C prints the summary and the log\'s path, exit 130', async () => {
    const pty = inPty(['listen', '--port', '0', '--no-log']);
    await pty.waitFor('Ctrl-C to stop and print a summary');
    const { code, output } = await pty.ctrlC();
    expect(code, output).toBe(130);
    expect(output).toMatch(/hookscope listen: 0 requests in /);
    expect(output).toContain('log: off (--no-log)');
  });
});
