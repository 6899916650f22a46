// Benchmark: `hookscope validate` on 10,000 saved payloads (all request events, evenly spread),
// against two baselines measured in the same run on the same files:
//   ajv-cli 5 — the JSON Schemas exported by `hookscope schema`, one ajv-cli process per event
//               directory (it takes one schema), run sequentially; its time is the sum.
//   floor     — bench/validate-floor.js: readFileSync + JSON.parse per file, one process.
// For reference, the floor with hookscope's library check added (bench/validate-floor.js
// --validate: `validate()` on each parsed body), which shows what detection and the schema check
// cost alone, apart from the CLI around them.
// The same three again on the largest event directory alone (the one with the most files, ~1/N of
// the set; the most bytes among equals): one ajv-cli process there, so that comparison is not mostly ajv-cli's start-up paid
// once per event.
// Targets: on the full set, hookscope throughput >= 2x ajv-cli's and hookscope wall time <= 2x the
// floor's; on the largest directory alone, hookscope wall time <= 2x the floor's.
// Informational: hookscope vs ajv-cli on the largest directory alone; hookscope --format pretty vs
// --format json (reporter cost); the floor + validate() vs the floor, and hookscope vs it.
// Each is run RUNS times (BENCH_RUNS, default 5; the single-directory ones 3x RUNS), interleaved,
// after one untimed checking run; the median wall time is reported, with every run's time so the
// noise is visible.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { fnv1a, mulberry32, vary } from './gen-payloads.js';
import { ROOT, WORK, abort, lpad, median, ms, pad, runNode, timeNode, verdict } from './lib.js';

const TOTAL = 10_000;
const RUNS = Math.min(50, Math.max(1, Number(process.env.BENCH_RUNS) || 5));
const PAYLOADS = relative(ROOT, join(WORK, 'payloads'));
const SCHEMAS = relative(ROOT, join(WORK, 'schemas'));

rmSync(WORK, { recursive: true, force: true });
mkdirSync(PAYLOADS, { recursive: true });
mkdirSync(SCHEMAS, { recursive: true });
process.chdir(ROOT);

// 1. Events (from the CLI itself) and their fixtures; the exported JSON Schema of each.
const listing = runNode(['bin/hookscope.js', 'vendors', '--json']);
if (listing.status !== 0) abort(`hookscope vendors --json failed:\n${listing.stderr}`);
// Vendors recognised by their request headers (Standard Webhooks) are left out: a saved body of theirs is nobody's.
const events = JSON.parse(listing.stdout)
  .filter((v) => v.recognisedBy === 'body')
  .flatMap((v) => v.events.map((e) => ({ vendor: v.id, event: e.name })));
for (const ev of events) {
  const schema = runNode(['bin/hookscope.js', 'schema', ev.vendor, ev.event]);
  if (schema.status !== 0) abort(`hookscope schema ${ev.vendor} ${ev.event} failed:\n${schema.stderr}`);
  ev.schema = join(SCHEMAS, `${ev.vendor}__${ev.event}.json`);
  writeFileSync(ev.schema, schema.stdout);
}

// 2. Payloads: bench/.work/payloads/<vendor>__<event>/NNNNN.json, pretty-printed like saved bodies.
let bytes = 0;
let next = 0;
events.forEach((ev, k) => {
  const fixture = JSON.parse(readFileSync(join('fixtures', ev.vendor, `${ev.event}.json`), 'utf8'));
  ev.dir = join(PAYLOADS, `${ev.vendor}__${ev.event}`);
  ev.count = Math.floor(TOTAL / events.length) + (k < TOTAL % events.length ? 1 : 0);
  mkdirSync(ev.dir);
  ev.bytes = 0;
  const seed = fnv1a(`${ev.vendor}/${ev.event}`);
  for (let i = 0; i < ev.count; i++) {
    const text = `${JSON.stringify(vary(fixture, mulberry32(seed ^ Math.imul(i + 1, 0x9e3779b9))), null, 2)}\n`;
    writeFileSync(join(ev.dir, `${String(next++).padStart(5, '0')}.json`), text);
    bytes += Buffer.byteLength(text);
    ev.bytes += Buffer.byteLength(text);
  }
});

