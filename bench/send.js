// Benchmark: one `hookscope send` process against a minimal Node script that sends the same
// signed body with undici (bench/send-baseline.js), both to the same loopback receiver
// (bench/send-receiver.js, its own process), measured in the same run, interleaved (order
// rotated each round), WARMUP untimed rounds then RUNS timed rounds (BENCH_SEND_RUNS, default 30).
// `node -e 0` is timed alongside for reference. Before timing, both senders' requests are
// compared: same body bytes, same signature, or the benchmark aborts.
// Target: median hookscope send <= 1.3x median baseline.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { abort, lpad, median, ms, pad, percentile, ROOT, runNode, timeNode, verdict, WORK } from './lib.js';

const WARMUP = 3;
const RUNS = Math.min(200, Math.max(5, Number(process.env.BENCH_SEND_RUNS) || 30));
const SECRET = 'bench-secret-0123456789abcdef';
const VENDOR = 'relyable';
const EVENT = 'test_run.completed';

const receiver = spawn(process.execPath, [join(ROOT, 'bench/send-receiver.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  receiver.stdout.setEncoding('utf8').once('data', (d) => resolve(Number(d.trim())));
  receiver.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
});
const url = `http://127.0.0.1:${port}/hooks`;
const last = async () => (await fetch(`http://127.0.0.1:${port}/last`)).json();

try {
  // What hookscope sends (fixture as is, so both senders carry the same bytes).
  const dry = runNode(['bin/hookscope.js', 'send', VENDOR, EVENT, '--url', url, '--secret', SECRET, '--no-fresh', '--json']);
  if (dry.status !== 0) abort(`hookscope send exited ${dry.status}: ${dry.stderr}`);
  const sent = JSON.parse(dry.stdout);
  const header = Object.keys(sent.request.headers).find((h) => h.includes('signature'));
  if (!header) abort('hookscope sent no signature header');
  const byHookscope = await last();

  mkdirSync(WORK, { recursive: true });
  const bodyFile = join(WORK, 'send-body.json');
  writeFileSync(bodyFile, sent.request.body);
  const baselineArgs = ['bench/send-baseline.js', url, bodyFile, header, sent.request.headers[header]];
  const base = runNode(baselineArgs);
  if (base.status !== 0) abort(`baseline exited ${base.status}: ${base.stderr}`);
  const byBaseline = await last();
  if (byBaseline.body !== byHookscope.body || byBaseline.headers[header] !== byHookscope.headers[header]) {
    abort('hookscope and the baseline did not send the same signed body');
  }

  const cases = [
    { name: 'node -e 0', args: ['-e', '0'], times: [] },
    { name: 'baseline (undici script)', args: baselineArgs, times: [] },
    { name: 'hookscope send', args: ['bin/hookscope.js', 'send', VENDOR, EVENT, '--url', url, '--secret', SECRET], times: [] },
  ];
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(round + k) % cases.length];
      const t = timeNode(c.args);
      if (round >= WARMUP) c.times.push(t);
    }
  }

  console.log(`send: ${VENDOR} ${EVENT} (${sent.request.bytes} bytes, signed) to a loopback receiver; ` +
    `${RUNS} runs each after ${WARMUP} warm-ups, interleaved; node ${process.version}, ${cpus().length} CPUs`);
  for (const c of cases) {
    c.median = median(c.times);
    console.log(`  ${pad(c.name, 26)} median ${lpad(ms(c.median), 10)}   p90 ${lpad(ms(percentile(c.times, 90)), 10)}   ` +
      `(min ${ms(Math.min(...c.times))}, max ${ms(Math.max(...c.times))})`);
  }
  const [node, baseline, hookscope] = cases;
  console.log(`  hookscope send vs node -e 0: ${(hookscope.median / node.median).toFixed(2)}× (for reference)`);
  const ratio = hookscope.median / baseline.median;
  verdict('send vs baseline undici script', ratio, '≤ 1.3×', ratio <= 1.3);
} finally {
  receiver.kill('SIGTERM');
}
