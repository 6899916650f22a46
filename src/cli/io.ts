// What a command's `run` gets from the CLI: where to write, the environment, whether to colour.
// Commands write data to stdout and chatter to stderr, and return their exit code; only
// src/cli/main.ts sets it.
import type { ExitCodeValue } from '../errors.js';

export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CommandIO {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /** Colours on stdout (false for --no-color, NO_COLOR, pipes). */
  color: boolean;
  /**
   * Aborted on Ctrl-C (SIGINT) or SIGTERM. A command stops at once: it stops starting work,
   * cancels what is in flight, prints what was done so far and returns; the CLI then exits
   * 130 (SIGINT) or 143 (SIGTERM). A second Ctrl-C exits at once.
   */
  signal: AbortSignal;
}

/** What src/commands/<verb>.ts exports for the CLI. */
export interface CommandModule<O> {
  run(options: O, io: CommandIO): Promise<ExitCodeValue>;
}
