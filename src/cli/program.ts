// The command registrations: commander parses, and each action hands `invoke` the command's
// name, its typed options and a loader for its module (src/commands/<verb>.ts). src/cli/main.ts runs
// it; the wiring test records it. Adding a command: its module, and one registration here: its
// name, summary and arguments (what the command list shows), and a `define` that adds the rest
// (description, options, examples, action).
// Start-up: nothing heavy is imported (`hookscope --help` loads commander and this file only),
// and given the command line, only the command it names is defined: defining every command's
// ~70 options cost `--help` ~8 ms of ~85 on Node 26 (bench/startup).
import { Argument, Command, Option } from 'commander';
import { collect, parseCount, parseMs, parsePort, parseRetries, parseSeconds, parseSize, parseSpeed, parseStatus, parseStatuses, parseTime, parseTimeout } from './parsers.js';
import type { CommandModule } from './io.js';
import type { ListenCliOptions } from '../commands/listen.js';
import type { ReplayCliOptions } from '../commands/replay.js';
import type { SendCliOptions } from '../commands/send.js';
import type { ValidateCliOptions } from '../commands/validate.js';
import type { VendorsOptions } from '../commands/vendors.js';
import type { SchemaOptions } from '../commands/schema.js';
import type { CompletionOptions } from '../commands/completion.js';
import { describeProgram } from './describe.js';
import { packageVersion } from '../files/package-root.js';

const FORMATS = ['pretty', 'json', 'junit', 'github'] as const;

const EXAMPLES = `
Examples:
  $ hookscope listen --demo                            live feed of every vendor's events, signed
  $ hookscope send relyable test_run.completed --url http://localhost:3000/hooks
                                                       sign and send a realistic event, judge the reply
  $ hookscope validate payloads/                       check saved payloads (files, dirs, NDJSON, -)
  $ hookscope validate --format github hooks/*.json    annotate a pull request from CI
  $ hookscope replay fixtures/relyable --url http://localhost:3000/hooks --speed 60
                                                       retry on the vendor's schedule, a minute per second
  $ hookscope vendors relyable                         signing and delivery rules, with provenance
  $ hookscope schema synthflow post_call > s.json      JSON Schema (draft 2020-12) for other tools
  $ hookscope completion bash >> ~/.bashrc             shell completion with vendor and event names

Exit codes: 0 ok, 1 a problem was found (invalid payload, rejected or failed delivery),
2 usage or environment error.
Docs: https://github.com/hookscope/hookscope#readme`;

/** One parsed command line: which command, its options, and how to load its module. */
export interface Invocation<O = unknown> {
  command: string;
  options: O;
  load(): Promise<CommandModule<O>>;
}

export type Invoke = (call: Invocation, program: Command) => Promise<void>;

const call = <O>(command: string, options: O, load: () => Promise<CommandModule<O>>): Invocation => ({ command, options, load }) as Invocation;

/**
 * The program. With `argv` (process.argv), only the command it names gets its options (all of
 * them for `completion`, which describes every command); without, every command is defined.
 */
