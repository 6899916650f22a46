// Benchmark: `hookscope listen --json > file` (with its NDJSON log on) against a bare node:http
// server that answers 200 (bench/listen-bare.js), in the same run. Each server runs in its own
// process; this process is the load generator: undici with CONNECTIONS keep-alive connections,
// REQUESTS signed Relyable events to each (BENCH_LISTEN_REQUESTS, default 100,000; 20,000
// distinct bodies, so dedupe keys repeat and the dedupe memory is exercised at its cap). The
// load alternates between the two servers in ten phases, so noise on the machine hits both.
// Reports req/s and p50/p99 latency for both, the listener's RSS at checkpoints, and counts the
// records in its --json output and in its log.
// Targets: listen req/s >= 0.8x the bare server's; zero lost records; RSS flat (the peak RSS over
// the second half of the requests <= 1.25x the peak over the first half).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { abort, lpad, percentile, ROOT, verdict, WORK } from './lib.js';

// A multiple of the ten phases the load is split into.
const REQUESTS = Math.ceil(Math.max(1000, Number(process.env.BENCH_LISTEN_REQUESTS) || 100_000) / 10) * 10;
const CONNECTIONS = 32;
const DISTINCT = 20_000;
const SECRET = 'bench-listen-secret-0123456789';

const fixture = JSON.parse(readFileSync(join(ROOT, 'fixtures/relyable/test_run.completed.json'), 'utf8'));
const bodies = Array.from({ length: DISTINCT }, (_, i) => {
  const body = JSON.stringify({ ...fixture, data: { ...fixture.data, test_run_id: `run_${i}` } });
  return { body, signature: createHmac('sha256', SECRET).update(body).digest('hex') };
});

function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Start a server process; its port is read from a bare server's stdout or listen's stderr banner. */
async function startProcess(args, { stdoutFile } = {}) {
  const out = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', out, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  if (stdoutFile) closeSync(out);
  let text = '';
  const port = await new Promise((resolve, reject) => {
    const look = (d) => {
      text += d;
      const m = /hookscope listen: http:\/\/127\.0\.0\.1:(\d+)/.exec(text) ?? (!stdoutFile && /^(\d+)\n/.exec(text));
      if (m) resolve(Number(m[1]));
    };
    child.stderr.setEncoding('utf8').on('data', look);
    child.stdout?.setEncoding('utf8').on('data', look);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${text}`)));
  });
  return { child, port };
}

/** A server under load: its own keep-alive pool, and what its phases measured. */
function target(name, port, pid) {
  return { name, pid, url: `http://127.0.0.1:${port}/hooks/relyable`, agent: new Agent({ connections: CONNECTIONS, pipelining: 1 }), latencies: [], failures: 0, secs: 0, sent: 0, checkpoints: [] };
}

/** One phase: `count` requests to `t` over CONNECTIONS connections, timed as a whole. */
async function phase(t, count) {
  let next = 0;
  const started = performance.now();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const { body, signature } = bodies[(t.sent + i) % DISTINCT];
      const s = performance.now();
      const res = await request(t.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-relyable-signature': signature },
        dispatcher: t.agent,
      });
      await res.body.dump();
      t.latencies.push(performance.now() - s);
      if (res.statusCode !== 200) t.failures++;
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  t.secs += (performance.now() - started) / 1000;
  t.sent += count;
  t.checkpoints.push({ at: t.sent, rss: rssOf(t.pid) });
}

rmSync(join(WORK, 'listen'), { recursive: true, force: true });
mkdirSync(join(WORK, 'listen'), { recursive: true });
const jsonOut = join(WORK, 'listen', 'stdout.ndjson');
const logFile = join(WORK, 'listen', 'log.ndjson');

// Both servers run for the whole benchmark; the load alternates between them in ten phases (the
// order flips each phase), so a burst of noise on this machine hits both alike.
const bare = await startProcess(['bench/listen-bare.js']);
const extra = process.env.BENCH_LISTEN_ARGS ? process.env.BENCH_LISTEN_ARGS.split(' ') : ['--json', '--log', logFile];
const listen = await startProcess(['bin/hookscope.js', 'listen', '--port', '0', ...extra, '--secret', `relyable=${SECRET}`], { stdoutFile: jsonOut });
const b = target('bare node:http', bare.port, bare.child.pid);
const l = target('hookscope listen --json', listen.port, listen.child.pid);
const PHASES = 10;
try {
  for (let k = 0; k < PHASES; k++) {
    for (const t of k % 2 === 0 ? [b, l] : [l, b]) await phase(t, REQUESTS / PHASES);
  }
} finally {
  await Promise.all([b.agent.close(), l.agent.close()]);
  bare.child.kill('SIGTERM');
  const exited = new Promise((r) => listen.child.once('exit', r));
  listen.child.kill('SIGINT');
  await exited;
}
const results = [b, l].map((t) => ({ ...t, rps: t.sent / t.secs, p50: percentile(t.latencies, 50), p99: percentile(t.latencies, 99) }));
// An experiment run (BENCH_LISTEN_ARGS) may have no log or no --json output: counted as 0.
const count = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
const jsonRecords = count(jsonOut);
const logRecords = count(logFile);
const lost = { json: REQUESTS - jsonRecords, log: REQUESTS - logRecords };
const valid = process.env.BENCH_LISTEN_ARGS || readFileSync(jsonOut, 'utf8').split('\n').filter(Boolean).slice(0, 100).every((l) => JSON.parse(l).signature.state === 'valid');
if (!valid) abort('the listener did not see valid signatures: the benchmark measured the wrong thing');

console.log(`listen: ${REQUESTS} signed relyable requests over ${CONNECTIONS} keep-alive connections; node ${process.version}, ${cpus().length} CPUs`);
for (const r of results) {
  console.log(`  ${r.name.padEnd(26)} ${lpad(r.rps.toFixed(0), 7)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   non-200: ${r.failures}`);
}
const [rb, rl] = results;
console.log(`  listener RSS (MiB) by requests: ${l.checkpoints.map((c) => `${c.at / 1000}k ${c.rss.toFixed(0)}`).join(', ')}`);
console.log(`  records: --json output ${jsonRecords}, log ${logRecords} (sent ${REQUESTS})`);
const ratio = rl.rps / rb.rps;
verdict('listen req/s vs bare node:http', ratio, '≥ 0.8×', ratio >= 0.8);
const lostTotal = lost.json + lost.log;
console.log(`lost records: ${lostTotal} (target 0)  ${lostTotal === 0 && rl.failures === 0 ? 'OK' : 'MISSED'}`);
// Flat = no growth with the count: the peak over the second half against the peak over the first.
// (RSS saw-tooths by 20-30 MiB between major GCs, and the first checkpoints come before the heap
// and the dedupe memory reach their steady size, so a single early reading is not a baseline.)
const half = Math.floor(l.checkpoints.length / 2);
const peak = (cs) => Math.max(...cs.map((c) => c.rss));
const growth = peak(l.checkpoints.slice(half)) / peak(l.checkpoints.slice(0, half));
verdict('listener RSS peak, second half vs first half of the requests', growth, '≤ 1.25×', growth <= 1.25);
