// Terminal output: chalk instances and printable text. chalk ignores NO_COLOR on its own, so
// hookscope decides (color.ts, re-exported here) and hands reporters an explicit colour level.
import { Chalk, type ChalkInstance } from 'chalk';

export { isColorEnabled, isSpinnerEnabled, type StreamLike } from './color.js';

export function makeChalk(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** Text from the network is untrusted: control characters (terminal escapes) are shown, not obeyed. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
