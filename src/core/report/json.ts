import type { ReportInput } from './types';

/** The version of the JSON report's shape: raised when a field changes meaning or goes away. */
export const REPORT_JSON_VERSION = 1;

/** The build report as JSON: the input itself (metrics, insights, incidents), with its version. */
export function reportJson(input: ReportInput): string {
  const { build, generatedAt, metrics, insights, incidents } = input;
  return `${JSON.stringify({ version: REPORT_JSON_VERSION, build, generatedAt, metrics, insights, incidents }, null, 2)}\n`;
}
