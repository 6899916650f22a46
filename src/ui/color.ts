// Whether a stream gets colours and spinners: decided from the stream and the environment alone.
// Apart from terminal.ts (which makes chalk instances) so that the CLI can decide for every
// command without loading chalk: chalk's `import process from 'node:process'` makes Node build
// process.stdin, and `validate --format json` never colours anything (issue #12).

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
