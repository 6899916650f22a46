// The smaller commands through the built binary: help, version, vendors, schema, completion.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('help and version', () => {
  it('--help lists every command with a description and an example', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['listen', 'validate', 'send', 'replay', 'vendors', 'schema', 'completion']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd} .*\\S`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^  \\$ hookscope ${cmd} `, 'm'));
    }
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 a problem was found');
  });
  it('--version / -v print the package version', async () => {
    expect((await runCli(['--version'])).stdout).toBe(`${version}\n`);
    expect((await runCli(['-v'])).stdout).toBe(`${version}\n`);
  });
  it('an unknown command is a usage error (exit 2) with a suggestion', async () => {
    const r = await runCli(['valdate', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'valdate'");
    expect(r.stderr).toContain('validate');
  });
});

describe('a reader that goes away', () => {
  /** Run hookscope with one of its output pipes closed before it writes: the write fails with EPIPE. */
  const withClosed = (args: string[], closed: 'stdout' | 'stderr') =>
    new Promise<{ code: number | null; other: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      child[closed].destroy();
      let other = '';
      child[closed === 'stdout' ? 'stderr' : 'stdout'].setEncoding('utf8').on('data', (d: string) => (other += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, other }));
    });

  // Without a handler, the failed write is an uncaught error: exit 1 and a stack trace.
  it.each([[['--help']], [['vendors']], [['validate', 'fixtures']]])('%j with stdout closed ends quietly (exit 0)', async (args) => {
    expect(await withClosed(args, 'stdout')).toEqual({ code: 0, other: '' });
  });
  it.each([[['nope']], [['validate', 'no-such-file.json']]])('%j with stderr closed keeps its exit code (2)', async (args) => {
    const r = await withClosed(args, 'stderr');
    expect(r.code).toBe(2);
    expect(r.other).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('vendors', () => {
  it('lists vendors and events', async () => {
    const r = await runCli(['vendors']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^relyable  Relyable — HMAC-SHA256 hex in x-relyable-signature$/m);
    expect(r.stdout).toMatch(/^bluejay  Bluejay — unsigned \(no documented scheme\)$/m);
    expect(r.stdout).toMatch(/^smallest \(alias: atoms\)/m);
    expect(r.stdout).toMatch(/^ {2}call\.start +.*\[legacy\]$/m);
    expect(r.stdout).toMatch(/^twilio  Twilio Voice/m);
    expect(r.stdout).toMatch(/^ {2}incoming-call +.*\[request\/response\]$/m);
    expect(r.stdout).toMatch(/^openai  OpenAI Realtime \(SIP\) — HMAC-SHA256 \(v1\) base64 in webhook-signature$/m);
    expect(r.stdout).toMatch(/^ {2}realtime\.call\.incoming +.*2xx does NOT accept the call/m);
    expect(r.stdout).toMatch(/^standard-webhooks \(alias: svix\)/m);
  });
  it('shows twilio: the URL it signs, the 15 s documented timeout, the retry only without an answer', async () => {
    const r = await runCli(['vendors', 'twilio']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('x-twilio-signature');
    expect(r.stdout).toMatch(/timeout +15 s\n +documented:/);
    expect(r.stdout).toContain('only when there was no answer');
    expect(r.stdout).toContain('--public-url');
    const doc = JSON.parse((await runCli(['vendors', 'twilio', '--json'])).stdout);
    expect(doc.secretEnv).toEqual(['TWILIO_AUTH_TOKEN', 'HOOKSCOPE_SECRET']);
  });
  it('openai: the assumed retry ladder and timeout say so; the notes say a 2xx does not accept a call', async () => {
    const r = await runCli(['vendors', 'openai']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/attempts +9 \(delays 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h\)\n +ASSUMPTION: .*72 hours.*\n +override with --schedule/);
    expect(r.stdout).toMatch(/timeout +5 s\n +ASSUMPTION: .*\n +override with --timeout/);
    expect(r.stdout).toContain('secret from: --secret, $OPENAI_WEBHOOK_SECRET, $HOOKSCOPE_SECRET');
    expect(r.stdout).toMatch(/Notes\n {2}- realtime\.call\.incoming: the webhook's 2xx only acknowledges the delivery/);
  });
  it('svix is standard-webhooks: Svix\'s schedule, documented; both header spellings', async () => {
    const r = await runCli(['vendors', 'svix', '--json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.id).toBe('standard-webhooks');
    expect(doc.delivery.retryDelaysMs).toMatchObject({ value: [0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000], provenance: 'documented' });
    expect(doc.signing.alsoAccepted).toEqual(['svix-signature']);
    expect(doc.secretEnv).toEqual(['STANDARD_WEBHOOKS_SECRET', 'SVIX_WEBHOOK_SECRET', 'HOOKSCOPE_SECRET']);
  });
  it('shows one vendor with provenance, flagging assumptions and how to override them', async () => {
    const r = await runCli(['vendors', 'relyable']);
    expect(r.stdout).toContain('attempts      5 (delays 0, 1 min, 5 min, 15 min, 1 h)');
    expect(r.stdout).toMatch(/success +exactly 200\n +documented:/);
    expect(r.stdout).toMatch(/timeout +30 s\n +ASSUMPTION: .*\n +override with --timeout/);
  });
  it('retell: documented timings; the assumed retry spacing is flagged with its override', async () => {
    const r = await runCli(['vendors', 'retell']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('secret from: --secret, $RETELL_API_KEY, $HOOKSCOPE_SECRET');
    expect(r.stdout).toMatch(/attempts +4 \(delays 0, 10 s, 10 s, 10 s\)\n +ASSUMPTION: Documented: "retried, up to 3 times".*\n +override with --schedule/);
    expect(r.stdout).toMatch(/timeout +10 s\n +documented:/);
    expect(r.stdout).toMatch(/dedupe key +call\.call_id \+ event\n +seen \(not documented\):/);
    expect(r.stdout).toMatch(/timestamp +in milliseconds; accepted up to 5 min old, 5 min ahead\n +documented:/);
    expect(r.stdout).toContain('    deadline: 10 s (documented:');
  });
  it('vapi: its auth modes, the mode send falls back to (an assumption), the retry plan and the call', async () => {
    const r = await runCli(['vendors', 'vapi']);
    expect(r.stdout).toMatch(/^ {2}hmac +x-signature: hex HMAC-SHA256 of \{timestamp\}\.\{body\}, with x-timestamp/m);
    expect(r.stdout).toMatch(/without --auth send signs with secret\n +ASSUMPTION: /);
    expect(r.stdout).toMatch(/retry plan +server\.backoffPlan: fixed \| exponential, maxRetries 0–10/);
    expect(r.stdout).toMatch(/A call \(hookscope send vapi call --url …\)[\s\S]*\+24 s +end-of-call-report/);
    const doc = JSON.parse((await runCli(['vendors', 'vapi', '--json'])).stdout);
    expect(Object.keys(doc.authModes)).toEqual(['none', 'secret', 'bearer', 'hmac']);
    expect(doc.callScript.steps).toHaveLength(9);
    expect(doc.delivery.backoff).toMatchObject({ kinds: ['fixed', 'exponential'], maxRetries: { max: 10 } });
  });
  it('--json is machine readable; an alias resolves', async () => {
    const r = await runCli(['vendors', 'atoms', '--json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.id).toBe('smallest');
    expect(doc.signing.headers).toMatchObject({ value: ['x-signature'], provenance: 'documented' });
    expect(doc.delivery.retryDelaysMs.value).toEqual([0]);
    expect(doc.secretEnv).toContain('HOOKSCOPE_SECRET');
  });
  it('an unknown vendor: exit 2, did you mean', async () => {
    const r = await runCli(['vendors', 'synthflo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hookscope: unknown vendor "synthflo"\n  did you mean synthflow? known vendors: relyable, bluejay, smallest, synthflow, vapi, retell, elevenlabs, twilio, openai, bland, standard-webhooks (see \'hookscope vendors\')\n');
  });
});

describe('schema', () => {
  it('prints draft 2020-12 JSON Schema on stdout', async () => {
    const r = await runCli(['schema', 'bluejay', 'simulation_ended']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'digital_human_id', 'simulation_run_id']));
  });
  it('an unknown event: exit 2 with the list', async () => {
    const r = await runCli(['schema', 'synthflow', 'post-call']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean post_call?');
  });
});

describe('completion', () => {
  const script = (shell: string) => runCli(['completion', shell]).then((r) => r.stdout);

  // Run the generated bash function for a command line and return its suggestions.
  async function complete(line: string): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-compl-'));
    try {
      const file = join(dir, 'c.bash');
      writeFileSync(file, await script('bash'));
      const words = line.split(' ');
      const probe = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _hookscope; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return execFileSync('bash', ['-c', probe], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each<[string, string[]]>([
    ['hookscope v', ['validate', 'vendors']],
    ['hookscope schema ', ['atoms', 'bland', 'bluejay', 'eleven', 'elevenlabs', 'openai', 'relyable', 'retell', 'smallest', 'standard-webhooks', 'svix', 'synthflow', 'twilio', 'vapi']],
    ['hookscope send openai realtime.', ['realtime.call.incoming']],
    ['hookscope send svix ', ['message']],
    ['hookscope schema relyable test_run.', ['test_run.completed', 'test_run.failed']],
    ['hookscope schema atoms call', ['call.end', 'call.start']],
    ['hookscope validate --vendor syn', ['synthflow']],
    ['hookscope validate --vendor bluejay --event simulation_', ['simulation_ended', 'simulation_result_evaluated']],
    ['hookscope validate --format j', ['json', 'junit']],
    ['hookscope validate --st', ['--strict']],
    ['hookscope completion f', ['fish']],
    ['hookscope send sm', ['smallest']],
    ['hookscope send synthflow ', ['call_inbound', 'post_call']],
    ['hookscope send retell transfer_', ['transfer_bridged', 'transfer_cancelled', 'transfer_ended', 'transfer_started']],
    ['hookscope validate --vendor re', ['relyable', 'retell']],
    ['hookscope send eleven post_call_', ['post_call_audio', 'post_call_transcription']],
    ['hookscope send twilio call-status.', ['call-status.answered', 'call-status.completed', 'call-status.initiated', 'call-status.ringing']],
    ['hookscope send bland call.', ['call.completed', 'call.corrected']],
    ['hookscope send bla', ['bland']],
    ['hookscope send vapi ca', ['call', 'call.artifact.upload', 'call.delete.failed', 'call.deleted', 'call.endpointing.request', 'campaign.predial']],
    ['hookscope send vapi tool', ['tool-calls']],
    ['hookscope replay --back', ['--backoff']],
    ['hookscope send --url http://x --set a=1 relyable test_run.', ['test_run.completed', 'test_run.failed']],
    ['hookscope send relyable test_run.completed --dry', ['--dry-run']],
    ['hookscope replay --sp', ['--speed']],
    ['hookscope listen --forward-', ['--forward-timeout', '--forward-to']],
    ['hookscope listen --vendor sm', ['smallest']],
  ])('bash: %s', async (line, expected) => {
    expect(await complete(line)).toEqual(expected);
  });

  it('zsh and fish scripts carry the same vendors and events', async () => {
    const zsh = await script('zsh');
    expect(zsh.startsWith('#compdef hookscope')).toBe(true);
    expect(zsh).toContain('    synthflow) reply=(post_call call_inbound) ;;');
    expect(zsh).toContain('    retell) reply=(call_started call_ended call_analyzed transcript_updated transfer_started transfer_bridged transfer_cancelled transfer_ended call_inbound call) ;;');
    expect(zsh).toContain('    eleven) reply=(post_call_transcription post_call_audio call_initiation_failure conversation_initiation) ;;');
    expect(zsh).toContain('    bland) reply=(call.completed call.corrected webhook_event batch.status) ;;');
    expect(zsh).toContain("'1:vendor:(relyable bluejay smallest atoms synthflow vapi retell elevenlabs eleven twilio openai bland standard-webhooks svix)' '2:event:->event'");
    const fish = await script('fish');
    expect(fish).toContain("complete -c hookscope -n __fish_use_subcommand -a validate -d 'validate saved payloads against each vendor\\'s schema'");
    expect(fish).toContain("contains -- synthflow (commandline -opc)' -a 'post_call call_inbound'");
  });

  // These shells are not on every machine; where they are, run the real thing.
  const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

  it.skipIf(!has('zsh'))('zsh parses the script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-zsh-'));
    writeFileSync(join(dir, '_hookscope'), await script('zsh'));
    expect(spawnSync('zsh', ['-n', join(dir, '_hookscope')]).status).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!has('fish'))('fish completes events for the vendor typed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookscope-fish-'));
    const file = join(dir, 'hookscope.fish');
    writeFileSync(file, await script('fish'));
    const out = execFileSync('fish', ['-c', `source ${file}; complete -C "hookscope schema relyable test_"`], { encoding: 'utf8' });
    expect(out.trim().split('\n').sort()).toEqual(['test_case.critical_failure', 'test_run.completed', 'test_run.failed']);
    const send = execFileSync('fish', ['-c', `source ${file}; complete -C "hookscope send synthflow "`], { encoding: 'utf8' });
    expect(send.trim().split('\n').sort()).toEqual(['call_inbound', 'post_call']);
    rmSync(dir, { recursive: true, force: true });
  });
});
