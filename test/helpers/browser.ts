// Headless Chromium for the inspector's page tests (playwright-core, the system's chromium).
// Without /usr/bin/chromium the browser tests skip and say why, unless HOOKSCOPE_REQUIRE_BROWSER=1
// (CI installs chromium and sets it): then they fail.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Whether to run the browser tests; throws when a browser is required and missing. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.HOOKSCOPE_REQUIRE_BROWSER === '1') throw new Error(`${CHROMIUM} is missing and HOOKSCOPE_REQUIRE_BROWSER=1: install chromium (apt-get install -y chromium)`);
  console.warn(`skipping the inspector's browser tests: ${CHROMIUM} is missing (apt-get install -y chromium; set HOOKSCOPE_REQUIRE_BROWSER=1 to make this a failure)`);
  return false;
}

export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
