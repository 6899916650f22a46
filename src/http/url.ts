// Checking the URLs users give (--url, --forward-to): http(s) only, with an error that says what is wrong.
import { UserError } from '../errors.js';

/** An http(s) URL given on the command line, or a usage error that says what is wrong. */
export function requireHttpUrl(url: string | undefined, flag = '--url'): string {
  if (!url) throw new UserError(`missing ${flag}`, `e.g. ${flag} http://localhost:3000/webhooks`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${flag} ${JSON.stringify(url)} is not a valid URL`, `e.g. ${flag} http://localhost:3000/webhooks`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UserError(`${flag} must be http:// or https://, got ${parsed.protocol}`);
  return url;
}
