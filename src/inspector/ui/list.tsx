// The request list: virtualised (only the rows in view are in the DOM), newest first.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Row } from '../types.js';

export const ROW_HEIGHT = 24;
const OVERSCAN = 10;

const time = (iso: string) => iso.slice(11, 23);

export function verdictClass(state: string): string {
  if (state === 'valid') return 'ok';
  if (state === 'invalid' || state === 'not-json') return 'bad';
  if (state === 'drift' || state === 'no-secret') return 'warn';
  return 'none';
}

/** `rows` oldest first (appending is cheap); shown newest first. `version` changes when rows do. */
export function RequestList(props: { rows: readonly Row[]; version: number; selected?: number; onSelect(seq: number): void }) {
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  useEffect(() => {
    const el = box.current!;
    const measure = () => setScroll({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const { rows } = props;
  const n = rows.length;
  const first = Math.max(0, Math.floor(scroll.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(n, Math.ceil((scroll.top + scroll.height) / ROW_HEIGHT) + OVERSCAN);
  const visible = [];
  for (let i = first; i < last; i++) {
    const row = rows[n - 1 - i]!;
    visible.push(
      <div
        key={row.seq}
        class={`row${row.seq === props.selected ? ' selected' : ''}${row.replayOf !== undefined ? ' replay' : ''}`}
        style={{ top: `${i * ROW_HEIGHT}px` }}
        data-seq={row.seq}
        onClick={() => props.onSelect(row.seq)}
      >
        <span class="c-time">{time(row.time)}</span>
        <span class="c-method">{row.method}</span>
        <span class="c-path" title={row.path}>{row.path}</span>
        <span class="c-vendor">{row.vendor ?? '–'}</span>
        <span class="c-event" title={row.summary}>{row.event ?? '–'}</span>
        <span class="c-call" title={row.callId}>{row.callId ?? ''}</span>
        <span class={`c-sig v-${verdictClass(row.sig)}`}>{row.sig}</span>
        <span class={`c-schema v-${verdictClass(row.schema)}`}>{row.schema}</span>
        <span class="c-dup">{row.attempt ? `×${row.attempt}` : row.replayOf !== undefined ? `↻ #${row.replayOf}${row.edited ? ' ✎' : ''}` : ''}</span>
        <span class={`c-status s${Math.floor(row.status / 100)}`}>{row.status || '–'}</span>
        <span class="c-latency">{row.latencyMs === undefined ? '' : `${row.latencyMs} ms`}</span>
      </div>,
    );
  }
  return (
    <div class="list" ref={box} data-testid="list" data-rows={n} onScroll={(e) => setScroll({ top: (e.currentTarget as HTMLDivElement).scrollTop, height: (e.currentTarget as HTMLDivElement).clientHeight })}>
      <div class="list-inner" style={{ height: `${n * ROW_HEIGHT}px` }}>
        {visible}
      </div>
      {n === 0 ? <div class="empty">Waiting for requests… (point your vendor or <code>hookscope send</code> at listen's URL)</div> : null}
    </div>
  );
}
