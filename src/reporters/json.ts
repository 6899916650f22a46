// Machine output for validate: one JSON document, stable field names. It is written as entries
// are checked, one result per line, so its summary comes last.
import type { ValidateReport } from '../commands/validate.js';
import { renderWhole, type ValidateRenderer } from './validate-common.js';

export function renderJson(report: ValidateReport): string {
  return renderWhole(jsonRenderer(), report);
}

export function jsonRenderer(): ValidateRenderer {
  let first = true;
  return {
    headNeedsSummary: false,
    head: () => '{"version":1,"results":[',
    entry(entry) {
      const text = `${first ? '' : ','}\n${JSON.stringify(entry)}`;
      first = false;
      return text;
    },
    tail: (report) => `${first ? '' : '\n'}],"skipped":${JSON.stringify(report.skipped)},"summary":${JSON.stringify(report.summary)},"interrupted":${report.interrupted !== undefined}}\n`,
  };
}
