// Benchmark: `hookscope listen` under load, against two receivers measured in the same run.
//   listen          `hookscope listen --json --port 0 --secret relyable=… --log <file>`, stdout
//                   redirected to a file: the real product (inspect, log, print a record).
//   do-it-yourself  bench/listen-diy.js: what a developer writes in five minutes (node:http,
//                   JSON.parse, HMAC check with timingSafeEqual, an NDJSON log line through
//                   fs.createWriteStream, a console.log line to a file, 200 {"ok":true}).
//   do-it-yourself + validate()
//                   bench/listen-diy.js --validate: the same receiver that also checks each body
//                   with hookscope's library (vendor detection and the event's schema): for
//                   reference, what those checks cost without the rest of listen.
//   bare            bench/listen-bare.js: node:http answering 200, nothing else.
// Each server runs in its own process for the whole benchmark; this process is the load
// generator: autocannon (programmatic API), CONNECTIONS (32) keep-alive connections, pipelining
// 1, POSTs of signed Relyable test_run.completed bodies (20,000 distinct test_run_ids, so
// listen's duplicate memory, 10,000 keys, fills and evicts). REQUESTS to each server
// (BENCH_LISTEN_REQUESTS, default 100,000) after WARMUP (5,000) untimed ones, in PHASES (20)
// phases per server; the servers take turns phase by phase, the order rotated each round, so
// noise on the machine hits them alike (a round lasts a few seconds: short enough that a burst
// of other work usually spans all its phases).
// Reported per server: req/s = its requests / the summed wall time of its phases (autocannon
// start to last response); p50/p99 latency over all its requests (autocannon's per-response
// times merged over the phases; autocannon's own merged histogram, which truncates to whole ms,
// is shown alongside); peak RSS (/proc/<pid>/status VmRSS, sampled every 100 ms).
// Targets: listen req/s >= 1.0x the do-it-yourself receiver's; lost records = 0 (lines in
// listen's --json output and in its log, each = the 2xx answers autocannon counted; no non-2xx,
// no errors); RSS flat (listen's peak RSS over the second half of its requests <= 1.25x the peak
// over the first half). Listen vs bare, do-it-yourself vs bare, and listen and do-it-yourself vs
// do-it-yourself + validate() are printed for reference.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { abort, BENCH_ENV, lpad, median, pad, percentile, ROOT, targetLine, verdict, WORK } from './lib.js';

const PHASES = 20;
const REQUESTS = Math.ceil(Math.max(1000, Number(process.env.BENCH_LISTEN_REQUESTS) || 100_000) / PHASES) * PHASES;
const WARMUP = 5000;
const CONNECTIONS = 32;
const DISTINCT = 20_000;
const SECRET = 'bench-listen-secret-0123456789';
const AUTOCANNON = createRequire(import.meta.url)('autocannon/package.json').version;

const dir = join(WORK, 'listen');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const files = {
  listenOut: join(dir, 'listen.stdout.ndjson'),
  listenLog: join(dir, 'listen.log.ndjson'),
  diyOut: join(dir, 'diy.stdout.txt'),
  diyLog: join(dir, 'diy.log.ndjson'),
  checkedOut: join(dir, 'diy-validate.stdout.txt'),
  checkedLog: join(dir, 'diy-validate.log.ndjson'),
};

// Bodies: the fixture with a varying test_run_id (same length each), signed as Relyable signs.
const fixture = JSON.parse(readFileSync(join(ROOT, 'fixtures/relyable/test_run.completed.json'), 'utf8'));
const bodies = Array.from({ length: DISTINCT }, (_, i) => {
  const body = Buffer.from(JSON.stringify({ ...fixture, data: { ...fixture.data, test_run_id: `run_${String(i).padStart(6, '0')}` } }));
  return { body, signature: createHmac('sha256', SECRET).update(body).digest('hex') };
});

const children = [];
/** Abort, but first kill the servers started so far (they would outlive this process). */
function fail(message) {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  abort(message);
}

/**
 * Start a server process and wait for its address: a `…: http://127.0.0.1:PORT` line on stderr,
 * or (bench/listen-bare.js) a port number alone on stdout. stdout goes to `stdoutFile` if given.
 */
