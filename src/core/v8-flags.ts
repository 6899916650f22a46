// V8 flags a command sets for its own process. A module of its own so that node:v8 (and the
// internals it loads) is loaded only by the command that needs it: run.ts imports this lazily.
import { setFlagsFromString } from 'node:v8';

/**
 * undici parses HTTP with llhttp compiled to WebAssembly; V8 optimises it on background threads
 * that a process waits for at exit, ~130 ms after a one-shot request is done. Baseline-compiled
 * code is plenty for one reply. Set before undici loads. (Long-running commands keep the default.)
 */
export function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}
