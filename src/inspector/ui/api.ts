// The page's side of the JSON API (docs/inspector-api.md): same origin, JSON in and out.
import type { CallView, DetailResponse, DiffResponse, Filter, ListResponse, ReplayRequest, ReplayResponse } from '../types.js';

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok && !(body && typeof body === 'object' && 'notes' in body)) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

export function filterQuery(filter: Filter): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
  return params.toString();
}


/** Rows that pass the filter: all, or those between seqs `after` and `before`, or the newest `limit` of them. */
export const listRequests = (filter: Filter, page: { after?: number; before?: number; limit?: number } = {}) => {
  const params = new URLSearchParams(filterQuery(filter));
  if (page.after !== undefined) params.set('after', String(page.after));
  if (page.before !== undefined) params.set('before', String(page.before));
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  const q = params.toString();
  return fetch(q ? `/api/requests?${q}` : '/api/requests').then((r) => json<ListResponse>(r));
};
export const getRequest = (seq: number) => fetch(`/api/requests/${seq}`).then((r) => json<DetailResponse>(r));
export const getCalls = () => fetch('/api/calls').then((r) => json<{ calls: CallView[] }>(r));
export const getDiff = (a: number, b: number | 'fixture') => fetch(`/api/diff?a=${a}&b=${b}`).then((r) => json<DiffResponse>(r));
export const replayRequest = (seq: number, body: ReplayRequest) =>
  fetch(`/api/requests/${seq}/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => json<ReplayResponse>(r));