async function start(name, args, { stdoutFile } = {}) {
  const out = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', out, 'pipe'], env: { ...BENCH_ENV, NO_COLOR: '1' } });
  if (stdoutFile) closeSync(out);
  children.push(child);
  const server = { name, child, pid: child.pid, err: { text: '' } }; // err: shared by the copies target() makes
  let stdout = '';
  try {
    server.port = await new Promise((resolve, reject) => {
      const look = () => {
        const m = /: http:\/\/127\.0\.0\.1:(\d+)/.exec(server.err.text) ?? /^(\d+)\n/.exec(stdout);
        if (m) resolve(Number(m[1]));
      };
      child.stderr.setEncoding('utf8').on('data', (d) => { server.err.text += d; look(); });
      child.stdout?.setEncoding('utf8').on('data', (d) => { stdout += d; look(); });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`exited with ${code ?? signal}: ${server.err.text}${stdout}`)));
      setTimeout(() => reject(new Error(`no address after 15 s: ${server.err.text}${stdout}`)), 15_000).unref();
    });
  } catch (e) {
    fail(`${name} (node ${args.join(' ')}) did not start: ${e.message}`);
  }
  // 'close', not 'exit': by then its stderr (listen's summary) has been read to the end.
  server.exited = new Promise((r) => child.once('close', (code, signal) => r(code ?? signal)));
  return server;
}

/** Stop a server with `signal`; SIGKILL after 30 s. Resolves with its exit code (or signal). */
async function stop(server, signal) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.child.exitCode ?? server.child.signalCode;
  server.child.kill(signal);
  const timer = setTimeout(() => {
    server.killed = true;
    server.child.kill('SIGKILL');
  }, 30_000);
  const code = await server.exited;
  clearTimeout(timer);
  return code;
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN; // exited
  }
}

/** A server under load, and what its phases measured. */
function target(server) {
  let next = 0;
  return {
    ...server,
    url: `http://127.0.0.1:${server.port}/hooks/relyable`,
    // Each request takes the next body of the cycle (a counter per server, shared by its connections).
    setupRequest(req) {
      const { body, signature } = bodies[next++ % DISTINCT];
      req.body = body;
      req.headers['x-relyable-signature'] = signature;
      return req;
    },
    latencies: [], // ms, every measured response (autocannon's responseTime)
    results: [], // autocannon's raw result per measured phase (skipAggregateResult)
    phaseRps: [],
    secs: 0,
    measured: 0, // responses in measured phases (the x axis of the RSS samples)
    ok2xx: 0, // 2xx answers over all phases, warm-up included
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    rss: [], // { at: measured responses so far, mib }
  };
}

/** One phase: `amount` requests to `t` over CONNECTIONS connections, timed as a whole. */
async function phase(t, amount, { measure = true } = {}) {
  let last = 0;
  const started = performance.now();
  const instance = autocannon({
    url: t.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: t.setupRequest }],
    connections: CONNECTIONS,
    pipelining: 1,
    amount,
    timeout: 10,
    sampleInt: 100, // autocannon notices the end at its next sample; its default is 1 s
    skipAggregateResult: true,
  });
  instance.on('response', (client, status, bytes, responseTime) => {
    last = performance.now();
    if (measure) {
      t.latencies.push(responseTime);
      t.measured++;
    }
  });
  const result = await instance;
  t.ok2xx += result['2xx'];
  t.non2xx += result.non2xx;
  t.errors += result.errors;
  t.timeouts += result.timeouts;
  if (!measure) return;
  const secs = ((last || performance.now()) - started) / 1000;
  t.secs += secs;
  t.phaseRps.push(result.totalCompletedRequests / secs);
  t.results.push(result);
}

// 1. Start the servers.
const listen = target(await start('hookscope listen', [
  'bin/hookscope.js', 'listen', '--json', '--port', '0', '--secret', `relyable=${SECRET}`, '--log', files.listenLog,
], { stdoutFile: files.listenOut }));
const diy = target(await start('do-it-yourself', ['bench/listen-diy.js', files.diyLog, SECRET], { stdoutFile: files.diyOut }));
const checked = target(await start('do-it-yourself + validate()', ['bench/listen-diy.js', files.checkedLog, SECRET, '--validate'], { stdoutFile: files.checkedOut }));
const bare = target(await start('bare node:http', ['bench/listen-bare.js']));
const servers = [listen, diy, checked, bare];

