// Benchmark: how closely `hookscope replay` keeps to its schedule under load. 200 relyable
// events (distinct test runs), a receiver that always answers 500 so every event runs its whole
// 5-attempt ladder, time compressed with --speed 200 (1 h 21 min becomes 24.3 s; attempts at
// +0, +0.3, +1.8, +6.3, +24.3 s), --concurrency 64. The receiver runs in this process; replay
// is the real binary with --json, whose records give each attempt's planned and actual offset.
// Run twice: the receiver closing idle connections after 5 s (Node's default, so replay must
// reconnect before the later attempts), and keeping them for 60 s (no reconnects).
// Target: p99 deviation (actual - planned) under 25 ms over all 1,000 attempts, judged on the
// first (default keep-alive) run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { abort, percentile, ROOT, WORK } from './lib.js';

const EVENTS = 200;
const SPEED = 200;
const CONCURRENCY = 64;
const dir = join(WORK, 'replay');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const fixture = JSON.parse(readFileSync(join(ROOT, 'fixtures/relyable/test_run.completed.json'), 'utf8'));
for (let i = 0; i < EVENTS; i++) {
  writeFileSync(join(dir, `${String(i).padStart(4, '0')}.json`), JSON.stringify({ ...fixture, data: { ...fixture.data, test_run_id: `run_${i}` } }));
}


async function runOnce(keepAliveMs) {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = keepAliveMs;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/hooks`;
  const out = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/hookscope.js', 'replay', dir, '--url', url, '--speed', String(SPEED), '--concurrency', String(CONCURRENCY), '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RELYABLE_WEBHOOK_SECRET: 'bench-secret' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 1 ? resolve(stdout) : reject(new Error(`replay exited ${code} (expected 1: every event fails)\n${stderr}`))));
  });
  server.close();
  server.closeAllConnections();
  const records = out.trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'hookscope.replay.attempt');
  if (records.length !== EVENTS * 5 || received !== EVENTS * 5) abort(`expected ${EVENTS * 5} attempts, replay reported ${records.length} and the receiver saw ${received}`);
  return records;
}

function report(title, records) {
  const deviations = records.map((r) => r.deviationMs);
  const starts = records.filter((r) => r.attempt === 1);
  console.log(`  ${title}`);
  console.log(`    deviation, all attempts: p50 ${percentile(deviations, 50).toFixed(1)} ms   p99 ${percentile(deviations, 99).toFixed(1)} ms   max ${Math.max(...deviations).toFixed(1)} ms`);
  for (let n = 2; n <= 5; n++) {
    const d = records.filter((r) => r.attempt === n).map((r) => r.deviationMs);
    console.log(`    attempt ${n} (planned +${records.find((r) => r.attempt === n).scheduledMs} ms): p50 ${percentile(d, 50).toFixed(1)} ms   p99 ${percentile(d, 99).toFixed(1)} ms`);
  }
  console.log(`    first attempts: started over ${Math.max(...starts.map((r) => r.atMs)).toFixed(0)} ms (queued behind --concurrency), latency p99 ${percentile(starts.map((r) => r.latencyMs), 99).toFixed(1)} ms`);
  return percentile(deviations, 99);
}

console.log(`replay: ${EVENTS} events x 5 attempts, relyable ladder at --speed ${SPEED}, --concurrency ${CONCURRENCY}; node ${process.version}, ${cpus().length} CPUs`);
const p99 = report("receiver keep-alive 5 s (Node's default): replay reconnects for attempts 4 and 5", await runOnce(5_000));
report('receiver keep-alive 60 s: no reconnects (for comparison)', await runOnce(60_000));
console.log(`p99 deviation: ${p99.toFixed(1)} ms (target < 25 ms)  ${p99 < 25 ? 'OK' : 'MISSED'}`);
