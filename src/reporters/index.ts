// Choosing a validate reporter by format name.
import type { ValidateReport } from '../commands/validate.js';
import { makeChalk } from '../ui/terminal.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderPretty } from './pretty.js';

export function renderValidate(report: ValidateReport, format: 'pretty' | 'json' | 'junit' | 'github', opts: { color: boolean; quiet?: boolean }): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report);
    case 'github':
      return renderGithub(report);
    case 'pretty':
      return renderPretty(report, { chalk: makeChalk(opts.color), quiet: opts.quiet });
  }
}
