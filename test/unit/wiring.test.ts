// The CLI layer: each command receives exactly the options commander parsed, and nothing more.
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

interface Parsed {
  command: string;
  options: unknown;
}

async function parse(args: string[]): Promise<Parsed> {
  let got: Parsed | undefined;
  const program = buildProgram(async (call) => {
    // Each registration names a module that exists and exports `run`.
    expect(typeof (await call.load()).run).toBe('function');
    got = { command: call.command, options: call.options };
  });
  for (const cmd of [program, ...program.commands]) cmd.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await program.parseAsync(['node', 'hookscope', ...args]);
  if (!got) throw new Error('no command ran');
  return got;
}

describe('wiring', () => {
  it.each<[string[], Parsed]>([
    [['validate', 'a.json', 'dir/'], { command: 'validate', options: { paths: ['a.json', 'dir/'], vendor: undefined, event: undefined, reply: undefined, strict: undefined, format: undefined, quiet: undefined } }],
    [
      ['validate', '-', '--vendor', 'atoms', '--event', 'call.end', '--strict', '--format', 'junit', '-q'],
      { command: 'validate', options: { paths: ['-'], vendor: 'atoms', event: 'call.end', reply: undefined, strict: true, format: 'junit', quiet: true } },
    ],
    [['validate', 'r.json', '--reply'], { command: 'validate', options: { paths: ['r.json'], vendor: undefined, event: undefined, reply: true, strict: undefined, format: undefined, quiet: undefined } }],
    [['validate', 'a.json', '--json'], { command: 'validate', options: { paths: ['a.json'], vendor: undefined, event: undefined, reply: undefined, strict: undefined, format: 'json', quiet: undefined } }],
    [['validate', 'a.json', '--json', '--format', 'json'], { command: 'validate', options: { paths: ['a.json'], vendor: undefined, event: undefined, reply: undefined, strict: undefined, format: 'json', quiet: undefined } }],
    [['vendors'], { command: 'vendors', options: { id: undefined, json: undefined } }],
    [['vendors', 'relyable', '--json'], { command: 'vendors', options: { id: 'relyable', json: true } }],
    [['schema', 'synthflow', 'call_inbound', '--reply', '--strict'], { command: 'schema', options: { vendor: 'synthflow', event: 'call_inbound', reply: true, strict: true } }],
    [
      ['send', 'relyable', 'test_run.completed', '--url', 'http://127.0.0.1:3000/h'],
      {
        command: 'send',
        options: { vendor: 'relyable', event: 'test_run.completed', url: 'http://127.0.0.1:3000/h', data: undefined, set: undefined, unset: undefined, fresh: true, validate: true, secret: undefined, signatureHeader: undefined, header: undefined, timeoutMs: undefined, dryRun: undefined, json: undefined },
      },
    ],
    [
      ['send', 'synthflow', 'post_call', '-d', 'b.json', '--set', 'a=1', '--set', 'b=2', '--unset', 'c', '--no-fresh', '--no-validate', '--secret', 's', '--signature-header', 'X-S', '-H', 'A: 1', '--header', 'B: 2', '--timeout', '500', '--dry-run', '--json'],
      {
        command: 'send',
        options: { vendor: 'synthflow', event: 'post_call', url: undefined, data: 'b.json', set: ['a=1', 'b=2'], unset: ['c'], fresh: false, validate: false, secret: 's', signatureHeader: 'X-S', header: ['A: 1', 'B: 2'], timeoutMs: 500, dryRun: true, json: true },
      },
    ],
    [
      ['send', 'vapi', 'call', '--url', 'http://127.0.0.1:3000/v', '--speed', '10', '--auth', 'hmac', '--auth-setting', 'algorithm=sha512'],
      { command: 'send', options: { vendor: 'vapi', event: 'call', url: 'http://127.0.0.1:3000/v', speed: 10, auth: 'hmac', authSetting: ['algorithm=sha512'], fresh: true, validate: true } },
    ],
    [
      ['replay', 'a.json', '--backoff', 'exponential', '--max-retries', '3', '--base-delay', '1.5', '--excluded-statuses', '400,404'],
      { command: 'replay', options: { paths: ['a.json'], backoff: 'exponential', maxRetries: 3, baseDelay: 1.5, excludedStatuses: [400, 404] } },
    ],
    [['listen'], { command: 'listen', options: { port: 4400, host: '127.0.0.1' } }],
    [['replay', 'a.json', '--url', 'http://127.0.0.1:1/'], { command: 'replay', options: { paths: ['a.json'], url: 'http://127.0.0.1:1/' } }],
    [
      ['replay', 'd/', 'log.ndjson', '--url', 'http://x/', '--vendor', 'atoms', '--secret', 's1', '--secret', 'relyable=s2', '--signature-header', 'X-S', '--schedule', '0,1s', '--max-attempts', '3', '--speed', 'max', '--concurrency', '8', '--timeout', '900', '--json'],
      {
        command: 'replay',
        options: { paths: ['d/', 'log.ndjson'], url: 'http://x/', vendor: 'atoms', secret: ['s1', 'relyable=s2'], signatureHeader: 'X-S', schedule: '0,1s', maxAttempts: 3, speed: 'max', concurrency: 8, timeoutMs: 900, json: true },
      },
    ],
    [['replay', 'a.json', '--speed', '60'], { command: 'replay', options: { paths: ['a.json'], speed: 60 } }],
    [
      ['replay', 'log.ndjson', '--event', 'call.end', '--event', 'test_run.failed', '--id', '17', '--fresh', '--strict'],
      { command: 'replay', options: { paths: ['log.ndjson'], event: ['call.end', 'test_run.failed'], id: ['17'], fresh: true, strict: true } },
    ],
    [
      ['listen', '-p', '0', '--host', '0.0.0.0', '--vendor', 'atoms', '--route', '/r=relyable', '--secret', 'relyable=s', '--status', '503', '--delay', '250', '--on', 'call.end', '--reply', 'r.json', '--forward-to', 'http://127.0.0.1:3000/', '--concurrency', '4', '--forward-timeout', '900', '--log', 'x.ndjson', '--max-body', '512kb', '--max-in-flight', '4mb', '--redact', '--redact-path', 'a.b', '--demo', '--json', '--verbose'],
      {
        command: 'listen',
        options: { port: 0, host: '0.0.0.0', vendor: 'atoms', route: ['/r=relyable'], secret: ['relyable=s'], status: 503, delayMs: 250, on: ['call.end'], reply: ['r.json'], forwardTo: 'http://127.0.0.1:3000/', concurrency: 4, forwardTimeoutMs: 900, log: 'x.ndjson', maxBodyBytes: 512 * 1024, maxInFlightBytes: 4 * 1024 * 1024, redact: true, redactPath: ['a.b'], demo: true, json: true, verbose: true },
      },
    ],
    [['listen', '--no-log', '--max-body', '10mb'], { command: 'listen', options: { port: 4400, host: '127.0.0.1', log: false, maxBodyBytes: 10 * 1024 * 1024 } }],
  ])('%j', async (args, expected) => {
    expect(await parse(args)).toEqual(expected);
  });

  it('HOOKSCOPE_PORT is the default --port', async () => {
    process.env.HOOKSCOPE_PORT = '4555';
    try {
      expect(await parse(['listen'])).toMatchObject({ options: { port: 4555 } });
      expect(await parse(['listen', '--port', '4600'])).toMatchObject({ options: { port: 4600 } });
    } finally {
      delete process.env.HOOKSCOPE_PORT;
    }
  });

  it('completion gets the shell and a description of every command', async () => {
    const { command, options } = await parse(['completion', 'fish']);
    const { shell, program } = options as { shell: string; program: { name: string; options: { flags: string[] }[] }[] };
    expect([command, shell]).toEqual(['completion', 'fish']);
    expect(program.map((c) => c.name)).toEqual(['listen', 'send', 'validate', 'replay', 'vendors', 'schema', 'completion']);
    expect(program.find((c) => c.name === 'send')!.options.map((o) => o.flags)).toContainEqual(['-d', '--data']);
  });

  it.each([[['validate', '--format', 'xml', 'a.json']], [['completion', 'powershell']], [['schema', 'relyable']], [['nope']], [['send', 'relyable', 'x', '--timeout', '1.5']], [['send', 'relyable', 'x', '--timeout', '0']], [['send', 'relyable']], [['listen', '--port', '70000']], [['listen', '--status', '99']], [['listen', '--max-body', '10 parsecs']], [['listen', '--concurrency', '0']], [['replay']], [['replay', 'a.json', '--speed', '0']], [['replay', 'a.json', '--max-attempts', 'x']], [['validate', 'a.json', '--json', '--format', 'junit']]])('rejects %j', async (args) => {
    await expect(parse(args)).rejects.toThrow();
  });

  describe('given the command line, only the command it names is defined (start-up)', () => {
    const noop = async () => {};
    const optionsOf = (argv: string[]) => Object.fromEntries(buildProgram(noop, ['node', 'hookscope', ...argv]).commands.map((c) => [c.name(), c.options.length]));
    const all = optionsOf(['completion', 'bash']);

    it('completion, and a program built without a command line, define every command', () => {
      expect(Object.values(all).filter((n) => n > 0)).toHaveLength(6); // completion has no options of its own
      expect(Object.fromEntries(buildProgram(noop).commands.map((c) => [c.name(), c.options.length]))).toEqual(all);
    });

    it.each([
      [['send', 'relyable', 'x'], 'send'],
      [['--no-color', 'listen', '--demo'], 'listen'],
      [['help', 'replay'], 'replay'],
      [['validate', '--help'], 'validate'],
    ])('%j defines %s', (argv, name) => {
      expect(optionsOf(argv)).toEqual(Object.fromEntries(Object.keys(all).map((c) => [c, c === name ? all[c] : 0])));
    });

    it.each([[['--help']], [['--version']], [['nope']], [[]]])('%j defines none, and the command list still shows each usage', (argv) => {
      expect(Object.values(optionsOf(argv)).every((n) => n === 0)).toBe(true);
      const program = buildProgram(noop, ['node', 'hookscope', ...argv]);
      expect(program.helpInformation()).toMatch(/^ {2}send \[options\] <vendor> <event> /m);
      expect(program.helpInformation()).toMatch(/^ {2}listen \[options\] /m);
    });
  });
});
