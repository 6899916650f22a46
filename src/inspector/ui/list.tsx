// The request list: virtualised (only the rows in view are in the DOM), newest first.
import { Component } from 'preact';
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

interface RowProps {
  row: Row;
  /** Its index, oldest first: it places the row, above the bottom of the list, where it stays while new rows come on top. */
  k: number;
  selected: boolean;
  onSelect(seq: number): void;
}

/** One row. It renders again only when it changes: new rows arriving leave the others alone. */
class RowView extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return next.row !== p.row || next.k !== p.k || next.selected !== p.selected || next.onSelect !== p.onSelect;
  }
  render({ row, k, selected, onSelect }: RowProps) {
    return (
      <div
        class={`row${selected ? ' selected' : ''}${row.replayOf !== undefined ? ' replay' : ''}`}
        style={{ top: `${-(k + 1) * ROW_HEIGHT}px` }}
        data-seq={row.seq}
        onClick={() => onSelect(row.seq)}
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
      </div>
    );
  }
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
    visible.push(<RowView key={row.seq} row={row} k={n - 1 - i} selected={row.seq === props.selected} onSelect={props.onSelect} />);
  }
  return (
    <div class="list" ref={box} data-testid="list" data-rows={n} onScroll={(e) => setScroll({ top: (e.currentTarget as HTMLDivElement).scrollTop, height: (e.currentTarget as HTMLDivElement).clientHeight })}>
      {/* The rows hang from the bottom of the list (.rows is moved there by a transform), each at
          a place that never changes: a new row on top lays out and paints only itself, and the
          rows already painted are moved, not painted again. */}
      <div class="list-inner" style={{ height: `${n * ROW_HEIGHT}px` }}>
        <div class="rows" style={{ transform: `translateY(${n * ROW_HEIGHT}px)` }}>
          {visible}
        </div>
      </div>
      {n === 0 ? <div class="empty">Waiting for requests… (point your vendor or <code>hookscope send</code> at listen's URL)</div> : null}
    </div>
  );
}
