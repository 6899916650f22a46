// Benchmark: start-up cost of the CLI. Wall time of `node bin/hookscope.js --help`,
// `node bin/hookscope.js --version` and the baseline `node -e 0`, measured in the same run,
// interleaved (order rotated each round), WARMUP untimed rounds then RUNS timed rounds
// (BENCH_STARTUP_RUNS, default 30). Reports median and p90 of each.
// Targets: median --help <= 1.5x median `node -e 0`; same for --version.
import { cpus } from 'node:os';
import { lpad, median, ms, pad, percentile, runNode, timeNode, verdict } from './lib.js';

const WARMUP = 3;
const RUNS = Math.min(200, Math.max(5, Number(process.env.BENCH_STARTUP_RUNS) || 30));
const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'hookscope --help', args: ['bin/hookscope.js', '--help'] },
  { name: 'hookscope --version', args: ['bin/hookscope.js', '--version'] },
];

// Sanity check: the commands do what we think (a benchmark of an error path measures nothing).
const help = runNode(cases[1].args);
const version = runNode(cases[2].args);
if (help.status !== 0 || !help.stdout.includes('Usage: hookscope')) {
  console.log(`\n!!! BENCHMARK ABORTED: --help exited ${help.status}\n${help.stderr}`);
  process.exit(3);
}
if (version.status !== 0 || !/^\d+\.\d+\.\d+/.test(version.stdout)) {
  console.log(`\n!!! BENCHMARK ABORTED: --version exited ${version.status}: ${version.stdout}${version.stderr}`);
  process.exit(3);
}

for (const c of cases) c.times = [];
for (let round = 0; round < WARMUP + RUNS; round++) {
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(round + k) % cases.length];
    const t = timeNode(c.args);
    if (round >= WARMUP) c.times.push(t);
  }
}

console.log(`startup: ${RUNS} runs each after ${WARMUP} warm-ups, interleaved; node ${process.version}, ` +
  `${cpus().length} CPUs (hookscope ${version.stdout.trim()})`);
for (const c of cases) {
  c.median = median(c.times);
  const spread = `min ${ms(Math.min(...c.times))}, max ${ms(Math.max(...c.times))}`;
  console.log(`  ${pad(c.name, 22)} median ${lpad(ms(c.median), 10)}   p90 ${lpad(ms(percentile(c.times, 90)), 10)}   (${spread})`);
}
const base = cases[0].median;
for (const c of cases.slice(1)) {
  const ratio = c.median / base;
  verdict(`${c.name.replace('hookscope ', '')} vs node -e 0`, ratio, '≤ 1.5×', ratio <= 1.5);
}
