import { reportModel, type Table } from './model';
import type { ReportInput } from './types';

/**
 * Text made inert in Markdown: what could start markup (emphasis, code, links, HTML, a table
 * cell's end) is escaped, and `&` too, so no entity or tag an agent wrote is rendered.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`);
}

function markdownTable(t: Table, empty: string): string {
  if (t.rows.length === 0) return `_${empty}_`;
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const rule = `|${t.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(t.head), rule, ...t.rows.map(line)].join('\n');
}

/** The build report as one Markdown document (GitHub-flavoured tables). */
export function reportMarkdown(input: ReportInput): string {
  const m = reportModel(input);
  const overview: Table = { head: ['Figure', 'Value'], numeric: [false, false], rows: m.overview };
  const insights = m.insights.length
    ? m.insights.map(([kind, message]) => `- **${escapeMarkdown(kind)}**: ${escapeMarkdown(message)}`).join('\n')
    : '_Nothing stands out._';
  const sections = [
    `# ${escapeMarkdown(m.title)}`,
    `Generated ${m.generated}.`,
    '## Overview',
    markdownTable(overview, ''),
    ...m.tables.flatMap((t) => [`## ${t.heading}`, markdownTable(t.table, t.empty)]),
    '## Incidents',
    ...(m.incidentCounts ? [escapeMarkdown(m.incidentCounts)] : []),
    markdownTable(m.incidents, 'No incidents.'),
    '## Insights',
    insights,
  ];
  return `${sections.join('\n\n')}\n`;
}
