// The bridge between msw and undici.request, which msw does not intercept (mswjs/msw#2165):
// an undici Dispatcher that turns each request into a fetch Request, asks msw's getResponse
// for the handlers' answer, and feeds it back to undici's handler. undici's MockAgent cannot
// do this: its reply callback must return the status synchronously, and getResponse is async.
import { getResponse, type RequestHandler } from 'msw';
import { Dispatcher } from 'undici';

/** What a handler saw, so tests can assert on the exact request hookscope made. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface LegacyHandler {
  onConnect?(abort: (err?: Error) => void): void;
  onHeaders?(status: number, headers: Buffer[], resume: () => void, statusText: string): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(err: Error): void;
}

export class MswDispatcher extends Dispatcher {
  readonly seen: SeenRequest[] = [];

  constructor(private readonly handlers: RequestHandler[]) {
    super();
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const h = handler as unknown as LegacyHandler;
    let aborted = false;
    h.onConnect?.(() => {
      aborted = true;
    });
    void this.answer(opts)
      .then((res) => {
        if (aborted) return;
        const raw: Buffer[] = [];
        res.headers.forEach((value, name) => raw.push(Buffer.from(name), Buffer.from(value)));
        h.onHeaders?.(res.status, raw, () => {}, res.statusText);
        if (res.body.length) h.onData?.(res.body);
        h.onComplete?.([]);
      })
      .catch((err: Error) => h.onError?.(err));
    return true;
  }

  private async answer(opts: Dispatcher.DispatchOptions): Promise<{ status: number; statusText: string; headers: Headers; body: Buffer }> {
    const headers = new Headers();
    const list = opts.headers as string[] | Record<string, string> | undefined;
    if (Array.isArray(list)) for (let i = 0; i < list.length; i += 2) headers.append(list[i]!, list[i + 1]!);
    else for (const [k, v] of Object.entries(list ?? {})) headers.append(k, v);
    const body = opts.body === undefined || opts.body === null ? Buffer.alloc(0) : Buffer.from(opts.body as Uint8Array | string);
    const url = new URL(opts.path, String(opts.origin)).toString();
    this.seen.push({ method: opts.method, url, headers: Object.fromEntries(headers), body });
    const request = new Request(url, { method: opts.method, headers, body: opts.method === 'GET' || opts.method === 'HEAD' ? undefined : body });
    const res = await getResponse(this.handlers, request);
    if (!res) throw new Error(`no msw handler for ${opts.method} ${url}`);
    return { status: res.status, statusText: res.statusText, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }
}
