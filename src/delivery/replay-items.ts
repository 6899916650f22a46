// What `replay` delivers: fixture files (sent compact and signed as `send` signs them) or the
// records of a `listen` log (the recorded bytes and headers, re-signed only with --secret).
// Everything is read (as a stream: a log of any size) and recognised before the first request,
// so bad input sends nothing.
import { CONNECTION_HEADERS, defaultHeaders } from '../http/client.js';
import { readInputs, type InputOptions } from '../files/inputs.js';
import { isLogRecord, logRecordBody, type LogRecord } from '../record/log-record.js';
import { resolveSecret } from '../signing/secrets.js';
import { signatureHeaderNames, signBody } from '../signing/signature.js';
import { validateText } from '../schema/validate.js';
import { ExitCode, UserError } from '../errors.js';
import { vendors as registry } from '../vendors/index.js';
import type { VendorDefinition } from '../vendors/types.js';

export interface ReplayItem {
  index: number;
  /** `file` or `file:line`. */
  source: string;
  vendor: VendorDefinition;
  event?: string;
  body: Buffer;
  /** In wire order. */
  headers: [string, string][];
  /** The path a recorded request was sent to. */
  path?: string;
  signing: 'signed' | 're-signed' | 'recorded' | 'unsigned';
  dedupeKey?: string;
}

export interface LoadOptions {
  vendor?: VendorDefinition;
  /** `value` (every vendor) or `vendor=value`. */
  secrets: string[];
  signatureHeader?: string;
  env: NodeJS.ProcessEnv;
  stdin?: InputOptions['stdin'];
}


export async function loadInputs(paths: string[], options: LoadOptions): Promise<ReplayItem[]> {
  const flagSecrets = parseSecretFlags(options.secrets);
  const items: ReplayItem[] = [];
  const problems: string[] = [];
  for await (const unit of readInputs(paths, { stdin: options.stdin })) {
    const source = unit.kind !== 'skipped' && unit.line !== undefined ? `${unit.source}:${unit.line}` : unit.source;
    if (unit.kind === 'skipped') continue;
    if (unit.kind === 'unreadable' || unit.kind === 'not-text') {
      problems.push(`${source}: ${unit.message}`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(unit.text);
    } catch (err) {
      problems.push(`${source}: not JSON (${(err as Error).message})`);
      continue;
    }
    const item = isLogRecord(parsed) ? fromRecord(parsed, source, options, flagSecrets) : fromFixture(unit.text, source, options, flagSecrets);
    if (typeof item === 'string') problems.push(`${source}: ${item}`);
    else items.push({ ...item, index: items.length });
  }
  if (problems.length) {
    const shown = problems.slice(0, 10).map((p) => `  ${p}`).join('\n');
    throw new UserError(
      `cannot replay ${problems.length} input${problems.length === 1 ? '' : 's'}; nothing was sent:\n${shown}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`,
      undefined,
      ExitCode.usage,
    );
  }
  if (items.length === 0) throw new UserError(`no payloads found in ${paths.join(', ')}`, 'give fixture files, directories of *.json, or a listen log (*.ndjson)');
  return items;
}

function fromFixture(text: string, source: string, options: LoadOptions, flagSecrets: FlagSecrets): Omit<ReplayItem, 'index'> | string {
  const checked = validateText(text, { vendor: options.vendor });
  const vendor = registry.find((v) => v.id === checked.vendor);
  if (!vendor || !checked.event || checked.body === undefined) {
    return checked.issues.find((i) => i.code === 'undetected' || i.code === 'ambiguous')?.message ?? 'not recognised as any vendor event (use --vendor)';
  }
  if (checked.part === 'reply') return `this is a ${vendor.id} ${checked.event} reply, not something a vendor sends`;
  // Compact on the wire, as `send` sends it, so raw-byte and re-serialising receivers agree.
  const body = Buffer.from(JSON.stringify(checked.body));
  const headers = defaultHeaders();
  const secret = flagSecrets.for(vendor) ?? resolveSecret(vendor, undefined, options.env)?.value;
  const signed = secret ? signBody(vendor, body, secret, options.signatureHeader) : undefined;
  if (signed) headers.push([signed.header, signed.signature]);
  return { source, vendor, event: checked.event, body, headers, signing: signed ? 'signed' : 'unsigned', dedupeKey: vendor.delivery.dedupeKey.key(checked.body) };
}

function fromRecord(record: LogRecord, source: string, options: LoadOptions, flagSecrets: FlagSecrets): Omit<ReplayItem, 'index'> | string {
  const body = logRecordBody(record);
  if ((record as { bodyOmitted?: string }).bodyOmitted) return 'the recorded body was not kept (it was over --max-body)';
  const text = body.toString('utf8');
  const recordedVendor = typeof record.vendor === 'string' ? registry.find((v) => v.id === record.vendor) : undefined;
  const checked = validateText(text, { vendor: options.vendor ?? recordedVendor });
  const vendor = options.vendor ?? registry.find((v) => v.id === checked.vendor) ?? recordedVendor;
  if (!vendor) return 'the recorded request is not recognised as any vendor event (use --vendor)';
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(record.headers)) {
    if (CONNECTION_HEADERS.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }
  // Re-signed only when a secret is given on the command line: the recorded signature is
  // the vendor's own, made with a secret hookscope may not know.
  const secret = flagSecrets.for(vendor);
  let signing: ReplayItem['signing'] = 'recorded';
  if (secret) {
    const signed = signBody(vendor, body, secret, options.signatureHeader);
    // Drop the recorded signature under any spelling, and whatever the override names.
    const names = new Set([...signatureHeaderNames(vendor), ...(options.signatureHeader ? signatureHeaderNames(vendor, options.signatureHeader) : [])]);
    for (let i = headers.length - 1; i >= 0; i--) if (names.has(headers[i]![0].toLowerCase())) headers.splice(i, 1);
    if (signed) headers.push([signed.header, signed.signature]);
    signing = signed ? 're-signed' : 'unsigned';
  }
  return {
    source,
    vendor,
    event: checked.event,
    body,
    headers,
    path: record.path,
    signing,
    dedupeKey: checked.body === undefined ? undefined : vendor.delivery.dedupeKey.key(checked.body),
  };
}

interface FlagSecrets {
  for(vendor: VendorDefinition): string | undefined;
}

/** `--secret value` applies to every vendor; `--secret relyable=value` to one. */
function parseSecretFlags(specs: string[]): FlagSecrets {
  let all: string | undefined;
  const byVendor = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const vendor = eq > 0 ? registry.find((v) => v.id === spec.slice(0, eq) || v.aliases.includes(spec.slice(0, eq))) : undefined;
    if (vendor) byVendor.set(vendor.id, spec.slice(eq + 1));
    else all = spec;
  }
  return { for: (vendor) => byVendor.get(vendor.id) ?? all };
}
