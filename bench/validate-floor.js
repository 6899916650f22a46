// Floor for bench/validate.js: the least any validator written in Node must do on the same files.
// Walks the directory given as argument (recursively) and, for each *.json file, does
// readFileSync + JSON.parse, nothing else. One process. Prints the file count.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let files = 0;
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.json')) {
      JSON.parse(readFileSync(path, 'utf8'));
      files++;
    }
  }
}

walk(process.argv[2] ?? '.');
console.log(`${files} files parsed`);
