// Choosing a validate reporter by format name.
import type { ValidateReport } from '../commands/validate.js';
import { makeChalk } from '../ui/terminal.js';
import { githubRenderer } from './github.js';
import { jsonRenderer } from './json.js';
import { junitRenderer } from './junit.js';
import { prettyRenderer } from './pretty.js';
import { renderWhole, type ValidateRenderer } from './validate-common.js';

export type { ValidateRenderer } from './validate-common.js';

type Format = 'pretty' | 'json' | 'junit' | 'github';

/** A renderer for entries as they are checked (validate's run streams through it). */
export function validateRenderer(format: Format, opts: { color: boolean; quiet?: boolean }): ValidateRenderer {
  switch (format) {
    case 'json':
      return jsonRenderer();
    case 'junit':
      return junitRenderer();
    case 'github':
      return githubRenderer();
    case 'pretty':
      return prettyRenderer({ chalk: makeChalk(opts.color), quiet: opts.quiet });
  }
}

/** A whole report, its entries held, at once. */
export function renderValidate(report: ValidateReport, format: Format, opts: { color: boolean; quiet?: boolean }): string {
  return renderWhole(validateRenderer(format, opts), report);
}