// 2. Sample every server's RSS every 100 ms, tagged with how far its measured requests got.
const sampler = setInterval(() => {
  for (const t of servers) t.rss.push({ at: t.measured, mib: rssMiB(t.pid) });
}, 100);

// 3. Warm-up (untimed), then PHASES rounds; in round k the order is rotated by k.
const perPhase = REQUESTS / PHASES;
const runStarted = performance.now();
try {
  for (const t of servers) await phase(t, WARMUP, { measure: false });
  for (let k = 0; k < PHASES; k++) {
    for (let j = 0; j < servers.length; j++) await phase(servers[(k + j) % servers.length], perPhase);
  }
} catch (e) {
  clearInterval(sampler);
  fail(`autocannon failed: ${e.stack ?? e}`);
}
const runSecs = (performance.now() - runStarted) / 1000;
clearInterval(sampler);
for (const t of servers) t.rss.push({ at: t.measured, mib: rssMiB(t.pid) });

// 4. Stop: listen gets SIGINT (prints its summary on stderr, then exits); the others SIGTERM.
const codes = {
  listen: await stop(listen, 'SIGINT'),
  diy: await stop(diy, 'SIGTERM'),
  checked: await stop(checked, 'SIGTERM'),
  bare: await stop(bare, 'SIGTERM'),
};
if (listen.killed) console.log('  (hookscope listen did not exit within 30 s of SIGINT: killed)');

// 5. Check what the servers wrote: every listen record should carry a valid signature, and the
// do-it-yourself receiver must have checked signatures too, or the comparison means nothing.
function ndjsonLines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}
const listenOut = ndjsonLines(files.listenOut);
const listenLogLines = ndjsonLines(files.listenLog).length;
let listenValid = 0;
let listenDuplicates = 0;
for (const line of listenOut) {
  try {
    const r = JSON.parse(line);
    if (r.signature?.state === 'valid') listenValid++;
    if (r.duplicate) listenDuplicates++;
  } catch {
    // counted as not valid
  }
}
/** What a do-it-yourself receiver wrote: log lines, those `good` accepts, and printed lines. */
const wrote = (log, out, good) => {
  const logged = ndjsonLines(log);
  return { logged: logged.length, good: logged.filter((l) => good(JSON.parse(l))).length, printed: ndjsonLines(out).length };
};
const diyWrote = wrote(files.diyLog, files.diyOut, (r) => r.valid === true);
const checkedWrote = wrote(files.checkedLog, files.checkedOut, (r) => r.valid === true && r.schema === true);
const summary = listen.err.text.split('\n').find((l) => l.startsWith('hookscope listen: ') && !l.includes('http://'));
rmSync(dir, { recursive: true, force: true });

for (const t of [diy, checked, bare]) {
  if (t.non2xx || t.errors || t.timeouts) {
    fail(`${t.name}: ${t.non2xx} non-2xx, ${t.errors} errors, ${t.timeouts} timeouts: a baseline must answer every request`);
  }
}
for (const [t, w, good] of [[diy, diyWrote, 'a valid signature'], [checked, checkedWrote, 'a valid signature and schema']]) {
  if (w.good !== t.ok2xx || w.printed !== t.ok2xx) {
    fail(`the ${t.name} receiver logged ${w.logged} requests (${w.good} with ${good}) and printed ${w.printed} lines for ${t.ok2xx} answered`);
  }
}
if (listenOut.length > 0 && listenValid < listenOut.length) {
  fail(`hookscope listen saw ${listenOut.length - listenValid} of ${listenOut.length} signatures as not valid: the benchmark measured the wrong thing`);
}

// 6. Report.
for (const t of servers) {
  t.rps = t.measured / t.secs;
  t.p50 = percentile(t.latencies, 50);
  t.p99 = percentile(t.latencies, 99);
  const merged = autocannon.aggregateResult(t.results, { url: t.url, connections: CONNECTIONS, pipelining: 1 });
  t.hist = { p50: merged.latency.p50, p99: merged.latency.p99 };
  t.peakRss = Math.max(...t.rss.map((s) => s.mib).filter(Number.isFinite));
}
console.log(`listen: ${REQUESTS} signed relyable test_run.completed requests to each server (${DISTINCT} distinct bodies) ` +
  `after ${WARMUP} warm-up; ${PHASES} phases x ${perPhase} per server, order rotated each round; autocannon ${AUTOCANNON}, ` +
  `${CONNECTIONS} connections, pipelining 1; ${runSecs.toFixed(0)} s in all; node ${process.version}, ${cpus().length} CPUs`);
