// Terminal detection: whether a stream gets colours and spinners. chalk ignores NO_COLOR on
// its own, so hookscope decides here and hands reporters an explicit colour level.
import { Chalk, type ChalkInstance } from 'chalk';

export interface StreamLike {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

export function isColorEnabled(stream: StreamLike, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Spinners only on an interactive terminal, never in CI or machine output. */
export function isSpinnerEnabled(stream: StreamLike, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI && isColorEnabled(stream, env);
}

export function makeChalk(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** Text from the network is untrusted: control characters (terminal escapes) are shown, not obeyed. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
