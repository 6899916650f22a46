// Walking the paths given to validate: every spelling of a directory names its files exactly as
// path.join would (the walk joins without re-normalising each file's path).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listTargets } from '../../src/files/inputs.js';

const root = mkdtempSync(join(tmpdir(), 'hookscope-inputs-'));
mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
for (const f of ['a.json', '.hidden.json', 'with space.json', 'skip.txt', 'sub/b.ndjson', 'sub/deeper/c.jsonl']) writeFileSync(join(root, f), '{}');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sources = (path: string) => listTargets([path]).map((t) => (t.kind === 'file' ? `${t.source} regular=${t.regular}` : t.kind));

describe.skipIf(process.platform === 'win32')('listTargets', () => {
  it.each([root, `${root}/`, `${root}//`, `${root}/./`, `${root}/sub/..`, `${root}/sub/../`, `${root}//sub//..//`])('%s: files as path.join names them, sorted, by extension', (spelling) => {
    expect(sources(spelling)).toEqual([
      `${join(spelling, '.hidden.json')} regular=true`,
      `${join(spelling, 'a.json')} regular=true`,
      `${join(spelling, 'sub', 'b.ndjson')} regular=true`,
      `${join(spelling, 'sub', 'deeper', 'c.jsonl')} regular=true`,
      `${join(spelling, 'with space.json')} regular=true`,
    ]);
  });
});
