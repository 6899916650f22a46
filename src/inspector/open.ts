// --open: the inspector's URL in the user's browser, by the platform's own opener. Detached and
// fire-and-forget: a machine without one (a container, CI) gets a note, never an error.
import { spawn } from 'node:child_process';

export function openerFor(platform: NodeJS.Platform): { command: string; args: (url: string) => string[] } {
  if (platform === 'darwin') return { command: 'open', args: (url) => [url] };
  // `start` is a cmd built-in; the empty title keeps a quoted URL from being taken for one.
  if (platform === 'win32') return { command: 'cmd', args: (url) => ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: (url) => [url] };
}

export function openBrowser(url: string, onNote: (message: string) => void, platform: NodeJS.Platform = process.platform): void {
  const { command, args } = openerFor(platform);
  try {
    const child = spawn(command, args(url), { detached: true, stdio: 'ignore' });
    child.on('error', (err) => onNote(`could not open a browser (${command}: ${err.message}); open ${url} yourself`));
    child.unref();
  } catch (err) {
    onNote(`could not open a browser (${command}: ${(err as Error).message}); open ${url} yourself`);
  }
}
