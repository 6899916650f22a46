// Command definitions only: commander parses, and each action hands a typed call to `invoke`
// (src/run.ts in production, a recorder in the wiring test). Nothing heavy is imported here.
import { readFileSync } from 'node:fs';
import { Argument, Command, Option } from 'commander';
import type { Invocation } from './run.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const FORMATS = ['pretty', 'json', 'junit', 'github'] as const;

const EXAMPLES = `
Examples:
  $ hookscope validate payloads/                       check saved payloads (files, dirs, NDJSON, -)
  $ hookscope validate --format github hooks/*.json    annotate a pull request from CI
  $ hookscope vendors                                  list vendors and their events
  $ hookscope vendors relyable                         signing and delivery rules, with provenance
  $ hookscope schema synthflow post_call > s.json      JSON Schema (draft 2020-12) for other tools
  $ hookscope completion bash >> ~/.bashrc             shell completion with vendor and event names

Exit codes: 0 ok, 1 a problem was found (invalid payload), 2 usage or environment error.
Docs: https://github.com/hookscope/hookscope#readme`;

export type Invoke = (call: Invocation, program: Command) => Promise<void>;

export function buildProgram(invoke: Invoke): Command {
  const program = new Command('hookscope')
    .description('Inspect, validate, send and replay voice-AI platform webhooks (Relyable, Bluejay, Smallest.ai Atoms, Synthflow).')
    .version(pkg.version, '-v, --version')
    .option('--no-color', 'disable colours (also: NO_COLOR=1)')
    .option('--debug', 'show stack traces for unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES)
    .exitOverride();

  program
    .command('validate')
    .summary('validate saved payloads against each vendor\'s schema (e.g. hookscope validate payloads/)')
    .description('Validate payload files, directories (*.json, *.ndjson, recursive), listen logs or - (stdin). Vendor and event are detected unless forced.')
    .argument('<paths...>', 'files, directories, or - for stdin')
    .option('--vendor <id>', 'only consider this vendor')
    .option('--event <name>', 'force the event (with --vendor when the name is ambiguous)')
    .option('--reply', 'the payloads are replies a receiver gives (synthflow call_inbound)')
    .option('--strict', 'treat warnings (unknown fields, unknown enum values, duplicate keys) as errors')
    .addOption(new Option('--format <format>', 'output format (default: pretty; github when GITHUB_ACTIONS=true)').choices(FORMATS))
    .option('-q, --quiet', 'pretty format: list only payloads with issues')
    .addHelpText('after', '\nExample:\n  $ hookscope validate fixtures/ captured.ndjson --strict --format junit > report.xml')
    .action((paths: string[], opts: { vendor?: string; event?: string; reply?: boolean; strict?: boolean; format?: (typeof FORMATS)[number]; quiet?: boolean }) =>
      invoke({ command: 'validate', options: { paths, vendor: opts.vendor, event: opts.event, reply: opts.reply, strict: opts.strict, format: opts.format, quiet: opts.quiet } }, program),
    );

  program
    .command('vendors')
    .summary('list vendors and events, or show one vendor\'s signing and delivery rules (e.g. hookscope vendors relyable)')
    .description('Without an id: every vendor and its events. With an id: the signing scheme and delivery rules, each with its provenance (documented by the vendor, or assumed by hookscope).')
    .argument('[id]', 'vendor id or alias')
    .option('--json', 'machine-readable output')
    .action((id: string | undefined, opts: { json?: boolean }) => invoke({ command: 'vendors', options: { id, json: opts.json } }, program));

  program
    .command('schema')
    .summary('print the JSON Schema (draft 2020-12) of an event (e.g. hookscope schema relyable test_run.completed)')
    .description('Print the JSON Schema of an event body, generated from the same zod schema validate uses. Unknown fields are allowed (they are drift warnings in hookscope) unless --strict.')
    .argument('<vendor>', 'vendor id or alias')
    .argument('<event>', 'event name')
    .option('--reply', 'the schema of the reply the receiver must give (synthflow call_inbound)')
    .option('--strict', 'forbid unknown fields (additionalProperties: false)')
    .action((vendor: string, event: string, opts: { reply?: boolean; strict?: boolean }) =>
      invoke({ command: 'schema', options: { vendor, event, reply: opts.reply, strict: opts.strict } }, program),
    );

  program
    .command('completion')
    .summary('print a shell completion script (e.g. hookscope completion zsh > ~/.zfunc/_hookscope)')
    .description('Print a completion script for bash, zsh or fish. It completes commands, options, vendor ids and event names.')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action((shell: 'bash' | 'zsh' | 'fish') => invoke({ command: 'completion', options: { shell } }, program));

  return program;
}
