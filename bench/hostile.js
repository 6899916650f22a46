// Benchmark: hookscope's validation of crafted bodies (issue #13) against JSON.parse of the same
// bytes. For each shape of test/helpers/hostile-shapes.js (a key repeated at every level, deep
// nesting, many keys, many duplicates, many failing items, many unknown fields, long strings and
// keys, huge numbers, …) at 1 MB and 10 MB: the median time of `validate(text)` from the library
// entry (dist/index.js, the engine `listen` runs on every request and `validate`, `send` and
// `replay` run on every body) over the median time of `JSON.parse(text)`, measured alternately in
// the same process. The library rather than the binary: the cost in question is the validation
// of one body, which the binary would bury under process start and output rendering.
// Each shape and size runs in a child process of its own (a fresh heap; one shape's garbage does
// not bill the next). Runs: BENCH_RUNS (default 5) at 1 MB, 3 at 10 MB, after untimed ones (3 at
// 1 MB, where V8 is still optimising the walk during the first runs, and 1 at 10 MB).
// Target: the worst ratio ≤ 10×. Linear code keeps the ratio flat from 1 MB to 10 MB; the
// quadratic scan this guards against took minutes at 1 MB.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { BENCH_ENV, NODE, ROOT, abort, lpad, median, pad, verdict } from './lib.js';

const SHAPES_URL = pathToFileURL(join(ROOT, 'test/helpers/hostile-shapes.js')).href;
const MB = 1_000_000;
const RUNS = Math.min(50, Math.max(1, Number(process.env.BENCH_RUNS) || 5));

if (process.argv[2] === '--one') {
  // Child: one shape at one size; prints one JSON line.
  const [, , , shape, bytes, runs] = process.argv;
  const { SHAPES } = await import(SHAPES_URL);
  const { validate } = await import(pathToFileURL(join(ROOT, 'dist/index.js')).href);
  const text = SHAPES[shape].make(Number(bytes));
  const time = (fn) => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const first = validate(text);
  JSON.parse(text);
  for (let i = Number(bytes) < 5 * MB ? 2 : 0; i > 0; i--) {
    validate(text);
    JSON.parse(text);
  }
  const parse = [];
  const check = [];
  for (let i = 0; i < Number(runs); i++) {
    parse.push(time(() => JSON.parse(text)));
    check.push(time(() => validate(text)));
  }
  console.log(JSON.stringify({ bytes: text.length, parse, check, issues: first.issues.length, omitted: first.omittedIssues ?? 0, valid: first.valid }));
  process.exit(0);
}

const { SHAPE_NAMES } = await import(SHAPES_URL);
const self = fileURLToPath(import.meta.url);
console.log(`hostile bodies: validate() from dist/index.js vs JSON.parse, median of ${RUNS} runs at 1 MB and 3 at 10 MB, alternating, after warm-up`);
console.log(`${pad('shape', 28)}${lpad('size', 6)}${lpad('JSON.parse', 12)}${lpad('validate', 12)}${lpad('ratio', 9)}  issues kept + omitted`);
let worst = 0;
let worstAt = '';
for (const shape of SHAPE_NAMES) {
  for (const size of [MB, 10 * MB]) {
    const runs = size === MB ? RUNS : 3;
    const r = spawnSync(NODE, [self, '--one', shape, String(size), String(runs)], { cwd: ROOT, encoding: 'utf8', env: BENCH_ENV, maxBuffer: 1 << 20 });
    if (r.status !== 0) abort(`${shape} at ${size} bytes failed (${r.status ?? r.signal}):\n${r.stderr}`);
    const m = JSON.parse(r.stdout);
    const parse = median(m.parse);
    const check = median(m.check);
    const ratio = check / parse;
    if (ratio > worst) {
      worst = ratio;
      worstAt = `${shape} at ${size / MB} MB`;
    }
    console.log(`${pad(shape, 28)}${lpad(`${size / MB} MB`, 6)}${lpad(`${parse.toFixed(1)} ms`, 12)}${lpad(`${check.toFixed(1)} ms`, 12)}${lpad(`${ratio.toFixed(2)}×`, 9)}  ${m.issues} + ${m.omitted}${m.valid ? '' : ' (invalid)'}`);
  }
}
console.log(`worst: ${worstAt}`);
verdict('hostile worst vs JSON.parse', worst, '≤ 10×', worst <= 10);
