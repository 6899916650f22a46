// A body three ways: pretty (a JSON tree, each schema issue marked at its place: on the value,
// or where a missing field would be), raw (the text, issues marked on their line) and hex.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { pathText } from '../diff.js';
import type { IssueView } from '../types.js';

/** Bodies larger than this are shown raw (a tree of a 10 MB transcript would freeze the page). */
const PRETTY_LIMIT = 512 * 1024;
const HEX_LIMIT = 64 * 1024;

export function decodeBytes(body: string, encoding: 'utf8' | 'base64'): Uint8Array {
  if (encoding === 'utf8') return new TextEncoder().encode(body);
  const bin = atob(body);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function BodyView(props: { body: string; encoding: 'utf8' | 'base64'; issues: IssueView[]; testid?: string }) {
  const [mode, setMode] = useState<'pretty' | 'raw' | 'hex'>(props.encoding === 'base64' ? 'hex' : 'pretty');
  let parsed: { value: unknown } | undefined;
  if (props.encoding === 'utf8' && props.body.length <= PRETTY_LIMIT && mode === 'pretty') {
    try {
      parsed = { value: JSON.parse(props.body) };
    } catch {
      parsed = undefined;
    }
  }
  return (
    <div class="body" data-testid={props.testid ?? 'body'}>
      <div class="tabs small">
        {(['pretty', 'raw', 'hex'] as const).map((m) => (
          <button class={m === mode ? 'on' : ''} data-testid={`body-${m}`} onClick={() => setMode(m)}>
            {m}
          </button>
        ))}
      </div>
      {mode === 'pretty' && parsed ? (
        <pre class="code">
          <Tree value={parsed.value} path={[]} issues={byPath(props.issues)} indent="" last />
        </pre>
      ) : mode === 'hex' ? (
        <Hex bytes={decodeBytes(props.body, props.encoding)} />
      ) : (
        <Raw text={props.encoding === 'utf8' ? props.body : '(not UTF-8 text: see hex)'} issues={props.issues} note={mode === 'pretty' ? 'not JSON (or too large to pretty-print): shown raw' : undefined} />
      )}
    </div>
  );
}

function byPath(issues: IssueView[]): Map<string, IssueView[]> {
  const out = new Map<string, IssueView[]>();
  for (const i of issues) {
    const key = i.path ?? '$';
    out.set(key, [...(out.get(key) ?? []), i]);
  }
  return out;
}

function Marks(props: { issues?: IssueView[] }) {
  if (!props.issues?.length) return null;
  return (
    <>
      {props.issues.map((i) => (
        <span class={`issue-note ${i.severity}`} data-testid="issue-mark">
          {' '}
          ◀ {i.code}: {i.message}
        </span>
      ))}
    </>
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function Tree(props: { value: unknown; path: (string | number)[]; issues: Map<string, IssueView[]>; indent: string; last: boolean; label?: ComponentChildren }): preact.JSX.Element {
  const { value, path, issues, indent } = props;
  const here = pathText(path);
  const comma = props.last ? '' : ',';
  const mine = issues.get(here);
  const cls = mine?.length ? `node issue ${mine.some((i) => i.severity === 'error') ? 'error' : 'warning'}` : 'node';
  if (isObject(value) || Array.isArray(value)) {
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    // Issues about keys this object lacks (a missing required field) are shown inside it.
    const missing: IssueView[] = [];
    if (isObject(value)) {
      for (const [p, list] of issues) {
        for (const i of list) {
          const key = p.startsWith(here) ? p.slice(here.length).replace(/^\./, '') : undefined;
          if (key && /^[\w$-]+$/.test(key) && !(key in value)) missing.push(i);
        }
      }
    }
    return (
      <span class={cls} data-path={here}>
        {props.label}
        {open}
        <Marks issues={mine} />
        {'\n'}
        {entries.map(([k, v], n) => (
          <Tree value={v} path={[...path, k]} issues={issues} indent={`${indent}  `} last={n === entries.length - 1 && missing.length === 0} label={<>{`${indent}  `}{typeof k === 'string' ? <span class="key">{JSON.stringify(k)}</span> : null}{typeof k === 'string' ? ': ' : ''}</>} />
        ))}
        {missing.map((i) => (
          <span class={`node issue missing ${i.severity}`}>
            {`${indent}  `}
            <span class={`issue-note ${i.severity}`} data-testid="issue-mark">
              ◀ {i.path}: {i.code}: {i.message}
            </span>
            {'\n'}
          </span>
        ))}
        {indent}
        {close}
        {comma}
        {'\n'}
      </span>
    );
  }
  return (
    <span class={cls} data-path={here}>
      {props.label ?? indent}
      <span class={`val t-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      {comma}
      <Marks issues={mine} />
      {'\n'}
    </span>
  );
}

function Raw(props: { text: string; issues: IssueView[]; note?: string }) {
  const lines = props.text.slice(0, PRETTY_LIMIT * 4).split('\n');
  const byLine = new Map<number, IssueView[]>();
  for (const i of props.issues) if (i.line) byLine.set(i.line, [...(byLine.get(i.line) ?? []), i]);
  return (
    <>
      {props.note ? <div class="note">{props.note}</div> : null}
      <pre class="code raw">
        {lines.map((line, n) => (
          <span class={byLine.has(n + 1) ? 'line issue' : 'line'}>
            <span class="ln">{n + 1}</span>
            {line}
            <Marks issues={byLine.get(n + 1)?.map((i) => ({ ...i, message: `${i.message} (col ${i.column ?? '?'})` }))} />
            {'\n'}
          </span>
        ))}
      </pre>
    </>
  );
}

function Hex(props: { bytes: Uint8Array }) {
  const { bytes } = props;
  const lines: string[] = [];
  const shown = Math.min(bytes.length, HEX_LIMIT);
  for (let off = 0; off < shown; off += 16) {
    const chunk = bytes.subarray(off, Math.min(off + 16, shown));
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > shown) lines.push(`… ${bytes.length - shown} more bytes`);
  return <pre class="code hex">{lines.join('\n')}</pre>;
}