export function buildProgram(invoke: Invoke, argv?: readonly string[]): Command {
  const defines = new Map<Command, (cmd: Command) => void>();
  const register = (cmd: Command, define: (cmd: Command) => void) => defines.set(cmd, define);

  const program = new Command('hookscope')
    .description('Inspect, validate, send and replay the webhooks of voice-AI platforms, offline (`hookscope vendors` lists the vendors it knows).')
    .version(packageVersion(), '-v, --version')
    .option('--no-color', 'disable colours (also: NO_COLOR=1)')
    .option('--debug', 'show stack traces for unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXAMPLES)
    // A command's term in the list is its usage ("send [options] <vendor> <event>"); commander's
    // default reads the defined options, which a command not being run does not have.
    .configureHelp({ subcommandTerm: (cmd) => `${cmd.name()} ${cmd.usage()}` })
    .exitOverride();

  const listenCmd = program
    .command('listen')
    .summary('receive webhooks locally with a live feed: vendor, event, signature, schema, duplicates (e.g. hookscope listen --demo)')
    .description(
      'Listen for webhooks on 127.0.0.1:4400 (any path). Each request is inspected (vendor, event, signature, schema, duplicate), appended to an NDJSON log before it is answered, and shown in the feed. Secrets: --secret vendor=value or the variables send reads. Ctrl-C prints a summary.',
    );
  register(listenCmd, (cmd) =>
    cmd
      .addOption(new Option('-p, --port <port>', 'port to listen on').argParser(parsePort).default(4400).env('HOOKSCOPE_PORT'))
      .option('--host <address>', 'address to bind; anything but loopback is reachable from other machines', '127.0.0.1')
      .option('--vendor <id>', 'treat every request as this vendor\'s')
      .option('--route <path=vendor>', 'requests under a path are that vendor\'s, e.g. /relyable=relyable (repeatable)', collect)
      .option('--secret <[vendor=]secret>', 'signing secret: vendor=secret (repeatable), or one secret for --vendor\'s vendor (without --vendor: for every vendor); prefer the environment', collect)
      .option('--signature-header <name>', 'read the signature from this header')
      .option('--auth <mode>', 'for vendors with several authentication modes (vapi): the one to use (see hookscope vendors <id>)')
      .option('--auth-setting <name=value>', 'a setting of the --auth mode, e.g. signatureHeader=x-signature (repeatable)', collect)
      .option('--public-url <url>', 'the public URL vendors call (a tunnel\'s address): URL-signed schemes (Twilio) are checked against it (default: X-Forwarded-Host, else Host)')
      .option('--status <code>', 'answer with this status (with --on: only for those events); a matching rule answers here, even with --forward-to', parseStatus)
      .option('--delay <ms>', 'wait this long before answering (with --on: only for those events)', parseMs)
      .option('--on <event>', 'apply --status/--delay only to this event (repeatable; needs --status or --delay)', collect)
      .option('--reply <[event=]file>', 'answer a request/response event with this body (checked against its contract at start), here, even with --forward-to; a bare file answers every such event (repeatable; default: the reply fixture)', collect)
      .option('--forward-to <url>', 'relay each request (exact bytes and headers) to your app and return its answer; the incoming path is kept when the URL has none (or /), the query when it has none')
      .option('--concurrency <n>', 'forwarded requests in flight at once (default 1: arrival order)', parseCount)
      .option('--forward-timeout <ms>', 'give up on your app after this long: the sender gets 504 (default 30000)', parseMs)
      .option('--log <file>', 'append the NDJSON log here (default .hookscope/listen-<time>.ndjson, owner-only, git-ignored)')
      .option('--no-log', 'keep no log')
      .option('--redact', 'mask phone numbers, emails and transcripts in the log, the feed and --json (verdicts are made first)')
      .option('--redact-path <path>', 'also blank the value at this JSON path, e.g. data.notes or turns[*].text (repeatable; implies --redact)', collect)
      .option('--max-body <size>', 'largest body accepted, e.g. 10mb, 512kb (default 10mb); larger gets 413', parseSize)
      .option('--max-in-flight <size>', 'bodies held at once, over all requests (default 8 × --max-body, at least 64mb); beyond it 503 with Retry-After', parseSize)
      .option('--demo', 'also send every vendor\'s fixtures (signed, one tampered, one retry) to this listener')
      .option('--json', 'one JSON record per request on stdout (NDJSON), the same records as the log')
      .option('--ui', 'also serve a web inspector on 127.0.0.1 (list, detail, diff, calls, replay); its URL is in the banner')
      .addOption(new Option('--ui-port <port>', 'the inspector\'s port (default: --port + 1); implies --ui').argParser(parsePort))
      .option('--open', 'open the inspector in a browser; implies --ui')
      .addOption(new Option('--group <by>', 'call: follow each call: its events under it, what is out of order, and at Ctrl-C what is missing').choices(['call']))
      .option('--verbose', 'show headers and the body of each request')
      .addHelpText(
        'after',
        `
Examples:
  $ hookscope listen --demo                                   a full feed without any vendor account
  $ RELYABLE_WEBHOOK_SECRET=… hookscope listen --port 4400    check real deliveries through a tunnel
  $ hookscope listen --forward-to http://localhost:3000/webhooks --verbose
  $ hookscope listen --status 500 --on test_run.completed     watch a vendor retry
  $ hookscope listen --forward-to http://localhost:3000 --status 500 --on test_run.failed
                                                              fail one event here, forward the rest
  $ hookscope listen --json > captured.ndjson                 then: hookscope validate captured.ndjson
  $ hookscope listen --demo --ui --open                       the same requests in a web inspector`,
      )
      .action((opts: Omit<ListenCliOptions, 'delayMs' | 'forwardTimeoutMs' | 'maxBodyBytes' | 'maxInFlightBytes'> & { delay?: number; forwardTimeout?: number; maxBody?: number; maxInFlight?: number }) => {
        const { delay, forwardTimeout, maxBody, maxInFlight, ...rest } = opts;
        return invoke(
          call<ListenCliOptions>('listen', { ...rest, delayMs: delay, forwardTimeoutMs: forwardTimeout, maxBodyBytes: maxBody, maxInFlightBytes: maxInFlight }, () => import('../commands/listen.js')),
          program,
        );
      }),
  );

  const sendCmd = program
    .command('send')
    .summary('sign and send a vendor event to a URL, judge the reply by the vendor\'s rules (e.g. hookscope send relyable test_run.completed --url http://localhost:3000/hooks)')
    .description(
      'Build an event from its fixture (or --data), edit it with --set/--unset, validate it, sign exactly the bytes sent as the vendor does, POST it, and judge the reply by the vendor\'s success rule. Secret: --secret, the vendor\'s variable (see hookscope vendors <id>) or HOOKSCOPE_SECRET.',
    )
    .argument('<vendor>', 'vendor id or alias')
    .argument('<event>', 'event name; or call, to play a whole call in order (vendors with a call script: vapi)');
  register(sendCmd, (cmd) =>
    cmd
      .addOption(new Option('--url <url>', 'where to send it (http:// or https://; localhost:3000/x means http://localhost:3000/x)').env('HOOKSCOPE_URL'))
      .option('-d, --data <file>', 'the body: a JSON file, or - for stdin (default: the event\'s fixture)')
      .option('--set <path=value>', 'set a field; the value is JSON when it parses, else a string (repeatable)', collect)
      .option('--unset <path>', 'remove a field (repeatable)', collect)
      .option('--no-fresh', 'keep the fixture\'s timestamps and delivery ids instead of fresh ones')
      .option('--no-validate', 'send even when the body does not match the event schema')
      .option('--secret <[vendor=]secret>', 'signing secret, bare or as vendor=secret (prefer the environment: it stays out of shell history)')
      .option('--signature-header <name>', 'put the signature in this header (where the vendor\'s wire name is uncertain)')
      .option('--auth <mode>', 'for vendors with several authentication modes (vapi): the one to use (see hookscope vendors <id>)')
      .option('--auth-setting <name=value>', 'a setting of the --auth mode, e.g. signatureHeader=x-signature (repeatable)', collect)
      .option('-H, --header <header>', "add or replace a header, 'Name: value' (repeatable)", collect)
      .option('--timestamp <time>', 'sign with this time instead of now (ISO-8601 or Unix s/ms): for schemes that sign a timestamp, in tests', parseTime)
      .option('--timeout <ms>', 'give up after this many ms (default: the vendor\'s timeout, else 30000)', parseTimeout)
      .option('--dry-run', 'print the exact request and an equivalent curl command; send nothing')
      .option('--speed <factor>', 'send … call: compress the spacing between steps (10: ten times faster; max: no waits)', parseSpeed)
      .option('--json', 'one JSON result object on stdout (send … call: one record per step, then a summary)')
      .addHelpText(
        'after',
        `
Examples:
  $ hookscope send relyable test_run.completed --url http://localhost:3000/webhooks/relyable
  $ hookscope send smallest post-conversation --url http://localhost:3000/hooks --set metadata.callId=c_1
  $ hookscope send relyable test_run.completed --set data.score=42.5 --set 'data.scenarios_tested=["a"]' --dry-run
  $ hookscope send synthflow call_inbound --url http://localhost:3000/inbound --json
  $ hookscope send vapi tool-calls --url http://localhost:3000/vapi --auth hmac --secret …
  $ hookscope send vapi call --url http://localhost:3000/vapi --speed 10      a whole call, each reply judged`,
      )
      .action((vendor: string, event: string, opts: Omit<SendCliOptions, 'vendor' | 'event' | 'timeoutMs' | 'timestampMs'> & { timeout?: number; timestamp?: number }) => {
        const { timeout, timestamp, ...rest } = opts;
        return invoke(call<SendCliOptions>('send', { vendor, event, ...rest, timeoutMs: timeout, timestampMs: timestamp }, () => import('../commands/send.js')), program);
      }),
  );

  const validateCmd = program
    .command('validate')
    .summary('validate saved payloads against each vendor\'s schema (e.g. hookscope validate payloads/)')
    .description(
      'Validate payload files, directories (*.json, *.ndjson, *.jsonl, recursive), listen logs or - (stdin). Content decides, not the name: one JSON document, or NDJSON (one value per line, read as a stream, any size); a listen log record is judged by the body it recorded. Vendor and event are detected unless forced.',
    )
    .argument('<paths...>', 'files, directories, or - for stdin');
  register(validateCmd, (cmd) =>
    cmd
      .option('--vendor <id>', 'only consider this vendor')
      .option('--event <name>', 'force the event (with --vendor when the name is ambiguous)')
      .option('--reply', 'the payloads are replies a receiver gives (synthflow call_inbound)')
      .option('--strict', 'treat warnings (unknown fields, unknown enum values, duplicate keys) as errors')
      .addOption(new Option('--format <format>', 'output format (default: pretty; github when GITHUB_ACTIONS=true)').choices(FORMATS))
      .option('--json', 'the same as --format json')
      .option('-q, --quiet', 'pretty format: list only payloads with issues')
      .addHelpText('after', '\nExample:\n  $ hookscope validate fixtures/ captured.ndjson --strict --format junit > report.xml')
      .action((paths: string[], opts: Omit<ValidateCliOptions, 'paths'> & { json?: boolean }, cmd: Command) => {
        if (opts.json && opts.format && opts.format !== 'json') cmd.error(`error: --json and --format ${opts.format} ask for different formats; give one of them`, { exitCode: 2 });
        const format = opts.json ? 'json' : opts.format;
        return invoke(call<ValidateCliOptions>('validate', { paths, vendor: opts.vendor, event: opts.event, reply: opts.reply, strict: opts.strict, format, quiet: opts.quiet }, () => import('../commands/validate.js')), program);
      }),
  );

  const replayCmd = program
    .command('replay')
    .summary('deliver fixtures or a listen log on each vendor\'s retry schedule (e.g. hookscope replay fixtures/relyable --url http://localhost:3000/hooks --speed 60)')
    .description(
      'Deliver each payload (fixture files, directories, or a listen log) and, while the answer is not a success by the vendor\'s rule, retry it on the vendor\'s schedule. Each event is its own timeline. --speed compresses time. Inputs that cannot be replayed (unrecognised, a reply, a body listen did not keep) are passed over with a note on stderr, unless --strict.',
    )
    .argument('<paths...>', 'fixture files, directories of *.json, listen logs (NDJSON, any size), or - for stdin');
  register(replayCmd, (cmd) =>
    cmd
      .option('--url <url>', 'where to deliver, e.g. localhost:3000/hooks (default: $HOOKSCOPE_URL); a recorded request keeps its path when the URL has none')
      .option('--vendor <id>', 'treat every payload as this vendor\'s')
      .option('--event <name>', 'only deliver this event (repeatable)', collect)
      .option('--id <key>', 'only deliver payloads with this dedupe key (as listen records it, vendor:key, or bare; see hookscope vendors <id>) or this listen record id (repeatable)', collect)
      .option('--fresh', 'new timestamps and delivery ids, as send makes them; re-signed with --secret (else a recorded signature no longer matches)')
      .option('--strict', 'stop before sending anything if an input cannot be replayed (default: pass over it with a note)')
      .option('--secret <[vendor=]secret>', 'sign with this secret: vendor=secret (repeatable), or one secret for --vendor\'s vendor (without --vendor: for every vendor); re-signs recorded requests', collect)
      .option('--signature-header <name>', 'put the signature in this header')
      .option('--auth <mode>', 'for vendors with several authentication modes (vapi): the one to use (see hookscope vendors <id>)')
      .option('--auth-setting <name=value>', 'a setting of the --auth mode, e.g. signatureHeader=x-signature (repeatable)', collect)
      .option('--timestamp <time>', 'sign every attempt with this time instead of its own (ISO-8601 or Unix s/ms), for tests', parseTime)
      .option('--schedule <delays>', 'retry delays, each from the previous attempt, e.g. 0,30s,2m (overrides the vendor\'s)')
      .option('--backoff <kind>', 'play the retry plan you configured at the vendor instead of its default (vapi server.backoffPlan: fixed or exponential)')
      .option('--max-retries <n>', 'with --backoff: retries after the first attempt (vapi: 0 to 10)', parseRetries)
      .option('--base-delay <seconds>', 'with --backoff: the delay between retries (fixed) or the first one (exponential), in seconds', parseSeconds)
      .option('--excluded-statuses <codes>', 'with --backoff: statuses never retried, e.g. 400,401,403,404', parseStatuses)
      .option('--max-attempts <n>', 'stop after this many attempts per event', parseCount)
      .option('--speed <factor>', 'compress time: 60 turns a minute into a second; max skips the waits (default 1: real time)', parseSpeed)
      .option('--concurrency <n>', 'requests in flight at once (default 4); first deliveries keep input order', parseCount)
      .option('--timeout <ms>', 'give up on one attempt after this many ms (default: the vendor\'s timeout)', parseTimeout)
      .option('--json', 'one JSON record per attempt, then a summary record (NDJSON)')
      .addHelpText(
        'after',
        `
Examples:
  $ hookscope replay fixtures/relyable --url http://localhost:3000/hooks --speed 60
  $ hookscope replay .hookscope/listen-*.ndjson --url http://localhost:3000 --speed max
  $ hookscope replay captured.ndjson --url localhost:3000 --event test_run.failed --fresh --secret relyable=whsec_…
  $ hookscope replay payload.json --url http://localhost:3000/hooks --schedule 0,10s,1m --max-attempts 3
  $ hookscope replay fixtures/vapi/end-of-call-report.json --url localhost:3000 --backoff exponential --max-retries 3 --base-delay 2`,
      )
      .action((paths: string[], opts: Omit<ReplayCliOptions, 'paths' | 'timeoutMs' | 'timestampMs'> & { timeout?: number; timestamp?: number }) => {
        const { timeout, timestamp, ...rest } = opts;
        return invoke(call<ReplayCliOptions>('replay', { paths, ...rest, timeoutMs: timeout, timestampMs: timestamp }, () => import('../commands/replay.js')), program);
      }),
  );

  const vendorsCmd = program
    .command('vendors')
    .summary('list vendors and events, or show one vendor\'s signing and delivery rules (e.g. hookscope vendors relyable)')
    .description('Without an id: every vendor and its events. With an id: the signing scheme and delivery rules, each with its provenance (documented by the vendor, or assumed by hookscope).')
    .argument('[id]', 'vendor id or alias');
  register(vendorsCmd, (cmd) =>
    cmd
      .option('--json', 'machine-readable output')
      .action((id: string | undefined, opts: { json?: boolean }) => invoke(call<VendorsOptions>('vendors', { id, json: opts.json }, () => import('../commands/vendors.js')), program)),
  );

  const schemaCmd = program
    .command('schema')
    .summary('print the JSON Schema (draft 2020-12) of an event (e.g. hookscope schema relyable test_run.completed)')
    .description('Print the JSON Schema of an event body, generated from the same zod schema validate uses. Unknown fields are allowed (they are drift warnings in hookscope) unless --strict.')
    .argument('<vendor>', 'vendor id or alias')
    .argument('<event>', 'event name');
  register(schemaCmd, (cmd) =>
    cmd
      .option('--reply', 'the schema of the reply the receiver must give (synthflow call_inbound)')
      .option('--strict', 'forbid unknown fields (additionalProperties: false)')
      .action((vendor: string, event: string, opts: { reply?: boolean; strict?: boolean }) =>
        invoke(call<SchemaOptions>('schema', { vendor, event, reply: opts.reply, strict: opts.strict }, () => import('../commands/schema.js')), program),
      ),
  );

  const completionCmd = program
    .command('completion')
    .summary('print a shell completion script (e.g. hookscope completion zsh > ~/.zfunc/_hookscope)')
    .description('Print a completion script for bash, zsh or fish. It completes commands, options, vendor ids and event names.')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']));
  register(completionCmd, (cmd) =>
    cmd
      .action((shell: 'bash' | 'zsh' | 'fish') => invoke(call<CompletionOptions>('completion', { shell, program: describeProgram(program) }, () => import('../commands/completion.js')), program)),
  );

  // The command line names at most one command: its first word that is not an option (the
  // program's own options take no value); `help <command>` names the word after it.
  const words = argv?.slice(2).filter((arg) => !arg.startsWith('-'));
  const named = words?.[0] === 'help' ? words[1] : words?.[0];
  for (const [cmd, define] of defines) if (argv === undefined || named === 'completion' || cmd.name() === named) define(cmd);
  return program;
}
