// Terminal detection: whether a stream gets colours and spinners. chalk ignores NO_COLOR on
// its own, so hookscope decides here and hands reporters an explicit colour level.
import { Chalk, type ChalkInstance } from 'chalk';

export interface StreamLike {
  isTTY?: boolean;
  /** A terminal's width; 0 when the terminal does not say (e.g. a pseudo-terminal of size 0x0). */
  columns?: number;
  write(chunk: string): unknown;
}

export function isColorEnabled(stream: StreamLike, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/**
 * Spinners only on an interactive terminal of known width, never in CI or machine output. (ora
 * divides by the width to count the lines it clears: at 0 columns it clears lines forever.)
 */
export function isSpinnerEnabled(stream: StreamLike, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (stream.columns ?? 0) > 0 && !env.CI && isColorEnabled(stream, env);
}

export function makeChalk(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

/** Text from the network is untrusted: control characters (terminal escapes) are shown, not obeyed. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
