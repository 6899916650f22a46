// The executable's entry: parse argv, run the command, and be the one error sink. User errors
// print without a stack; anything else is a bug (stack only under --debug). Exit codes are set
// here and nowhere else.
// Built into dist/cli/main.js on its own, with everything it imports statically inside it
// (scripts/build.js): start-up loads that one file; each command comes with its import().
import { CommanderError } from 'commander';
import { ExitCode, isUserError, type ExitCodeValue } from '../errors.js';
import { buildProgram } from './program.js';

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * The stream, with a handler for its reader going away (`hookscope validate … | head` is not an
 * error: stop quietly) attached on first use. Node makes process.stdout and process.stderr when
 * first asked for, and a pipe's costs start-up time (~2 ms for stderr on Node 26) that --help,
 * which writes only to stdout, need not pay. Every write of this process goes through these two.
 */
function guard(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? ExitCode.ok);
    });
  }
  return stream;
}
const stdout = () => guard(process.stdout);
const stderr = () => guard(process.stderr);

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(async (call, prog) => {
    const stop = onStopSignals();
    try {
      // The colour decision loads with the command, not before: --help and --version need neither.
      const [command, { isColorEnabled }] = await Promise.all([call.load(), import('../ui/color.js')]);
      const color = prog.opts<{ color?: boolean }>().color !== false && isColorEnabled(stdout(), process.env);
      const code = await command.run(call.options, { stdout: stdout(), stderr: stderr(), env: process.env, color, signal: stop.signal });
      process.exitCode = stop.exitCode ?? code;
      if (stop.exitCode !== undefined) {
        // Stopped, and what was done is printed: leave now, even if something the command
        // started cannot be cancelled (opening a FIFO that has no writer yet).
        await new Promise<void>((resolve) => stdout().write('', () => stderr().write('', () => resolve())));
        process.exit(stop.exitCode);
      }
    } finally {
      stop.dispose();
    }
  }, argv);
  for (const cmd of [program, ...program.commands]) cmd.configureOutput({ writeOut: (text) => stdout().write(text), writeErr: (text) => stderr().write(text) });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    if (isUserError(err)) {
      stderr().write(`hookscope: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
      process.exitCode = err.exitCode;
      return;
    }
    const debug = argv.includes('--debug');
    stderr().write(`hookscope: unexpected error: ${(err as Error)?.message ?? String(err)}\nThis is a bug in hookscope; please report it${debug ? '' : ' (run with --debug for the stack trace)'}.\n`);
    if (debug && err instanceof Error && err.stack) stderr().write(`${err.stack}\n`);
    process.exitCode = ExitCode.usage;
  }
}

/**
 * Ctrl-C and SIGTERM abort the returned signal: the running command stops, prints what it has
 * and returns, and the exit code says it was stopped. A second signal exits at once.
 */
function onStopSignals(): { signal: AbortSignal; exitCode?: ExitCodeValue; dispose(): void } {
  const controller = new AbortController();
  const state: { signal: AbortSignal; exitCode?: ExitCodeValue; dispose(): void } = {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
  const stop = (code: ExitCodeValue) => {
    if (controller.signal.aborted) process.exit(code);
    state.exitCode = code;
    controller.abort(new Error(code === ExitCode.interrupted ? 'interrupted (Ctrl-C)' : 'terminated (SIGTERM)'));
  };
  const onInt = () => stop(ExitCode.interrupted);
  const onTerm = () => stop(ExitCode.terminated);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return state;
}
