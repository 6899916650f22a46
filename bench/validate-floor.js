// Floor for bench/validate.js: the least any validator written in Node must do on the same files.
// Walks the directory given as argument (recursively) and, for each *.json file, does
// readFileSync + JSON.parse, nothing else. One process. Prints the file count.
// With --validate it also checks each parsed body with hookscope's library (`validate()` from
// dist/index.js: vendor detection and the event's schema) and counts the valid ones: the floor
// plus the checks alone, without the CLI around them (file positions, duplicate keys, a report).
// Usage: node bench/validate-floor.js <dir> [--validate]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [root = '.', flag] = process.argv.slice(2);
if (flag !== undefined && flag !== '--validate') {
  console.error('usage: node bench/validate-floor.js <dir> [--validate]');
  process.exit(2);
}
const check = flag ? (await import('../dist/index.js')).validate : undefined;

let files = 0;
let valid = 0;
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.json')) {
      const body = JSON.parse(readFileSync(path, 'utf8'));
      if (check?.(body).valid) valid++;
      files++;
    }
  }
}

walk(root);
console.log(check ? `${files} files parsed, ${valid} valid` : `${files} files parsed`);
