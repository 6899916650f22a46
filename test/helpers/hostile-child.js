// One measurement for test/e2e/hostile.test.ts, in a process of its own so that its CPU time and
// peak memory are its own: `node hostile-child.js <shape> <bytes> <validate|parse>`.
// Builds the crafted body, then either validates it with the built library (dist/index.js, the
// engine behind `validate`, `listen`, `send` and `replay`) or only JSON.parses it (the baseline),
// and prints one JSON line: CPU milliseconds of that step, the process's peak RSS, and a summary.
import { SHAPES } from './hostile-shapes.js';

const [shape, bytes, mode] = process.argv.slice(2);
const make = SHAPES[shape]?.make;
if (!make || !['validate', 'parse'].includes(mode)) {
  console.error('usage: hostile-child.js <shape> <bytes> <validate|parse>');
  process.exit(2);
}
const text = make(Number(bytes));
const { validate } = mode === 'validate' ? await import('../../dist/index.js') : { validate: undefined };

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const started = cpu();
let summary;
if (validate) {
  const r = validate(text);
  summary = { valid: r.valid, issues: r.issues.length, omitted: r.omittedIssues ?? 0, omittedWarnings: r.omittedWarnings ?? 0, chars: JSON.stringify(r.issues).length };
} else {
  summary = { keys: typeof JSON.parse(text) };
}
const cpuMs = cpu() - started;
console.log(JSON.stringify({ shape, bytes: text.length, mode, cpuMs, maxRssKb: process.resourceUsage().maxRSS, ...summary }));
