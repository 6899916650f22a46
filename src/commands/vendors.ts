// `hookscope vendors [id]`: what the catalog knows, with the provenance of every fact, so an
// assumption is never mistaken for a vendor's word.
import type { ChalkInstance } from 'chalk';
import type { CommandIO } from '../cli/io.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { resolveVendor } from '../vendors/resolve.js';
import { makeChalk } from '../ui/terminal.js';
import { GENERIC_SECRET_ENV, vendors } from '../vendors/index.js';
import type { Fact, VendorDefinition } from '../vendors/types.js';

export interface VendorsOptions {
  id?: string;
  json?: boolean;
  color?: boolean;
}

export async function run(options: VendorsOptions, io: CommandIO): Promise<ExitCodeValue> {
  io.stdout.write(vendorsText({ ...options, color: io.color }));
  return ExitCode.ok;
}

export function vendorsText(options: VendorsOptions): string {
  const chalk = makeChalk(options.color ?? false);
  if (!options.id) return options.json ? `${JSON.stringify(vendors.map(summary))}\n` : listVendors(chalk);
  const vendor = resolveVendor(options.id);
  return options.json ? `${JSON.stringify(detail(vendor))}\n` : showVendor(vendor, chalk);
}

function summary(v: VendorDefinition) {
  // `recognisedBy`: a saved body of a vendor known by its request headers (Standard Webhooks) is nobody's without them.
  return { id: v.id, aliases: v.aliases, title: v.title, recognisedBy: v.fallback ? 'headers' : 'body', events: v.events.map((e) => ({ name: e.name, description: e.description, legacy: e.legacy ?? null, reply: Boolean(e.reply) })) };
}

function detail(v: VendorDefinition) {
  const fact = <T>(f: Fact<T>) => ({ value: f.value, provenance: f.provenance, note: f.note, override: f.override ?? null });
  const s = v.signing;
  const d = v.delivery;
  return {
    ...summary(v),
    docsUrl: v.docsUrl,
    secretEnv: [...v.secretEnv, GENERIC_SECRET_ENV],
    signing: s
      ? {
          kind: s.kind,
          headers: fact(s.headers),
          alsoAccepted: s.alsoAccepted ?? [],
          format: fact(s.format),
          algorithm: fact(s.algorithm),
          encoding: fact(s.encoding),
          key: fact(s.key),
          signedBytes: fact(s.signedBytes),
          timestamp: s.timestamp ? fact(s.timestamp) : null,
          signsUrl: Boolean(s.signsUrl),
          caveat: s.caveat ?? null,
        }
      : { none: v.signingNote ?? 'no signing scheme documented' },
    authModes: v.authModes ? Object.fromEntries(Object.entries(v.authModes).map(([name, m]) => [name, { label: m.label, provenance: m.provenance, note: m.note, settings: m.settings ?? {} }])) : null,
    defaultAuthMode: v.defaultAuthMode ? fact(v.defaultAuthMode) : null,
    delivery: {
      retryDelaysMs: fact(d.retryDelaysMs),
      success: fact(d.success),
      retryOn: d.retryOn ? fact(d.retryOn) : null,
      timeoutMs: fact(d.timeoutMs),
      dedupeKey: fact(d.dedupeKey),
      backoff: d.backoff ? { name: d.backoff.name, provenance: d.backoff.provenance, note: d.backoff.note, kinds: d.backoff.kinds, maxRetries: d.backoff.maxRetries, baseDelaySeconds: d.backoff.baseDelaySeconds, excludedStatuses: d.backoff.excludedStatuses, assumption: d.backoff.assumption ?? null } : null,
    },
    callScript: v.callScript ? { description: v.callScript.description, steps: v.callScript.steps.map((st) => ({ step: st.label ?? st.event, event: st.event, delayMs: st.delayMs })) } : null,
    notes: v.notes ?? [],
  };
}

function listVendors(chalk: ChalkInstance): string {
  const out: string[] = [];
  for (const v of vendors) {
    const alias = v.aliases.length ? chalk.dim(` (alias: ${v.aliases.join(', ')})`) : '';
    const signing = v.signing ? `${v.signing.algorithm.value}${v.signing.encoding.value === 'none' ? '' : ` ${v.signing.encoding.value}`} in ${v.signing.headers.value[0]}` : 'unsigned (no documented scheme)';
    out.push(`${chalk.bold(v.id)}${alias}  ${v.title} — ${signing}`);
    const width = Math.max(...v.events.map((e) => e.name.length));
    for (const e of v.events) {
      const tags = [e.legacy ? 'legacy' : '', e.reply ? 'request/response' : ''].filter(Boolean);
      out.push(`  ${e.name.padEnd(width)}  ${e.description}${tags.length ? chalk.dim(` [${tags.join(', ')}]`) : ''}`);
    }
    out.push('');
  }
  out.push(chalk.dim("Run 'hookscope vendors <id>' for signing and delivery rules."));
  return `${out.join('\n')}\n`;
}

const ms = (n: number) => (n === 0 ? '0' : n % 3_600_000 === 0 ? `${n / 3_600_000} h` : n % 60_000 === 0 ? `${n / 60_000} min` : n % 1000 === 0 ? `${n / 1000} s` : `${n} ms`);

