// Who may talk to the inspector. It binds to loopback, but a web page the user visits can still
// reach loopback from their browser: by DNS rebinding (evil.example resolving to 127.0.0.1: the
// request then carries `Host: evil.example:<port>`) or by cross-site requests (a form post or
// fetch from evil.example carries `Origin: http://evil.example`). Captured requests hold
// transcripts and phone numbers, and replay sends requests: both are refused. Pure.

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Why a request is refused (a sentence), or undefined when it may proceed. */
export function refusal(headers: { host?: string; origin?: string }, port: number): string | undefined {
  const host = headers.host?.toLowerCase();
  if (!host || !LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) {
    return `refused: Host ${JSON.stringify(headers.host ?? '')} is not this inspector (127.0.0.1:${port}, localhost:${port} or [::1]:${port}); a page on another site may be rebinding its name to this machine`;
  }
  // Browsers send Origin with every cross-site request and every POST; when it is there it must
  // be this page's own origin. (A missing Origin is a same-origin GET or a tool like curl.)
  if (headers.origin !== undefined && headers.origin.toLowerCase() !== `http://${host}`) {
    return `refused: Origin ${JSON.stringify(headers.origin)} is not this inspector's (http://${host}); another site may not read captured requests or send replays`;
  }
  return undefined;
}
