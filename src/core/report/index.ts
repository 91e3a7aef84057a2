/**
 * The build report, rendered from a build's metrics (src/core/metrics), its insights and its
 * incidents: Markdown, one self-contained HTML file, or JSON. Pure: the report activity and the
 * CLI gather the events and write the result.
 */
export type { Incident, IncidentKind, ReportInput } from './types';
export { INCIDENT_KINDS, reportIncidents } from './incidents';
export {
  formatDuration,
  formatShare,
  formatTime,
  reportModel,
  type ReportModel,
  type Table,
  type TableSection,
} from './model';
export { escapeMarkdown, reportMarkdown } from './markdown';
export { costChart, escapeHtml, gateDurationChart, reportHtml } from './html';
export { REPORT_JSON_VERSION, reportJson } from './json';
export { reportInput } from './input';
