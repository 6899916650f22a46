// The shape of the command line as plain data (commands, options, arguments), read from the
// commander program: what `completion` generates its scripts from, without importing the CLI.
import type { Command } from 'commander';

export interface OptionSpec {
  flags: string[];
  description: string;
  choices?: string[];
  takesValue: boolean;
}

export interface ArgumentSpec {
  name: string;
  variadic: boolean;
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  options: OptionSpec[];
  args: ArgumentSpec[];
}

export function describeProgram(program: Command): CommandSpec[] {
  return program.commands.map((c) => ({
    name: c.name(),
    summary: c.summary() || c.description(),
    options: c.options.map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      description: o.description,
      choices: o.argChoices,
      takesValue: o.required || o.optional,
    })),
    args: c.registeredArguments.map((a) => ({ name: a.name(), variadic: a.variadic, choices: a.argChoices })),
  }));
}
