/**
 * The report's content as plain text cells, shared by the Markdown and HTML renderers (each
 * escapes every cell its own way). Pure: dates are written in UTC from the figures themselves.
 */
import { escapeLineBreaks, type EventTokens } from '../events';
import { tokenTotal, type Distribution } from '../metrics';
import { formatUsd, grouped, isoSeconds } from '../tokens/format';
import type { ReportInput } from './types';

export interface Table {
  head: string[];
  /** Which columns are figures (right-aligned). */
  numeric: boolean[];
  rows: string[][];
}

/** A section that is one table, and what it says when the table would be empty. */
export interface TableSection {
  heading: string;
  table: Table;
  empty: string;
}

export interface ReportModel {
  title: string;
  generated: string;
  overview: [string, string][];
  phases: Table;
  gates: Table;
  agents: Table;
  /** Phases, gates and agents, in the order the report shows them (after the overview). */
  tables: TableSection[];
  /** "nudge 3 · reboot 1", or '' without incidents. */
  incidentCounts: string;
  incidents: Table;
  /** [label, message]. */
  insights: [string, string][];
}

const NONE = '-';

/** 850 ms, 12.5 s, 4m 05s, 2h 03m, 1d 04h. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return NONE;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
}

export function formatShare(share: number | null): string {
  return share === null ? NONE : `${(share * 100).toFixed(1)}%`;
}

export function formatTime(ms: number | null): string {
  return ms === null ? NONE : isoSeconds(ms);
}

const usd = (n: number | null): string => formatUsd(n);
const tokens = (t: EventTokens): string => grouped(tokenTotal(t));
const count = (n: number | null): string => (n === null ? NONE : grouped(n));
const orNone = (s: string | null): string => (s === null || s === '' ? NONE : s);

function spread(d: Distribution, show: (n: number | null) => string): string {
  return d.count === 0 ? NONE : `median ${show(d.median)}, p90 ${show(d.p90)} (n=${d.count})`;
}

function table(head: [string, boolean][], rows: string[][]): Table {
  return { head: head.map(([h]) => h), numeric: head.map(([, n]) => n), rows };
}

/** Text an agent may have written, on one line (control characters shown, not acted on). */
const text = (s: string): string => escapeLineBreaks(s);

export function reportModel(input: ReportInput): ReportModel {
  const { metrics: m } = input;
  const b = m.build;
  const passedFirst = m.gates.filter((g) => g.status === 'passed' && g.rounds <= 1).length;
  const t = b.tokens;
  const overview: [string, string][] = [
    ['Status', b.status],
    ['Started', formatTime(b.startedAt)],
    ['Ended', formatTime(b.endedAt)],
    ['Duration', formatDuration(b.durationMs)],
    ['Cost', usd(b.costUsd)],
    ['Cost per hour', usd(b.costPerHourUsd)],
    [
      'Tokens',
      `${tokens(t)} (input ${grouped(t.input_tokens)}, output ${grouped(t.output_tokens)}, cache write ${grouped(t.cache_creation_input_tokens)}, cache read ${grouped(t.cache_read_input_tokens)})`,
    ],
    ['Gates passed', `${grouped(b.gatesPassed)} of ${grouped(m.gates.length)}`],
    ['Gates per hour', b.gatesPerHour === null ? NONE : b.gatesPerHour.toFixed(2)],
    [
      'Quality (passed on first review)',
      b.firstPassQuality === null ? NONE : `${formatShare(b.firstPassQuality)} (${passedFirst} of ${b.gatesPassed})`,
    ],
    ['Time to review', spread(b.timeToReview, formatDuration)],
    ['Review rounds', spread(b.reviewRounds, count)],
    ['Error rate (failed actions)', formatShare(b.errorRate)],
    ['Escalations', grouped(b.escalations)],
  ];

  const phases = table(
    [
      ['Phase', false],
      ['Started', false],
      ['Duration', true],
      ['Gates passed', true],
      ['Gates failed', true],
      ['Tokens', true],
      ['Cost', true],
      ['Nudges', true],
      ['Reboots', true],
      ['Rate limits', true],
      ['Escalations', true],
    ],
    m.phases.map((p) => [
      text(p.phase),
      formatTime(p.startedAt),
      formatDuration(p.durationMs),
      grouped(p.gatesPassed),
      grouped(p.gatesFailed),
      tokens(p.tokens),
      usd(p.costUsd),
      grouped(p.nudges),
      grouped(p.reboots),
      grouped(p.rateLimitWaits),
      grouped(p.escalations),
    ]),
  );

  const gates = table(
    [
      ['Gate', false],
      ['Phase', false],
      ['Builder', false],
      ['Reviewers', false],
      ['Status', false],
      ['Time to claim', true],
      ['Time to review', true],
      ['Time to pass', true],
      ['Rounds', true],
      ['Tokens', true],
      ['Cost', true],
    ],
    m.gates.map((g) => [
      text(g.gate),
      text(orNone(g.phase)),
      text(orNone(g.builder)),
      text(orNone(g.reviewers.join(', '))),
      g.status,
      formatDuration(g.timeToClaimMs),
      formatDuration(g.timeToFirstReviewMs),
      formatDuration(g.timeToPassMs),
      grouped(g.rounds),
      tokens(g.tokens),
      usd(g.costUsd),
    ]),
  );

  const agents = table(
    [
      ['Agent', false],
      ['Busy', true],
      ['Gates claimed', true],
      ['Gates reviewed', true],
      ['First-pass rate', true],
      ['Rejection rate', true],
      ['Tokens', true],
      ['Cost', true],
      ['Cost per gate', true],
      ['Reboots', true],
      ['Rate-limited', true],
    ],
    m.agents.map((a) => [
      text(a.agent),
      formatShare(a.busyShare),
      grouped(a.gatesClaimed),
      grouped(a.gatesReviewed),
      formatShare(a.firstPassRate),
      formatShare(a.rejectionRate),
      tokens(a.tokens),
      usd(a.costUsd),
      usd(a.costPerGateUsd),
      grouped(a.reboots),
      formatDuration(a.rateLimitedMs),
    ]),
  );

  const kinds = new Map<string, number>();
  for (const i of input.incidents) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1);
  const incidents = table(
    [
      ['Time', false],
      ['Kind', false],
      ['Agent', false],
      ['Phase', false],
      ['Message', false],
    ],
    input.incidents.map((i) => [
      formatTime(i.at),
      i.kind,
      text(orNone(i.agent)),
      text(orNone(i.phase)),
      text(i.message),
    ]),
  );

  return {
    title: `Build report: ${text(input.build)}`,
    generated: formatTime(input.generatedAt),
    overview,
    phases,
    gates,
    agents,
    tables: [
      { heading: 'Phases', table: phases, empty: 'No phases.' },
      { heading: 'Gates', table: gates, empty: 'No gates.' },
      { heading: 'Agents', table: agents, empty: 'No agents.' },
    ],
    incidentCounts: [...kinds].map(([kind, n]) => `${kind} ${grouped(n)}`).join(' · '),
    incidents,
    insights: input.insights.map((i) => [text(i.kind.replace(/_/g, ' ')), text(i.message)]),
  };
}
