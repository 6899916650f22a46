// Progress output for long-running commands: writes coalesced per turn of the event loop, and a
// countdown spinner (terminal only) to the next planned attempt.
import type { OutputStream } from '../cli/io.js';
import { formatDuration } from '../delivery/schedule.js';

/** Writes made in one turn of the event loop, joined into one write at its end. */
export function coalesced(stream: OutputStream): { write(text: string): void; flush(): void } {
  let parts: string[] = [];
  const flush = () => {
    if (parts.length === 0) return;
    const text = parts.join('');
    parts = [];
    stream.write(text);
  };
  return {
    write(text) {
      if (parts.length === 0) setImmediate(flush);
      parts.push(text);
    },
    flush,
  };
}

export interface Countdown {
  wait(what: string, ms: number): void;
  log(line: string): void;
  stop(): void;
}

/** A spinner that counts down to the soonest next attempt. Never takes over stdin. */
export async function startCountdown(stream: OutputStream): Promise<Countdown> {
  const ora = (await import('ora')).default;
  // Enabled here, not by ora's own test: the caller decided (src/ui/terminal.ts), and ora turns
  // itself off whenever a CI variable exists, even an empty one. discardStdin: false, so that
  // the terminal is never put in raw mode and Ctrl-C stays a signal.
  const spinner = ora({ stream: stream as NodeJS.WritableStream, text: 'delivering', discardStdin: false, isEnabled: true }).start();
  const waits = new Map<string, number>();
  const tick = setInterval(() => {
    const now = Date.now();
    for (const [k, at] of waits) if (at <= now) waits.delete(k);
    const next = [...waits].sort((a, b) => a[1] - b[1])[0];
    spinner.text = next ? `next: ${next[0]} in ${formatDuration(next[1] - now)}${waits.size > 1 ? ` (${waits.size} events waiting)` : ''}` : 'delivering';
  }, 200);
  tick.unref();
  let stopped = false;
  return {
    wait: (what, ms) => waits.set(what, Date.now() + ms),
    log: (line) => {
      spinner.clear();
      stream.write(line);
      spinner.render();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(tick);
      spinner.stop();
    },
  };
}