function showVendor(v: VendorDefinition, chalk: ChalkInstance): string {
  const tag = (p: Fact<unknown>['provenance']) => (p === 'documented' ? chalk.green('documented') : p === 'seen' ? chalk.cyan('seen (not documented)') : chalk.yellow('ASSUMPTION'));
  const row = (name: string, value: string, f: Fact<unknown>) => {
    const lines = [`  ${name.padEnd(13)} ${value}`, `  ${''.padEnd(13)} ${tag(f.provenance)}: ${f.note}`];
    if (f.override && f.provenance !== 'documented') lines.push(`  ${''.padEnd(13)} ${chalk.dim(`override with ${f.override}`)}`);
    return lines.join('\n');
  };
  const out = [`${chalk.bold(v.title)} (${v.id}${v.aliases.length ? `, alias ${v.aliases.join(', ')}` : ''})`, `  docs: ${v.docsUrl}`, `  secret from: --secret, $${[...v.secretEnv, GENERIC_SECRET_ENV].join(', $')}`, ''];
  out.push(chalk.bold('Signing'));
  const s = v.signing;
  if (s) {
    out.push(row('headers', [...s.headers.value, ...(s.alsoAccepted ?? []).map((h) => `${h} (also accepted)`)].join(chalk.dim(' | ')), s.headers));
    out.push(row('format', s.format.value, s.format));
    out.push(row('algorithm', s.algorithm.value, s.algorithm));
    if (s.encoding.value !== 'none') out.push(row('encoding', s.encoding.value, s.encoding));
    out.push(row('key', s.key.value, s.key));
    out.push(row('signed bytes', s.signedBytes.value, s.signedBytes));
    if (s.timestamp) {
      const t = s.timestamp.value;
      out.push(row('timestamp', `in ${t.unit === 's' ? 'seconds' : 'milliseconds'}; accepted up to ${ms(t.pastMs)} old${t.futureMs === undefined ? ' (the future is not checked)' : `, ${ms(t.futureMs)} ahead`}`, s.timestamp));
    }
    if (s.caveat) out.push(`  ${chalk.yellow('caveat')}        ${s.caveat}`);
  } else {
    out.push(`  none: ${v.signingNote ?? 'no signing scheme documented'}`);
  }
  if (v.authModes) {
    out.push('', chalk.bold('Authentication modes') + chalk.dim(' (choose with --auth; listen checks the one a request carries)'));
    for (const [name, m] of Object.entries(v.authModes)) {
      out.push(`  ${name.padEnd(13)} ${m.label}`, `  ${''.padEnd(13)} ${tag(m.provenance)}: ${m.note}`);
      for (const [setting, what] of Object.entries(m.settings ?? {})) out.push(`  ${''.padEnd(13)} ${chalk.dim(`--auth-setting ${setting}=…  ${what}`)}`);
    }
    if (v.defaultAuthMode) out.push(row('without --auth', `send signs with ${v.defaultAuthMode.value}`, v.defaultAuthMode));
  }
  const d = v.delivery;
  out.push('', chalk.bold('Delivery'));
  const delays = d.retryDelaysMs.value;
  out.push(row('attempts', `${delays.length} (${delays.length === 1 ? 'no retries' : `delays ${delays.map(ms).join(', ')}`})`, d.retryDelaysMs));
  out.push(row('success', d.success.value, d.success));
  if (d.retryOn) out.push(row('retried', d.retryOn.value, d.retryOn));
  out.push(row('timeout', ms(d.timeoutMs.value), d.timeoutMs));
  out.push(row('dedupe key', d.dedupeKey.value, d.dedupeKey));
  if (d.backoff) {
    const b = d.backoff;
    out.push(`  ${'retry plan'.padEnd(13)} ${b.name}: ${b.kinds.join(' | ')}, maxRetries ${b.maxRetries.min}–${b.maxRetries.max}, baseDelaySeconds ${b.baseDelaySeconds.min}–${b.baseDelaySeconds.max}${b.excludedStatuses ? ', excluded statuses' : ''}`);
    out.push(`  ${''.padEnd(13)} ${tag(b.provenance)}: ${b.note}`);
    if (b.assumption) out.push(`  ${''.padEnd(13)} ${tag('assumed')}: ${b.assumption}`);
    out.push(`  ${''.padEnd(13)} ${chalk.dim('replay with --backoff <kind> --max-retries <n> --base-delay <s> [--excluded-statuses 400,404]')}`);
  }
  if (v.callScript) {
    out.push('', chalk.bold('A call') + chalk.dim(` (hookscope send ${v.id} call --url …)`), `  ${v.callScript.description}`);
    let at = 0;
    for (const [i, st] of v.callScript.steps.entries()) {
      if (i > 0) at += st.delayMs;
      out.push(`  ${chalk.dim(`+${ms(at)}`.padEnd(9))} ${st.label ?? st.event}`);
    }
  }
  out.push('', chalk.bold('Events'));
  for (const e of v.events) {
    out.push(`  ${e.name}${e.legacy ? chalk.dim(' (legacy)') : ''}: ${e.description}`);
    if (e.legacy) out.push(`    ${chalk.dim(e.legacy)}`);
    if (e.reply) {
      out.push(`    reply: ${e.reply.description.replace(/\.$/, '')}; ${e.reply.emptyMeans}`);
      const d = e.reply.deadlineMs;
      if (d) out.push(`    deadline: ${ms(d.value)} (${tag(d.provenance)}: ${d.note})`);
    }
    if (e.signing === null) out.push(`    ${chalk.dim(`unsigned: ${e.signingNote ?? 'the vendor signs this event with nothing'}`)}`);
    else if (e.signing) out.push(`    signed differently: ${e.signing.algorithm.value} in ${e.signing.headers.value[0]}`);
  }
  if (v.notes?.length) out.push('', chalk.bold('Notes'), ...v.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}
