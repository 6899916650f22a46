// Benchmark runner (`npm run bench`): builds dist/ if dist/cli/main.js is missing, then runs each
// benchmark script in sequence as a child process, passing its output through, and ends with a
// summary of the targets. `node bench/run.js startup` runs a subset.
// Targets are goals reported to humans, not CI gates: a missed target prints MISSED and the exit
// code stays 0. Exit 1 only if a benchmark itself failed (crashed or aborted on bad data).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.js';

const BENCHES = ['startup', 'send', 'validate', 'validate-stream', 'listen', 'replay', 'hostile', 'inspector'];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !BENCHES.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);
  process.exit(2);
}
const selected = wanted.length ? BENCHES.filter((n) => wanted.includes(n)) : BENCHES;

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
  console.log('dist/cli/main.js is missing: running npm run build');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error(`npm run build failed (exit ${build.status ?? build.error})`);
    process.exit(1);
  }
}

/** Run one benchmark, echoing its stdout as it comes; resolve with { code, output }. */
function runBench(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', `${name}.js`)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

const results = [];
for (const name of selected) {
  console.log(`\n=== bench: ${name} ===`);
  const started = process.hrtime.bigint();
  const { code, output } = await runBench(name);
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const targets = output.split('\n').filter((l) => /\(target [^)]*\)\s+(OK|MISSED)\s*$/.test(l));
  results.push({ name, code, secs, targets });
  if (code !== 0) console.log(`=== bench ${name} FAILED (exit ${code}) ===`);
}

console.log('\n=== summary ===');
let missed = 0;
for (const r of results) {
  console.log(`${r.name} (${r.secs.toFixed(1)} s)${r.code === 0 ? '' : `: FAILED, exit ${r.code}`}`);
  for (const t of r.targets) {
    if (t.trimEnd().endsWith('MISSED')) missed++;
    console.log(`  ${t.trim()}`);
  }
}
const failed = results.filter((r) => r.code !== 0).length;
const total = results.reduce((n, r) => n + r.targets.length, 0);
console.log(missed ? `MISSED: ${missed} of ${total} targets (goals, not gates: exit code stays 0)`
  : `all ${total} targets met`);
if (failed) console.log(`${failed} benchmark(s) FAILED`);
process.exit(failed ? 1 : 0);
