// `hookscope listen --open` as a real process: the inspector's URL goes to the platform's opener
// (xdg-open on Linux, here a stand-in first on PATH that writes down its arguments), and a
// machine without an opener gets a note on stderr naming the URL while listen keeps serving.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startListen, type RunningListener } from '../helpers/listen.js';

const linux = process.platform === 'linux';
if (!linux) console.warn(`skipping the listen --open tests: they stand in for xdg-open, Linux's opener; this is ${process.platform}`);

/** Whether a port is free on 127.0.0.1 (listen's default host), by binding it. */
const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** A port p with p + 1 free too: without --ui-port, the inspector takes listen's port + 1. */
async function freePair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const s = createServer();
    const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
    await new Promise((r) => s.close(r));
    if (port < 65535 && (await free(port)) && (await free(port + 1))) return port;
  }
  throw new Error('no two free ports in a row on 127.0.0.1');
}

/** Resolves when `check` holds; polls a condition (a file another process writes), with a deadline. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!linux)('listen --open', () => {
  let dir: string;
  let listen: RunningListener | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookscope-open-'));
  });
  afterEach(async () => {
    const running = listen;
    listen = undefined;
    if (running && running.child.exitCode === null) await running.stop();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("hands the inspector's URL, and nothing else, to xdg-open", async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const argvFile = join(dir, 'opened');
    // Written whole, then renamed: the test never reads half of it.
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvFile}.tmp' && mv '${argvFile}.tmp' '${argvFile}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const port = await freePair();
    // startListen puts --port 0 first; the later --port wins.
    listen = await startListen(['--port', String(port), '--open', '--no-log'], { PATH: `${bin}:/usr/bin:/bin` });
    await listen.waitFor('inspector');
    const banner = listen.stderr().split('\n').find((l) => l.trimStart().startsWith('inspector:'))!;
    const url = `http://127.0.0.1:${port + 1}/`;
    expect(banner).toContain(`inspector: ${url} `);
    // With --open, the banner does not suggest it.
    expect(banner).not.toContain('--open opens it');
    await until(() => existsSync(argvFile), 'the stand-in xdg-open to run');
    expect(readFileSync(argvFile, 'utf8')).toBe(`${url}\n`);
    expect(listen.stderr()).not.toContain('could not open a browser');
  });

  it('without any xdg-open on PATH: a note naming the URL, and listen keeps serving', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const port = await freePair();
    listen = await startListen(['--port', String(port), '--open', '--no-log'], { PATH: empty });
    await listen.waitFor('inspector');
    const url = `http://127.0.0.1:${port + 1}/`;
    await listen.waitFor('could not open a browser');
    const note = listen.stderr().split('\n').find((l) => l.includes('could not open a browser'))!;
    expect(note).toMatch(/^hookscope: note: could not open a browser \(xdg-open: .*ENOENT.*\); open http:\/\/127\.0\.0\.1:\d+\/ yourself$/);
    expect(note).toContain(`open ${url} yourself`);
    expect(listen.child.exitCode).toBeNull();
    const res = await request(`${listen.url}/hooks`, { method: 'POST', body: '{"hello":"still here"}', headers: { 'content-type': 'application/json' } });
    await res.body.text();
    expect(res.statusCode).toBe(200);
    const page = await request(url);
    await page.body.text();
    expect(page.statusCode).toBe(200);
    expect(listen.child.exitCode).toBeNull();
  });
});
