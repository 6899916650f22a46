// The detail pane: verdicts (signature with diagnosis and the scheme's provenance, schema), the
// answer (listen's, or the forwarded app's with its latency against the vendor's deadline),
// headers, the body, copy-as-curl, and replay / edit-and-replay.
import { useEffect, useState } from 'preact/hooks';
import { getRequest, replayRequest } from './api.js';
import { BodyView } from './body.js';
import { verdictClass } from './list.js';
import type { DetailResponse, ReplayResponse } from '../types.js';

export function Detail(props: { seq: number; version: number; onSelect(seq: number): void; onDiff(a: number, b: number | 'fixture'): void; diffMark?: number; onMark(seq: number): void }) {
  const [data, setData] = useState<DetailResponse | { error: string } | undefined>();
  useEffect(() => {
    let live = true;
    // Never show (or replay) the previous request while the next one loads.
    setData((d) => (d && 'row' in d && d.row.seq === props.seq ? d : undefined));
    getRequest(props.seq).then(
      (d) => live && setData(d),
      (e: Error) => live && setData({ error: e.message }),
    );
    return () => {
      live = false;
    };
  }, [props.seq, props.version]);
  if (!data) return <div class="detail" data-testid="detail">Loading…</div>;
  if ('error' in data) return <div class="detail error" data-testid="detail">{data.error}</div>;
  const { record: r, row } = data;
  const sig = r.signature;
  const fwd = r.forward;
  const copy = () => {
    void navigator.clipboard?.writeText(data.curl).catch(() => undefined);
    const el = document.querySelector<HTMLTextAreaElement>('[data-testid="curl"]');
    el?.select();
  };
  return (
    <div class="detail" data-testid="detail" data-seq={row.seq}>
      <h2>
        #{row.seq} {row.method} {row.path} {row.vendor ? <span class="tag">{row.vendor}</span> : null} {row.event ? <span class="tag">{row.event}</span> : null}
      </h2>
      <div class="meta">
        {r.time}
        {row.id !== undefined ? ` · listen id ${row.id}` : ''}
        {row.callId ? ` · call ${row.callId}` : ''}
        {row.attempt ? ` · attempt ${row.attempt} of this event (a retry)` : ''}
        {row.replayOf !== undefined ? (
          <>
            {' · replay of '}
            <a href="#" data-testid="replay-of" onClick={(e) => (e.preventDefault(), props.onSelect(row.replayOf!))}>
              #{row.replayOf}
            </a>
            {row.edited ? ' (edited)' : ''}
            {' · '}
            <ReplaysNote />
          </>
        ) : null}
        {data.replays.length ? (
          <>
            {' · replayed as '}
            {data.replays.map((s) => (
              <a href="#" class="link" data-testid="replayed-as" onClick={(e) => (e.preventDefault(), props.onSelect(s))}>
                #{s}{' '}
              </a>
            ))}
          </>
        ) : null}
      </div>
      {r.summary ? <div class="summary">{String(r.summary)}</div> : null}

      <section data-testid="signature">
        <h3>
          Signature <span class={`badge v-${verdictClass(sig.state)}`}>{sig.state}</span>
        </h3>
        {sig.reason ? <div>{sig.reason}</div> : null}
        {sig.diagnosis ? <div class="diagnosis" data-testid="diagnosis">Diagnosis: {sig.diagnosis}</div> : null}
        {sig.header ? <div class="dim">header: {sig.header}{sig.mode ? ` · mode ${sig.mode}` : ''}</div> : null}
        {sig.url ? <div class="dim">checked against {sig.url} ({sig.urlFrom})</div> : null}
        {data.scheme ? (
          <table class="facts" data-testid="scheme">
            <caption>{data.scheme.kind} scheme, from the catalog</caption>
            {data.scheme.facts.map((f) => (
              <tr>
                <th>{f.name}</th>
                <td>{f.value}</td>
                <td class={`prov p-${f.provenance}`} title={f.note}>
                  {f.provenance}
                </td>
              </tr>
            ))}
          </table>
        ) : null}
      </section>

      <section data-testid="schema">
        <h3>
          Schema <span class={`badge v-${verdictClass(r.schema.state)}`}>{r.schema.state}</span>
        </h3>
        {r.schema.issues.map((i) => (
          <div class={`issue-line ${i.severity}`}>
            {i.path ?? '$'}
            {i.line ? ` (${i.line}:${i.column})` : ''}: {i.message} <span class="dim">[{i.code}]</span>
          </div>
        ))}
        {r.schema.omittedIssues ? <div class="dim">…and {r.schema.omittedIssues} more</div> : null}
      </section>

      <section data-testid="answer">
        <h3>Answer</h3>
        {fwd ? (
          <>
            <div>
              {row.replayOf !== undefined ? 'sent to' : 'forwarded to'} {fwd.url}: {fwd.status ?? 'no answer'} in <b>{fwd.latencyMs} ms</b>
              {data.deadline ? ` of the ${data.deadline.ms / 1000} s ${data.deadline.hard ? 'deadline' : 'timeout'} (${data.deadline.provenance})` : ''}
              {fwd.error ? <span class="v-bad"> · {fwd.error}</span> : null}
            </div>
            <Bar ms={fwd.latencyMs} deadline={data.deadline?.ms} />
            {fwd.verdict ? (
              <div data-testid="answer-verdict">
                <span class={`badge v-${fwd.verdict.accepted ? 'ok' : 'bad'}`}>{fwd.verdict.accepted ? 'accepted' : 'not accepted'}</span> {fwd.verdict.reason}
                {fwd.verdict.deadline ? <div class={`v-${fwd.verdict.deadline.state === 'ok' ? 'ok' : fwd.verdict.deadline.state === 'warn' ? 'warn' : 'bad'}`}>{fwd.verdict.deadline.message}</div> : null}
                {fwd.verdict.reply && !fwd.verdict.reply.valid ? <div class="v-bad">reply: {fwd.verdict.reply.explanation}</div> : null}
              </div>
            ) : null}
            {fwd.body !== undefined ? <BodyView body={fwd.body} encoding={fwd.bodyEncoding ?? 'utf8'} issues={fwd.verdict?.reply?.issues ?? []} testid="answer-body" /> : null}
          </>
        ) : (
          <div>
            listen answered {r.response.status}
            {r.response.rule ? ` (rule ${r.response.rule})` : ''}
            {r.response.delayMs ? ` after ${r.response.delayMs} ms` : ''}
          </div>
        )}
      </section>

      <section data-testid="headers">
        <h3>Headers</h3>
        <table class="headers">
          {Object.entries(r.headers).map(([k, v]) => (
            <tr>
              <th>{k}</th>
              <td>{Array.isArray(v) ? v.join(', ') : v}</td>
            </tr>
          ))}
        </table>
      </section>

      <section>
        <h3>Body {r.bodyOmitted ? <span class="v-bad">(not kept: {String(r.bodyOmitted)})</span> : null}</h3>
        <BodyView body={r.body} encoding={r.bodyEncoding} issues={r.schema.issues} />
      </section>

      <section class="actions">
        <h3>Copy as curl</h3>
        <textarea readOnly rows={3} data-testid="curl" value={data.curl} />
        <button data-testid="copy-curl" onClick={copy}>
          Copy
        </button>
        {data.curlNote ? (
          <div class="note" data-testid="curl-note">
            {data.curlNote.text}
          </div>
        ) : null}
        <h3>Compare</h3>
        <button data-testid="mark-diff" onClick={() => props.onMark(row.seq)}>
          Mark for diff
        </button>
        {props.diffMark !== undefined && props.diffMark !== row.seq ? (
          <button data-testid="diff-with-mark" onClick={() => props.onDiff(props.diffMark!, row.seq)}>
            Diff with #{props.diffMark}
          </button>
        ) : null}
        {row.replayOf !== undefined ? <button onClick={() => props.onDiff(row.replayOf!, row.seq)}>Diff with original</button> : null}
        {row.event ? (
          <button data-testid="diff-fixture" onClick={() => props.onDiff(row.seq, 'fixture')}>
            Diff with the fixture
          </button>
        ) : null}
      </section>

      <Replay key={row.seq} data={data} onSelect={props.onSelect} />
    </div>
  );
}

