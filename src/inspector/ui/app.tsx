// The inspector page: a filter bar, the live list (history from GET /api/requests, then new rows
// from the /api/stream server-sent events), the detail pane, and the diff and calls views.
import { render } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { HOLD_END_MS } from '../pace.js';
import { filterQuery, listRequests } from './api.js';
import { Detail } from './detail.js';
import { RequestList } from './list.js';
import { CallsView, DiffView } from './views.js';
import { FIRST_PAGE, type Filter, type ListResponse, type Row } from '../types.js';

const SIG = ['valid', 'invalid', 'unsigned', 'no-secret', 'not-checked'];
const SCHEMA = ['valid', 'invalid', 'drift', 'not-json', 'undetected', 'probe'];

// The newest rows come in index.html itself (GET /api/requests?limit=FIRST_PAGE's answer, in a
// JSON data block the server fills in), so the first render shows them: no request to wait for,
// and no empty frame before them. The older ones follow in a second request.
const embedded = document.getElementById('first-page')?.textContent;
let first: ListResponse | undefined = embedded ? (JSON.parse(embedded) as ListResponse) : undefined;
const isEmpty = (f: Filter) => filterQuery(f) === '';

function App() {
  const rows = useRef<Row[]>(first?.rows ?? []);
  const known = useRef({ vendors: new Set<string>(), events: new Set<string>() });
  const [version, setVersion] = useState(0);
  const [filter, setFilter] = useState<Filter>({});
  const [applied, setApplied] = useState<Filter>({});
  const [selected, setSelected] = useState<number | undefined>();
  const [view, setView] = useState<'requests' | 'calls' | 'diff'>('requests');
  const [diff, setDiff] = useState<{ a?: number; b?: number | 'fixture' }>({});
  const [mark, setMark] = useState<number | undefined>();
  const [status, setStatus] = useState('connecting…');
  /** Rows a flood held back (the stream counted them; the list holds still), and how to show them now. */
  const [held, setHeld] = useState(0);
  const showHeld = useRef(() => {});

  const learn = (list: readonly Row[]) => {
    for (const r of list) {
      if (r.vendor) known.current.vendors.add(r.vendor);
      if (r.event) known.current.events.add(r.event);
    }
  };

  // Marks (`inspector-ready`, `inspector-history`, and data-ready/data-history on the body) made
  // once the list with those rows is in the DOM: after the render that shows them.
  const marks = useRef<('ready' | 'history')[]>(first ? ['ready'] : []);
  useLayoutEffect(() => {
    for (const m of marks.current.splice(0)) {
      if (document.body.dataset[m]) continue;
      document.body.dataset[m] = '1';
      performance.mark(`inspector-${m}`);
    }
  }, [version]);

  // History, then the stream from where it ends; again whenever the filter changes.
  useEffect(() => {
    let source: EventSource | undefined;
    let stopped = false;
    /** When a flood's held rows are shown by themselves (see `release` below). */
    let holdEnd: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const list = first && isEmpty(applied) ? first : await listRequests(applied, { limit: FIRST_PAGE });
      first = undefined;
      if (stopped) return;
      rows.current = list.rows;
      learn(list.rows);
      marks.current.push('ready');
      setVersion((v) => v + 1);
      const dropped = list.dropped ? `; ${list.dropped} older dropped from memory` : '';
      setStatus(`${list.rows.length} request(s)${list.more ? ' · loading older…' : dropped}`);
      const older = async () => {
        if (list.more && list.rows.length) {
          const rest = await listRequests(applied, { before: list.rows[0]!.seq });
          if (stopped) return;
          learn(rest.rows);
          rows.current = rest.rows.concat(rows.current);
          setStatus(`${rows.current.length} request(s)${source?.readyState === EventSource.OPEN ? ' · live' : ''}${dropped}`);
        }
        marks.current.push('history');
        setVersion((v) => v + 1);
      };
      const q = filterQuery(applied);
      source = new EventSource(`/api/stream?after=${list.last}${q ? `&${q}` : ''}`);
      // Rows are added as they come; the page re-renders at most once per frame, however fast they come.
      let frame = 0;
      const append = (more: readonly Row[]) => {
        learn(more);
        for (const r of more) rows.current.push(r);
        frame ||= requestAnimationFrame(() => {
          frame = 0;
          setVersion((v) => v + 1);
          setStatus(`${rows.current.length} request(s) · live`);
        });
      };
      // In a flood the stream sends only how many rows came (src/inspector/pace.ts): the list holds
      // still, and the rows are fetched when the flood is over (HOLD_END_MS after the last count,
      // or rows again), or when the user asks. Appends wait for a fetch under way (`turn`), so the
      // list stays in order.
      let newest = list.last;
      let missing: { after: number; last: number; count: number } | undefined;
      let turn = Promise.resolve();
      const release = () => {
        clearTimeout(holdEnd);
        const m = missing;
        if (!m) return;
        missing = undefined;
        turn = turn
          .then(async () => {
            const got = await listRequests(applied, { after: m.after, before: m.last + 1 });
            if (stopped) return;
            append(got.rows);
            if (!missing) setHeld(0);
          })
          .catch((err: Error) => setStatus(`could not load the held requests: ${err.message}`));
      };
      showHeld.current = release;
      source.addEventListener('held', (e) => {
        const h = JSON.parse((e as MessageEvent<string>).data) as { count: number; last: number };
        missing = { after: missing?.after ?? newest, last: h.last, count: (missing?.count ?? 0) + h.count };
        newest = h.last;
        setHeld(missing.count);
        clearTimeout(holdEnd);
        holdEnd = setTimeout(release, HOLD_END_MS);
      });
      source.addEventListener('rows', (e) => {
        const more = JSON.parse((e as MessageEvent<string>).data) as Row[];
        if (more.length) newest = more[more.length - 1]!.seq;
        if (missing) release();
        turn = turn.then(() => {
          if (!stopped) append(more);
        });
      });
      source.onerror = () => setStatus('disconnected from listen (is it still running?)');
      source.onopen = () => setStatus(`${rows.current.length} request(s) · live`);
      await older();
    };
    load().catch((e: Error) => setStatus(`could not load: ${e.message}`));
    return () => {
      stopped = true;
      clearTimeout(holdEnd);
      setHeld(0);
      source?.close();
    };
  }, [applied]);

  // Text filters apply after a pause in typing. A filter equal to the one applied is not applied
  // again: that would fetch the whole list a second time (it did, 250 ms after every page load).
  useEffect(() => {
    const t = setTimeout(() => setApplied((now) => (filterQuery(now) === filterQuery(filter) ? now : filter)), 250);
    return () => clearTimeout(t);
  }, [filter]);

  const select = useCallback((seq: number) => {
    setSelected(seq);
    setView('requests');
  }, []);
  const openDiff = (a: number, b: number | 'fixture') => {
    setDiff({ a, b });
    setView('diff');
  };
  const set = (k: keyof Filter) => (e: Event) => setFilter({ ...filter, [k]: (e.target as HTMLInputElement).value || undefined });

  return (
    <div class="app">
      <header>
        <b>hookscope</b> inspector
        <nav>
          {(['requests', 'calls', 'diff'] as const).map((v) => (
            <button class={view === v ? 'on' : ''} data-testid={`tab-${v}`} onClick={() => setView(v)}>
              {v}
            </button>
          ))}
        </nav>
        <div class="filters" data-testid="filters">
          <select data-testid="f-vendor" value={filter.vendor ?? ''} onChange={set('vendor')}>
            <option value="">any vendor</option>
            {[...known.current.vendors].sort().map((v) => <option value={v}>{v}</option>)}
          </select>
          <select data-testid="f-event" value={filter.event ?? ''} onChange={set('event')}>
            <option value="">any event</option>
            {[...known.current.events].sort().map((v) => <option value={v}>{v}</option>)}
          </select>
          <select data-testid="f-sig" value={filter.sig ?? ''} onChange={set('sig')}>
            <option value="">any signature</option>
            {SIG.map((v) => <option value={v}>{v}</option>)}
          </select>
          <select data-testid="f-schema" value={filter.schema ?? ''} onChange={set('schema')}>
            <option value="">any schema</option>
            {SCHEMA.map((v) => <option value={v}>{v}</option>)}
          </select>
          <input size={5} placeholder="status" data-testid="f-status" value={filter.status ?? ''} onInput={set('status')} />
          <input size={12} placeholder="call id" data-testid="f-call" value={filter.call ?? ''} onInput={set('call')} />
          <input size={16} placeholder="search bodies" data-testid="f-q" value={filter.q ?? ''} onInput={set('q')} />
        </div>
      </header>
      <main class={view}>
        {view === 'requests' ? (
          <>
            <div class="left">
              <div class="cols">
                <span class="c-time">time</span>
                <span class="c-method">method</span>
                <span class="c-path">path</span>
                <span class="c-vendor">vendor</span>
                <span class="c-event">event</span>
                <span class="c-call">call</span>
                <span class="c-sig">signature</span>
                <span class="c-schema">schema</span>
                <span class="c-dup">dup</span>
                <span class="c-status">status</span>
                <span class="c-latency">latency</span>
              </div>
              <RequestList rows={rows.current} version={version} selected={selected} onSelect={select} />
            </div>
            <div class="right">{selected === undefined ? <div class="detail dim">Select a request.</div> : <Detail seq={selected} version={0} onSelect={select} onDiff={openDiff} diffMark={mark} onMark={setMark} />}</div>
          </>
        ) : view === 'calls' ? (
          <CallsView version={version} onSelect={select} />
        ) : (
          <DiffView a={diff.a} b={diff.b} onPick={openDiff} />
        )}
      </main>
      <footer>
        <span data-testid="status">{status}</span>
        {/* In the footer, not above the list: the list keeps its place and size while it holds. */}
        {held > 0 ? (
          <span class="held" data-testid="held">
            {held} more requests came faster than a list can be read: the list holds still until they slow down.{' '}
            <button data-testid="show-held" onClick={() => showHeld.current()}>
              show them
            </button>
          </span>
        ) : null}
      </footer>
    </div>
  );
}

render(<App />, document.getElementById('root')!);
