// The executable's entry: parse argv, run the command, and be the one error sink. User errors
// print without a stack; anything else is a bug (stack only under --debug). Exit codes are set
// here and nowhere else.
import { CommanderError } from 'commander';
import { ExitCode, UserError } from './errors.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(async (call, prog) => {
    const { run } = await import('./run.js');
    process.exitCode = await run(call, { color: prog.opts<{ color?: boolean }>().color === false ? false : undefined });
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    if (err instanceof UserError) {
      process.stderr.write(`hookscope: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
      process.exitCode = err.exitCode;
      return;
    }
    const debug = argv.includes('--debug');
    process.stderr.write(`hookscope: unexpected error: ${(err as Error)?.message ?? String(err)}\nThis is a bug in hookscope; please report it${debug ? '' : ' (run with --debug for the stack trace)'}.\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = ExitCode.usage;
  }
}

// Not awaited at the top level: the bundle is CommonJS (see src/launcher.ts); main never rejects.
void main(process.argv);
