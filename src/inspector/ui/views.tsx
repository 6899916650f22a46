// The diff view (two deliveries, or one and its fixture) and the calls view (each call's events
// in order, with what is out of order or missing).
import { useEffect, useRef, useState } from 'preact/hooks';
import { getCalls, getDiff } from './api.js';
import type { CallView, DiffEntry, DiffResponse } from '../types.js';

const show = (v: unknown) => (v === undefined ? '' : JSON.stringify(v).slice(0, 300));

function Entries(props: { entries: DiffEntry[]; testid: string }) {
  if (props.entries.length === 0) return <div class="dim">none</div>;
  return (
    <table class="diff" data-testid={props.testid}>
      {props.entries.map((e) => (
        <tr class={`d-${e.kind}`}>
          <td class="path">{e.path}</td>
          <td>{e.kind}</td>
          <td class="a">{show(e.a)}</td>
          <td class="b">{show(e.b)}</td>
        </tr>
      ))}
    </table>
  );
}

export function DiffView(props: { a?: number; b?: number | 'fixture'; onPick(a: number, b: number | 'fixture'): void }) {
  const [a, setA] = useState(props.a === undefined ? '' : String(props.a));
  const [b, setB] = useState(props.b === undefined ? '' : String(props.b));
  const [data, setData] = useState<DiffResponse | { error: string } | undefined>();
  useEffect(() => {
    setA(props.a === undefined ? '' : String(props.a));
    setB(props.b === undefined ? '' : String(props.b));
    if (props.a === undefined || props.b === undefined) return;
    getDiff(props.a, props.b).then(setData, (e: Error) => setData({ error: e.message }));
  }, [props.a, props.b]);
  return (
    <div class="pane diff-view" data-testid="diff-view">
      <div class="toolbar">
        Compare #<input size={6} value={a} data-testid="diff-a" onInput={(e) => setA((e.target as HTMLInputElement).value)} /> with #
        <input size={8} value={b} placeholder="seq or fixture" data-testid="diff-b" onInput={(e) => setB((e.target as HTMLInputElement).value)} />
        <button data-testid="diff-go" onClick={() => props.onPick(Number(a), b === 'fixture' ? 'fixture' : Number(b))}>
          Diff
        </button>
      </div>
      {!data ? (
        <div class="dim">Pick two requests (in a request's detail: "Mark for diff", then "Diff with #…"), or a request and its fixture.</div>
      ) : 'error' in data ? (
        <div class="v-bad">{data.error}</div>
      ) : (
        <div data-testid="diff-result">
          <h3>
            {data.a.label} ↔ {data.b.label}: {data.same ? 'the same JSON (key order ignored)' : `${data.body.filter((e) => !e.perDelivery).length} difference(s)`}
          </h3>
          {data.note ? <div class="note">{data.note}</div> : null}
          <h4>Body: differences</h4>
          <Entries entries={data.body.filter((e) => !e.perDelivery)} testid="diff-real" />
          <h4>Body: per-delivery fields (ids, timestamps: expected to differ)</h4>
          <Entries entries={data.body.filter((e) => e.perDelivery)} testid="diff-per-delivery" />
          {data.headers.length ? (
            <>
              <h4>Headers</h4>
              <Entries entries={data.headers.filter((e) => !e.perDelivery)} testid="diff-headers" />
              <h4>Headers: per delivery (signature, ids, dates)</h4>
              <Entries entries={data.headers.filter((e) => e.perDelivery)} testid="diff-headers-per-delivery" />
            </>
          ) : null}
        </div>
      )}
    </div>
  );
}

export function CallsView(props: { version: number; onSelect(seq: number): void }) {
  const [calls, setCalls] = useState<CallView[] | { error: string } | undefined>();
  const last = useRef(0);
  // At most one fetch every 500 ms however fast rows arrive.
  useEffect(() => {
    const fetchNow = () => {
      last.current = Date.now();
      getCalls().then((d) => setCalls(d.calls), (e: Error) => setCalls({ error: e.message }));
    };
    const wait = last.current + 500 - Date.now();
    if (wait <= 0) return fetchNow();
    const t = setTimeout(fetchNow, wait);
    return () => clearTimeout(t);
  }, [props.version]);
  if (!calls) return <div class="pane">Loading…</div>;
  if ('error' in calls) return <div class="pane v-bad">{calls.error}</div>;
  return (
    <div class="pane calls-view" data-testid="calls-view">
      {calls.length === 0 ? <div class="dim">No calls yet: requests that carry a call id (the vendor's) are grouped here.</div> : null}
      {[...calls].reverse().map((c) => (
        <div class="call" data-testid="call" data-call={c.callId}>
          <h3>
            {c.vendor} · call {c.callId} {c.ended ? <span class="badge v-ok">ended</span> : <span class="badge v-none">in progress</span>}
          </h3>
          <ol class="timeline">
            {c.events.map((e) => (
              <li>
                <a href="#" onClick={(ev) => (ev.preventDefault(), props.onSelect(e.seq))}>
                  {e.time.slice(11, 23)} #{e.seq} {e.step}
                </a>
              </li>
            ))}
          </ol>
          {c.outOfOrder.map((n) => (
            <div class="v-warn" data-testid="out-of-order">
              out of order: {n}
            </div>
          ))}
          {c.missing.length ? (
            <div class="v-bad" data-testid="missing">
              missing after the call ended: {c.missing.join(', ')}
            </div>
          ) : null}
        </div>
      ))}
    </div>
  );
}
