// The smaller commands through the built binary: help, version, vendors, schema, completion.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

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

describe('vendors', () => {
  it('lists vendors and events', async () => {
    const r = await runCli(['vendors']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^relyable  Relyable — HMAC-SHA256 hex in x-relyable-signature$/m);
    expect(r.stdout).toMatch(/^bluejay  Bluejay — unsigned \(no documented scheme\)$/m);
    expect(r.stdout).toMatch(/^smallest \(alias: atoms\)/m);
    expect(r.stdout).toMatch(/^ {2}call\.start +.*\[legacy\]$/m);
  });
  it('shows one vendor with provenance, flagging assumptions and how to override them', async () => {
    const r = await runCli(['vendors', 'relyable']);
    expect(r.stdout).toContain('attempts      5 (delays 0, 1 min, 5 min, 15 min, 1 h)');
    expect(r.stdout).toMatch(/success +exactly 200\n +documented:/);
    expect(r.stdout).toMatch(/timeout +30 s\n +ASSUMPTION: .*\n +override with --timeout/);
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
    expect(r.stderr).toBe('hookscope: unknown vendor "synthflo"\n  did you mean synthflow? known vendors: relyable, bluejay, smallest, synthflow, vapi (see \'hookscope vendors\')\n');
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
    ['hookscope schema ', ['atoms', 'bluejay', 'relyable', 'smallest', 'synthflow', 'vapi']],
    ['hookscope schema relyable test_run.', ['test_run.completed', 'test_run.failed']],
    ['hookscope schema atoms call', ['call.end', 'call.start']],
    ['hookscope validate --vendor syn', ['synthflow']],
    ['hookscope validate --vendor bluejay --event simulation_', ['simulation_ended', 'simulation_result_evaluated']],
    ['hookscope validate --format j', ['json', 'junit']],
    ['hookscope validate --st', ['--strict']],
    ['hookscope completion f', ['fish']],
    ['hookscope send sm', ['smallest']],
    ['hookscope send synthflow ', ['call_inbound', 'post_call']],
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
    expect(zsh).toContain("'1:vendor:(relyable bluejay smallest atoms synthflow vapi)' '2:event:->event'");
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