const hookscope = (format) => ['bin/hookscope.js', 'validate', PAYLOADS, '--format', format];
const ajvCli = (ev) => [
  'node_modules/ajv-cli/dist/index.js', 'validate', '--spec=draft2020', '--allow-union-types',
  '-c', 'ajv-formats', '-s', ev.schema, '-d', `${ev.dir}/*.json`,
];
const floor = ['bench/validate-floor.js', PAYLOADS];
const library = ['bench/validate-floor.js', PAYLOADS, '--validate'];
// The largest single-event directory: the most files, then (the counts are even) the most bytes.
const big = events.reduce((a, b) => (b.count > a.count || (b.count === a.count && b.bytes > a.bytes) ? b : a));
const one = {
  json: ['bin/hookscope.js', 'validate', big.dir, '--format', 'json'],
  ajv: ajvCli(big),
  floor: ['bench/validate-floor.js', big.dir],
  library: ['bench/validate-floor.js', big.dir, '--validate'],
};

// 3. Check once (this also warms the page cache): every tool must see every file as valid.
const check = runNode(hookscope('json'));
let summary;
try {
  summary = JSON.parse(check.stdout).summary;
} catch {
  abort(`hookscope validate --format json did not print a JSON report (exit ${check.status}):\n${check.stderr}`);
}
if (check.status !== 0 || summary.payloads !== TOTAL || summary.valid !== TOTAL || summary.invalid !== 0) {
  const bad = JSON.parse(check.stdout).results.filter((r) => !r.valid).slice(0, 3);
  abort(`hookscope must report ${TOTAL} valid, 0 invalid; it reports ${JSON.stringify(summary)} ` +
    `(exit ${check.status}). First invalid:\n${JSON.stringify(bad, null, 2)}`);
}
// ajv-cli's verdict lines go to a file: it ends with process.exit(), which cuts off what it still
// had to write to a pipe (the check then counted too few lines, now and then).
const ajvOut = join(WORK, 'ajv-cli.out');
for (const ev of events) {
  const fd = openSync(ajvOut, 'w');
  const r = spawnSync(process.execPath, ajvCli(ev), { cwd: ROOT, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
  closeSync(fd);
  const valid = readFileSync(ajvOut, 'utf8').split('\n').filter((l) => l.endsWith(' valid')).length;
  if (r.status !== 0 || valid !== ev.count) {
    abort(`ajv-cli on ${ev.dir}: exit ${r.status}, ${valid}/${ev.count} valid\n${r.stderr.slice(0, 2000)}`);
  }
}
const floorCheck = runNode(floor);
if (floorCheck.status !== 0 || !floorCheck.stdout.startsWith(`${TOTAL} files`)) {
  abort(`validate-floor.js: ${floorCheck.stdout}${floorCheck.stderr}`);
}
for (const [args, count] of [[library, TOTAL], [one.library, big.count]]) {
  const r = runNode(args);
  if (r.status !== 0 || !r.stdout.startsWith(`${count} files parsed, ${count} valid`)) abort(`validate-floor.js --validate: ${r.stdout}${r.stderr}`);
}
// The largest directory alone (ajv-cli was checked on it above, with every directory).
const oneCheck = runNode(one.json);
let oneSummary;
try {
  oneSummary = JSON.parse(oneCheck.stdout).summary;
} catch {
  abort(`hookscope validate ${big.dir} did not print a JSON report (exit ${oneCheck.status}):\n${oneCheck.stderr}`);
}
if (oneCheck.status !== 0 || oneSummary.payloads !== big.count || oneSummary.valid !== big.count) {
  abort(`hookscope validate ${big.dir} must report ${big.count} valid; it reports ${JSON.stringify(oneSummary)} (exit ${oneCheck.status})`);
}
const oneFloorCheck = runNode(one.floor);
if (oneFloorCheck.status !== 0 || !oneFloorCheck.stdout.startsWith(`${big.count} files`)) {
  abort(`validate-floor.js ${big.dir}: ${oneFloorCheck.stdout}${oneFloorCheck.stderr}`);
}

// 4. Timed runs, interleaved so that drift (thermal, page cache, other load) hits all alike.
const t = { json: [], pretty: [], ajv: [], floor: [], library: [], oneJson: [], oneAjv: [], oneFloor: [], oneLibrary: [] };
for (let run = 0; run < RUNS; run++) {
  t.json.push(timeNode(hookscope('json')));
  t.ajv.push(events.reduce((sum, ev) => sum + timeNode(ajvCli(ev)), 0));
  t.floor.push(timeNode(floor));
  t.library.push(timeNode(library));
  t.pretty.push(timeNode(hookscope('pretty')));
  // The single-directory runs are short (a few hundred ms), so noise weighs more: 3 of each per round.
  for (let i = 0; i < 3; i++) {
    t.oneFloor.push(timeNode(one.floor));
    t.oneLibrary.push(timeNode(one.library));
    t.oneAjv.push(timeNode(one.ajv));
    t.oneJson.push(timeNode(one.json));
  }
}

// 5. Report.
const m = Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, median(xs)]));
const row = (name, key, files = TOTAL) => {
  const perSec = Math.round(files / (m[key] / 1000));
  const runs = t[key].map((x) => x.toFixed(0)).join(' ');
  console.log(`  ${pad(name, 34)}${lpad(ms(m[key]), 12)}${lpad(perSec, 9)} files/s   runs (ms): ${runs}`);
};
console.log(`validate: ${TOTAL} payloads, ${events.length} events x ~${Math.round(TOTAL / events.length)}, ` +
  `${(bytes / 1e6).toFixed(1)} MB; median of ${RUNS} runs (largest directory alone: ${3 * RUNS}); node ${process.version}, ${cpus().length} CPUs`);
