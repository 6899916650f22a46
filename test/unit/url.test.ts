// The URLs users type: a host and port without a scheme is http://, the rest is checked as before.
import { describe, expect, it } from 'vitest';
import { requireHttpUrl } from '../../src/http/url.js';

describe('requireHttpUrl', () => {
  it.each([
    ['localhost:3000/x', 'http://localhost:3000/x'],
    ['localhost:3000', 'http://localhost:3000'],
    ['localhost', 'http://localhost'],
    ['127.0.0.1:8080/hooks?a=1', 'http://127.0.0.1:8080/hooks?a=1'],
    ['[::1]:3000/x', 'http://[::1]:3000/x'],
    ['app.test/webhooks', 'http://app.test/webhooks'],
    ['http://localhost:3000/x', 'http://localhost:3000/x'],
    ['https://example.com/hooks', 'https://example.com/hooks'],
  ])('%s → %s', (given, url) => {
    expect(requireHttpUrl(given)).toBe(url);
  });

  it.each([
    ['ftp://example.com/x', '--url must be http:// or https://, got ftp:'],
    ['mailto:me@example.com', '--url must be http:// or https://, got mailto:'],
    ['/hooks', '--url "/hooks" is not a valid URL'],
    ['localhost:99999999/x', '--url "localhost:99999999/x" is not a valid URL'],
    ['', 'missing --url'],
  ])('%s is refused: %s', (given, message) => {
    expect(() => requireHttpUrl(given)).toThrow(message);
  });

  it('names the flag it checks', () => {
    expect(() => requireHttpUrl('ftp://x', '--forward-to')).toThrow('--forward-to must be http:// or https://');
  });
});
