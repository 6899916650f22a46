// Parsing option values on the command line: each parser returns the typed value or throws
// commander's InvalidArgumentError with what was expected, so commander prints a usage error.
import { InvalidArgumentError } from 'commander';

export function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new InvalidArgumentError('expected a whole number of milliseconds above 0, e.g. 5000');
  }
  return ms;
}

/** A repeatable option: each use adds one value. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

export function parseStatus(value: string): number {
  const n = Number(value);
  if (!/^\d{3}$/.test(value.trim()) || n < 200 || n > 599) throw new InvalidArgumentError('expected an HTTP status from 200 to 599');
  return n;
}

export function parseMs(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number of milliseconds, e.g. 2000');
  return n;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1000) throw new InvalidArgumentError('expected a whole number from 1 to 1000');
  return n;
}

export function parseSpeed(value: string): number | 'max' {
  if (value.trim() === 'max') return 'max';
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a factor above 0 (e.g. 60) or max');
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) throw new InvalidArgumentError('expected a size such as 10mb, 512kb or 1048576');
  return Math.floor(Number(m[1]) * unit);
}

/** A point in time: ISO-8601 (2026-01-02T03:04:05Z), or Unix time in seconds (10 digits) or milliseconds (13). */
export function parseTime(value: string): number {
  const v = value.trim();
  if (/^\d{9,11}$/.test(v)) return Number(v) * 1000;
  if (/^\d{12,14}$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  if (!Number.isNaN(ms) && /^\d{4}-\d{2}-\d{2}T/.test(v)) return ms;
  throw new InvalidArgumentError('expected an ISO-8601 time (2026-01-02T03:04:05Z) or Unix time in seconds or milliseconds');
}

/** A number of retries: a whole number from 0 (the vendor's own bounds are checked by the command). */
export function parseRetries(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 1000) throw new InvalidArgumentError('expected a whole number of retries, e.g. 3');
  return n;
}

/** Seconds, possibly fractional, e.g. 2 or 0.5. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number of seconds, e.g. 2 or 0.5');
  return n;
}

/** A comma-separated list of HTTP statuses, e.g. 400,401,403,404. */
export function parseStatuses(value: string): number[] {
  return value.split(',').map((part) => {
    const p = part.trim();
    const n = Number(p);
    if (!/^\d{3}$/.test(p) || n < 100 || n > 599) throw new InvalidArgumentError(`expected HTTP statuses separated by commas, e.g. 400,401,403,404 (${JSON.stringify(part)} is not one)`);
    return n;
  });
}
