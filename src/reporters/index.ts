// Choosing a validate reporter by format name. The pretty one is loaded only when it is chosen: it
// needs chalk, whose loading makes Node build process.stdin, and the machine formats (json, junit,
// github, small and part of validate's own chunk) colour nothing (issue #12: validate's start-up).
import type { ValidateReport } from '../commands/validate.js';
import { githubRenderer } from './github.js';
import { jsonRenderer } from './json.js';
import { junitRenderer } from './junit.js';
import { renderWhole, type ValidateRenderer } from './validate-common.js';

export type { ValidateRenderer } from './validate-common.js';

type Format = 'pretty' | 'json' | 'junit' | 'github';

/** A renderer for entries as they are checked (validate's run streams through it). */
export async function validateRenderer(format: Format, opts: { color: boolean; quiet?: boolean }): Promise<ValidateRenderer> {
  switch (format) {
    case 'json':
      return jsonRenderer();
    case 'junit':
      return junitRenderer();
    case 'github':
      return githubRenderer();
    case 'pretty': {
      const [{ prettyRenderer }, { makeChalk }] = await Promise.all([import('./pretty.js'), import('../ui/terminal.js')]);
      return prettyRenderer({ chalk: makeChalk(opts.color), quiet: opts.quiet });
    }
  }
}

/** A whole report, its entries held, at once. */
export async function renderValidate(report: ValidateReport, format: Format, opts: { color: boolean; quiet?: boolean }): Promise<string> {
  return renderWhole(await validateRenderer(format, opts), report);
}