function Bar(props: { ms: number; deadline?: number }) {
  if (!props.deadline) return null;
  const share = Math.min(1, props.ms / props.deadline);
  return (
    <div class="bar" title={`${props.ms} ms of ${props.deadline} ms`}>
      <div class={share > 0.8 ? 'fill warn' : 'fill'} style={{ width: `${Math.max(1, share * 100)}%` }} />
    </div>
  );
}

/**
 * Replays are the developer's own requests, not the vendor's: listen's log stays the record of
 * what listen received, which validate and replay read back as deliveries (docs/inspector-api.md).
 */
function ReplaysNote() {
  return <span data-testid="replays-note">replays are kept while listen runs; they are not in the log</span>;
}

const CONNECTION = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'expect', 'te', 'trailer', 'upgrade']);

function Replay(props: { data: DetailResponse; onSelect(seq: number): void }) {
  const { data } = props;
  const r = data.record;
  const [url, setUrl] = useState('');
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(r.bodyEncoding === 'utf8' ? r.body : '');
  const [headers, setHeaders] = useState(() =>
    Object.entries(r.headers)
      .filter(([k]) => !CONNECTION.has(k.toLowerCase()))
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
      .join('\n'),
  );
  const [validate, setValidate] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReplayResponse | { error: string } | undefined>();
  const go = async (edit: boolean) => {
    setBusy(true);
    setResult(undefined);
    try {
      const pairs = headers
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]);
      setResult(await replayRequest(data.row.seq, { ...(url.trim() ? { url: url.trim() } : {}), ...(edit ? { body, headers: pairs, validate } : {}) }));
    } catch (e) {
      setResult({ error: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="replay" data-testid="replay">
      <h3>Replay</h3>
      <div class="dim">
        To {data.forwardTo ? `listen's --forward-to (${data.forwardTo}, with this path)` : 'a URL (listen has no --forward-to)'} or the URL below; {data.canSign ? 're-signed now with the configured secret.' : 'no secret configured: sent with the recorded signature.'}
      </div>
      <div class="dim">
        <ReplaysNote />
      </div>
      <input type="url" placeholder={data.forwardTo ?? 'http://localhost:3000/webhooks'} value={url} data-testid="replay-url" onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
      <button disabled={busy} data-testid="replay-send" onClick={() => go(false)}>
        Replay
      </button>
      <button disabled={busy} data-testid="replay-edit" onClick={() => setEditing(!editing)}>
        {editing ? 'Cancel edit' : 'Edit and replay…'}
      </button>
      {editing ? (
        <div class="edit">
          <label>Headers (name: value, one per line; the signature is made anew)</label>
          <textarea rows={6} data-testid="edit-headers" value={headers} onInput={(e) => setHeaders((e.target as HTMLTextAreaElement).value)} />
          <label>Body</label>
          <textarea rows={12} data-testid="edit-body" value={body} onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
          <label>
            <input type="checkbox" checked={validate} data-testid="edit-validate" onChange={(e) => setValidate((e.target as HTMLInputElement).checked)} /> check the body against the event's schema before sending
          </label>
          <button disabled={busy} data-testid="edit-send" onClick={() => go(true)}>
            Send edited
          </button>
        </div>
      ) : null}
      {result ? (
        <div class="replay-result" data-testid="replay-result">
          {'error' in result && result.error ? <div class="v-bad">{result.error}</div> : null}
          {'issues' in result && result.issues?.map((i) => <div class="issue-line error">{i.path}: {i.message}</div>)}
          {'seq' in result && result.seq !== undefined ? (
            <div>
              sent: answered {result.row?.status || 'nothing'} →{' '}
              <a href="#" data-testid="replay-new" onClick={(e) => (e.preventDefault(), props.onSelect(result.seq!))}>
                #{result.seq}
              </a>
            </div>
          ) : null}
          {'notes' in result ? result.notes?.map((n) => <div class="dim">{n}</div>) : null}
        </div>
      ) : null}
    </section>
  );
}
