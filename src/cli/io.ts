// What a command's `run` gets from the CLI: where to write, the environment, whether to colour.
// Commands write data to stdout and chatter to stderr, and return their exit code; only
// src/cli.ts sets it.
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
}

/** What src/commands/<verb>.ts exports for the CLI. */
export interface CommandModule<O> {
  run(options: O, io: CommandIO): Promise<ExitCodeValue>;
}
