// Checking the URLs users give (--url, --forward-to): http(s) only, with an error that says what is wrong.
import { UserError } from '../errors.js';

/**
 * A host with an optional port and path, and no scheme: `localhost:3000/x`, `127.0.0.1:8080`,
 * `[::1]:3000`, `app.test/hooks`. WHATWG URL parsing would read `localhost:` as a scheme.
 */
const SCHEMELESS = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d+)?(?:[/?#].*)?$/i;

/**
 * An http(s) URL given on the command line, or a usage error that says what is wrong. A host
 * (and port, path) without a scheme gets `http://`, as curl does: a local receiver is the usual target.
 */
export function requireHttpUrl(url: string | undefined, flag = '--url'): string {
  if (!url) throw new UserError(`missing ${flag}`, `e.g. ${flag} http://localhost:3000/webhooks`);
  const text = SCHEMELESS.test(url) ? `http://${url}` : url;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UserError(`${flag} ${JSON.stringify(url)} is not a valid URL`, `e.g. ${flag} http://localhost:3000/webhooks`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UserError(`${flag} must be http:// or https://, got ${parsed.protocol}`);
  return text;
}
