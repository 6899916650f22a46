// Shared helpers for the hookscope benchmarks: timing a child process, statistics, verdict lines.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WORK = resolve(ROOT, 'bench/.work');
export const NODE = process.execPath;

/**
 * The environment of the timed child processes: this process's, without NODE_EXTRA_CA_CERTS.
 * Node 20 reads and parses that bundle while it starts (about 80 ms with the system bundle, on this
 * machine), Node 26 only when TLS needs it; no benchmark here uses TLS, so with it every process
 * start, the baselines' included, would carry a cost that belongs to the machine, not to the tools.
 */
export const BENCH_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));

/**
 * Run `node ...args` in the repo root and return its wall time in ms (process.hrtime around
 * spawnSync, so process start-up is included). stdout goes to /dev/null unless `stdout` is a file
 * descriptor; stderr is captured. Throws if the exit code is not one of `okCodes`.
 */
export function timeNode(args, options = {}) {
  return timeNodeWith(NODE, args, options);
}

/** timeNode with another node binary (`node` is its path); `env` replaces BENCH_ENV. */
export function timeNodeWith(node, args, { stdout = 'ignore', okCodes = [0], env = BENCH_ENV } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(node, args, { cwd: ROOT, stdio: ['ignore', stdout, 'pipe'], maxBuffer: 64 << 20, env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (!okCodes.includes(r.status)) {
    throw new Error(`${node} ${args.join(' ')} exited with ${r.status ?? r.signal}\n${r.stderr}`);
  }
  return ms;
}

/** Run `node ...args` in the repo root and return { status, stdout, stderr } (not timed). */
export function runNode(args) {
  return runNodeWith(NODE, args);
}

/** runNode with another node binary; `env` replaces BENCH_ENV. */
export function runNodeWith(node, args, { env = BENCH_ENV } = {}) {
  const r = spawnSync(node, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20, env });
  if (r.error) throw r.error;
  return r;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const ms = (x) => `${x.toFixed(1)} ms`;
export const pad = (s, n) => String(s).padEnd(n);
export const lpad = (s, n) => String(s).padStart(n);

/** One target line; bench/run.js collects the lines ending in OK / MISSED. */
export function verdict(label, ratio, target, ok) {
  return targetLine(label, `${ratio.toFixed(2)}×`, target, ok);
}

/** A target line for a figure that is not a ratio (a count, say): `label: value (target …)  OK`. */
export function targetLine(label, value, target, ok) {
  console.log(`${label}: ${value} (target ${target})  ${ok ? 'OK' : 'MISSED'}`);
  return ok;
}

/** Abort a benchmark loudly (exit code 3: the measurement itself is meaningless). */
export function abort(message) {
  console.log(`\n!!! BENCHMARK ABORTED: ${message}\n`);
  process.exit(3);
}
