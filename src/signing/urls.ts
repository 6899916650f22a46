// URLs as a vendor may have signed them: with or without the scheme's default port. new URL()
// drops a default port, so the text is read as written.

/** The URL as given, with its default port, and without it: what Twilio's SDK tries. */
export function portVariants(url: string): { url: string; label?: string }[] {
  const out: { url: string; label?: string }[] = [{ url }];
  // new URL() drops a default port, so the text is read as it is.
  const m = /^(https?):\/\/([^/:?#]+)(?::(\d+))?/i.exec(url);
  if (!m) return out;
  const def = m[1]!.toLowerCase() === 'https' ? '443' : '80';
  const rest = url.slice(m[0].length);
  if (m[3] === undefined) out.push({ url: `${m[1]}://${m[2]}:${def}${rest}`, label: `with :${def}` });
  else if (m[3] === def) out.push({ url: `${m[1]}://${m[2]}${rest}`, label: `without :${def}` });
  return out;
}
