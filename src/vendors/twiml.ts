// Checking a TwiML reply: the document Twilio fetches from a Voice URL and executes on a live
// call. Well-formed XML (fast-xml-parser's validator, whose line:col the issue carries), one root
// element named <Response>, verbs Twilio knows, and a content type Twilio reads as TwiML.
// Source: https://www.twilio.com/docs/voice/twiml ("TwiML for Programmable Voice": the root
// <Response> and its verbs); the content types Twilio parses as TwiML are [seen] (third-party
// summaries of https://www.twilio.com/docs/usage/webhooks/voice-webhooks).
// Only the validator is imported: the parser and builder would cost every command ~30 ms to load.
import { XMLValidator } from 'fast-xml-parser';
import type { Issue } from '../schema/issues.js';

/** The verbs <Response> may hold (Programmable Voice); another name is a warning, not an error. */
export const TWIML_VERBS = ['Connect', 'Dial', 'Echo', 'Enqueue', 'Gather', 'Hangup', 'Leave', 'Pause', 'Pay', 'Play', 'Record', 'Redirect', 'Refer', 'Reject', 'Say', 'Sms', 'Start', 'Stop'] as const;
const VERBS: ReadonlySet<string> = new Set(TWIML_VERBS);

/** Content types Twilio executes as TwiML. */
const TWIML_TYPES = /^\s*(text\/xml|application\/xml|text\/html)\s*(;|$)/i;

export function checkTwiml(text: string, contentType?: string): Issue[] {
  const issues: Issue[] = [];
  if (text.trim() === '') return [{ code: 'invalid-twiml', severity: 'error', message: 'an empty reply is not TwiML', line: 1, column: 1 }];
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    issues.push({ code: 'invalid-twiml', severity: 'error', message: `not well-formed XML: ${msg}`, line, column: col });
  } else {
    const { roots, verbs } = topElements(text);
    const root = roots[0];
    if (!root) issues.push({ code: 'invalid-twiml', severity: 'error', message: 'no root element: TwiML is a <Response> document', line: 1, column: 1 });
    else if (root.name !== 'Response') issues.push({ code: 'invalid-twiml', severity: 'error', message: `the root element is <${clipName(root.name)}>: TwiML needs <Response>`, ...position(text, root.offset) });
    for (const extra of roots.slice(1, 2)) issues.push({ code: 'invalid-twiml', severity: 'error', message: `a second root element <${clipName(extra.name)}>: a TwiML document has one <Response>`, ...position(text, extra.offset) });
    if (root?.name === 'Response') {
      for (const verb of verbs) {
        if (VERBS.has(verb.name)) continue;
        issues.push({ code: 'unknown-twiml-verb', severity: 'warning', message: `<${clipName(verb.name)}> is not a TwiML verb Twilio documents (known: ${TWIML_VERBS.join(', ')}); Twilio may reject the document`, ...position(text, verb.offset) });
        if (issues.length >= 20) break;
      }
    }
  }
  if (contentType !== undefined && !TWIML_TYPES.test(contentType)) {
    issues.push({ code: 'bad-content-type', severity: 'error', message: `content type ${JSON.stringify(contentType.slice(0, 80))}: Twilio executes TwiML served as text/xml, application/xml or text/html` });
  }
  return issues;
}

const clipName = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}…` : name);

interface Element {
  name: string;
  offset: number;
}

/**
 * The root elements of a well-formed XML text, and the children of the first root. One pass:
 * declarations, comments, CDATA and the DOCTYPE are skipped; quotes are honoured inside tags
 * (an attribute value may hold `>`).
 */
function topElements(text: string): { roots: Element[]; verbs: Element[] } {
  const roots: Element[] = [];
  const verbs: Element[] = [];
  let depth = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i)) {
    if (text.startsWith('<?', i)) i = after(text, '?>', i);
    else if (text.startsWith('<!--', i)) i = after(text, '-->', i);
    else if (text.startsWith('<![CDATA[', i)) i = after(text, ']]>', i);
    else if (text.startsWith('<!', i)) i = endOfDoctype(text, i);
    else if (text.startsWith('</', i)) {
      depth--;
      i = after(text, '>', i);
    } else {
      let end = i + 1;
      while (end < text.length && !/[\s/>]/.test(text[end]!)) end++;
      const element = { name: text.slice(i + 1, end), offset: i };
      if (depth === 0) roots.push(element);
      else if (depth === 1 && roots.length === 1) verbs.push(element);
      const close = endOfTag(text, end);
      if (text.charCodeAt(close - 2) !== 0x2f) depth++;
      i = close;
    }
  }
  return { roots, verbs };
}

/** The index just past `token` at or after `from` (the text's end when absent). */
function after(text: string, token: string, from: number): number {
  const at = text.indexOf(token, from);
  return at === -1 ? text.length : at + token.length;
}

/** Just past the `>` that closes a start tag, skipping quoted attribute values. */
function endOfTag(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i + 1;
  }
  return text.length;
}

/** Just past a <!DOCTYPE …> with an optional [internal subset]. */
function endOfDoctype(text: string, from: number): number {
  const close = text.indexOf('>', from);
  const open = text.indexOf('[', from);
  if (open !== -1 && (close === -1 || open < close)) return after(text, '>', after(text, ']', open));
  return close === -1 ? text.length : close + 1;
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
