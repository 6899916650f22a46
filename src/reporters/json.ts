// Machine output for validate: one JSON document, stable field names.
import type { ValidateReport } from '../commands/validate.js';

export function renderJson(report: ValidateReport): string {
  return `${JSON.stringify({ version: 1, summary: report.summary, results: report.entries, skipped: report.skipped })}\n`;
}