console.log(`  ${pad('server', 34)}${lpad('req/s', 8)}${lpad('p50', 10)}${lpad('p99', 10)}   histogram p50/p99${lpad('peak RSS', 12)}`);
for (const t of servers) {
  console.log(`  ${pad(t.name, 34)}${lpad(t.rps.toFixed(0), 8)}${lpad(`${t.p50.toFixed(2)} ms`, 10)}${lpad(`${t.p99.toFixed(2)} ms`, 10)}` +
    `   ${lpad(`${t.hist.p50}/${t.hist.p99} ms`, 17)}${lpad(`${t.peakRss.toFixed(0)} MiB`, 12)}`);
}
for (const t of servers) console.log(`  req/s by phase, ${pad(`${t.name}:`, 30)} ${t.phaseRps.map((x) => x.toFixed(0)).join(' ')}`);
const marks = Array.from({ length: 10 }, (_, i) => ((i + 1) * REQUESTS) / 10);
const rssAt = (at) => Math.max(...listen.rss.filter((s) => s.at <= at && s.at > at - REQUESTS / 10).map((s) => s.mib).filter(Number.isFinite));
console.log(`  listen RSS (MiB), peak per tenth of its requests: ${marks.map((m) => `${m / 1000}k ${rssAt(m).toFixed(0)}`).join(', ')}`);
console.log(`  listen records: --json output ${listenOut.length} (${listenValid} signature valid, ${listenDuplicates} marked duplicate), ` +
  `log ${listenLogLines}; autocannon: ${listen.ok2xx} answered 2xx (warm-up included), ${listen.non2xx} non-2xx, ` +
  `${listen.errors} errors, ${listen.timeouts} timeouts; exit ${codes.listen} after SIGINT`);
if (summary) console.log(`  listen's own summary: ${summary.trim()}`);

const ratio = listen.rps / diy.rps;
verdict('listen vs do-it-yourself req/s', ratio, '≥ 1.0×', ratio >= 1.0);
const lost = Math.abs(listen.ok2xx - listenOut.length) + Math.abs(listen.ok2xx - listenLogLines);
const clean = listen.non2xx === 0 && listen.errors === 0 && listen.timeouts === 0;
targetLine('lost records', `${lost}${clean ? '' : ` (and ${listen.non2xx} non-2xx, ${listen.errors} errors, ${listen.timeouts} timeouts)`}`,
  '0', lost === 0 && clean);
// Flat = no growth with the request count: the peak over the second half against the peak over
// the first (RSS saw-tooths between major GCs, so single readings are no baseline).
const peakOf = (ss) => Math.max(...ss.map((s) => s.mib).filter(Number.isFinite));
const growth = peakOf(listen.rss.filter((s) => s.at > REQUESTS / 2)) / peakOf(listen.rss.filter((s) => s.at > 0 && s.at <= REQUESTS / 2));
verdict('listen RSS flat, peak over the second half vs the first half', growth, '≤ 1.25×', growth <= 1.25);
// How much the ratio moves between rounds (the phases of one round are seconds apart).
const perRound = listen.phaseRps.map((x, k) => x / diy.phaseRps[k]);
console.log(`  (info) listen vs do-it-yourself req/s round by round: median ${median(perRound).toFixed(2)}×, ` +
  `range ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}×`);
console.log(`  (info) with hookscope's checks in the do-it-yourself receiver: listen vs it ${(listen.rps / checked.rps).toFixed(2)}×; ` +
  `it vs do-it-yourself ${(checked.rps / diy.rps).toFixed(2)}× (what detection and the schema check cost alone)`);
console.log(`  (info) listen vs bare req/s: ${(listen.rps / bare.rps).toFixed(2)}×; do-it-yourself vs bare: ${(diy.rps / bare.rps).toFixed(2)}×; ` +
  `p99: listen ${listen.p99.toFixed(2)} ms, do-it-yourself ${diy.p99.toFixed(2)} ms, bare ${bare.p99.toFixed(2)} ms`);
console.log(`  (files: ${relative(ROOT, dir)}/ removed)`);
