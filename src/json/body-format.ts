// Bodies that are not JSON: form-encoded parameters (Twilio) as the object of strings their
// schema is written over, and back. One place, so send, validate and listen agree.

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** The wire text of a body: compact JSON, or form parameters (each value as a string). */
export function encodeBody(body: unknown, format: 'json' | 'form' = 'json'): string {
  if (format === 'json') return JSON.stringify(body);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return params.toString();
}

/**
 * Form parameters as an object: each name to its value, or to the list of its values when it is
 * given more than once. Undefined when the text is not a form body (JSON, or free text).
 */
export function decodeForm(text: string): Record<string, string | string[]> | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('{') || trimmed.startsWith('[') || !/^[^=&\s]+=[^&\s]*(&[^=&\s]+=[^&\s]*)*&?$/.test(trimmed)) return undefined;
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(trimmed)) {
    const prior = out[name];
    out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return out;
}