console.log(`  (checked first: hookscope ${summary.valid} valid / ${summary.invalid} invalid / ` +
  `${summary.warnings} warnings; ajv-cli all valid; floor parsed ${TOTAL})`);
row('hookscope --format json', 'json');
row('hookscope --format pretty', 'pretty');
row(`ajv-cli (${events.length} processes, summed)`, 'ajv');
row('floor (readFileSync + JSON.parse)', 'floor');
row('floor + validate() (library)', 'library');
const tie = events.every((e) => e.count === big.count) ? `; every directory has ${big.count} files, this one the most bytes` : '';
console.log(`  largest event directory alone: ${relative(PAYLOADS, big.dir)}, ${big.count} files, ${(big.bytes / 1e6).toFixed(1)} MB${tie}`);
row('  hookscope --format json', 'oneJson', big.count);
row('  ajv-cli (1 process)', 'oneAjv', big.count);
row('  floor', 'oneFloor', big.count);
row('  floor + validate() (library)', 'oneLibrary', big.count);
const fast = m.ajv / m.json;
const slow = m.json / m.floor;
verdict('hookscope vs ajv-cli throughput', fast, '≥ 2×', fast >= 2);
verdict('hookscope time vs floor', slow, '≤ 2×', slow <= 2);
const oneSlow = m.oneJson / m.oneFloor;
verdict(`hookscope time vs floor, largest directory alone (${big.count} files)`, oneSlow, '≤ 2×', oneSlow <= 2);
console.log(`  (info) largest directory alone, hookscope vs ajv-cli throughput: ${(m.oneAjv / m.oneJson).toFixed(2)}×`);
console.log(`  (info) the checks alone, floor + validate() vs floor: ${(m.library / m.floor).toFixed(2)}× full set, ` +
  `${(m.oneLibrary / m.oneFloor).toFixed(2)}× largest directory; hookscope vs floor + validate(): ` +
  `${(m.json / m.library).toFixed(2)}× / ${(m.oneJson / m.oneLibrary).toFixed(2)}×`);
console.log(`  (info) reporter cost, pretty vs json time: ${(m.pretty / m.json).toFixed(2)}×; ` +
  `ajv-cli per process: ${ms(m.ajv / events.length)}`);
