/**
 * `steward events B --follow` as a progress log: each event on a line, a per-phase progress line
 * after each phase start and gate event, and a closing summary when the build ends. On a terminal
 * it has symbols and colour; piped, it is plain text (each event as `describeEvent` prints it, no
 * ANSI codes). Every figure comes from `buildMetrics` over the events seen so far. Pure: the
 * caller says when it is and how to style.
 */
import { describeEvent, escapeLineBreaks, type EventType, type StewardEvent } from '../../core/events';
import { buildMetrics } from '../../core/metrics';
import type { BuildMetrics, Distribution } from '../../core/metrics/types';
import { formatUsd } from '../../core/tokens/format';
import { formatWallTime } from './format';

export interface ProgressStyle {
  /** Symbols and the short time: the terminal view. */
  symbols: boolean;
  /** ANSI colours (only with symbols). */
  colour: boolean;
}

export const PLAIN: ProgressStyle = { symbols: false, colour: false };
export const TERMINAL: ProgressStyle = { symbols: true, colour: true };

/** The terminal view on a terminal, without colour under NO_COLOR or TERM=dumb; plain text otherwise. */
export function progressStyle(isTTY: boolean, env: Record<string, string | undefined>): ProgressStyle {
  if (!isTTY) return PLAIN;
  return { symbols: true, colour: !env.NO_COLOR && env.TERM !== 'dumb' };
}

type Colour = 'green' | 'red' | 'yellow' | 'cyan' | 'dim' | 'bold' | null;

const SGR: Record<Exclude<Colour, null>, [number, number]> = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

function paint(style: ProgressStyle, colour: Colour, text: string): string {
  if (!style.colour || colour === null) return text;
  const [on, off] = SGR[colour];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

/** Each event's mark in the terminal view; the rest get a dim `·`. */
const MARKS: Partial<Record<EventType, [string, Colour]>> = {
  build_started: ['▶', 'cyan'],
  phase_started: ['▶', 'cyan'],
  gate_claimed: ['◆', 'cyan'],
  gate_passed: ['✓', 'green'],
  phase_completed: ['✓', 'green'],
  sequence_completed: ['✓', 'green'],
  git_fetch_recovered: ['✓', 'green'],
  host_recovered: ['✓', 'green'],
  gate_failed: ['✗', 'red'],
  action_failed: ['✗', 'red'],
  config_rejected: ['✗', 'red'],
  agent_rebooted: ['↻', 'yellow'],
  agent_healed: ['↻', 'yellow'],
  agent_restarted: ['↻', 'yellow'],
  service_healed: ['↻', 'yellow'],
  paused: ['⏸', 'yellow'],
  agent_rate_limited: ['⏸', 'yellow'],
  resumed: ['▶', 'green'],
  agent_resumed: ['▶', 'green'],
  budget_warning: ['⚠', 'yellow'],
  agent_blocked: ['⚠', 'yellow'],
  message_held: ['⚠', 'yellow'],
  git_fetch_failed: ['⚠', 'yellow'],
  crash_loop: ['⚠', 'red'],
  host_unreachable: ['⚠', 'red'],
  budget_exceeded: ['⚠', 'red'],
  stopped: ['■', 'bold'],
};

/** A review's mark follows its verdict. */
function markOf(e: StewardEvent): [string, Colour] {
  if (e.type === 'gate_reviewed')
    return e.verdict === 'pass' ? ['●', 'green'] : e.verdict === 'fail' ? ['●', 'red'] : ['●', null];
  return MARKS[e.type] ?? ['·', 'dim'];
}

/** Pane busy/idle turns come every few seconds: the terminal view leaves them out (piped, every event prints). */
const QUIET_ON_TERMINAL: ReadonlySet<EventType> = new Set(['agent_busy', 'agent_idle']);

/** Events after which the progress of their phase is shown. */
const PROGRESS_AFTER: ReadonlySet<EventType> = new Set([
  'phase_started',
  'gate_claimed',
  'gate_reviewed',
  'gate_passed',
  'gate_failed',
]);

/** `HH:MM:SS` (UTC). */
const clock = (at: number): string => new Date(at).toISOString().slice(11, 19);

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** One event in the terminal view: `15:33:40 ✓ gate_passed builder: gate p1-gate passed`. */
export function eventLine(style: ProgressStyle, e: StewardEvent): string {
  if (!style.symbols) return describeEvent(e);
  const [mark, colour] = markOf(e);
  const who = e.agent ? ` ${e.agent}` : '';
  return `${paint(style, 'dim', clock(e.at))} ${paint(style, colour, mark)} ${paint(style, 'bold', e.type)}${who}: ${escapeLineBreaks(e.message)}`;
}

/** `review rounds median 1, p90 2`, or `no review rounds` before a gate passed. */
function roundsText(d: Distribution): string {
  if (d.count === 0 || d.median === null) return 'no review rounds';
  return `review rounds median ${d.median}${d.p90 === null ? '' : `, p90 ${d.p90}`}`;
}

/**
 * A build's events as a progress log. Give it the events before the first one to print (from the
 * event log and the status view), then each event to print, in order; `summary` closes it.
 */
export class ProgressLog {
  private readonly events: StewardEvent[] = [];
  private readonly seqs = new Set<number>();

  constructor(
    private readonly style: ProgressStyle,
    earlier: readonly StewardEvent[] = [],
  ) {
    [...earlier].sort((a, b) => a.seq - b.seq).forEach((e) => this.add(e));
  }

  private add(e: StewardEvent): boolean {
    if (this.seqs.has(e.seq)) return false;
    this.seqs.add(e.seq);
    this.events.push(e);
    return true;
  }

  /** The lines for one new event: the event, then its phase's progress after a phase start or a gate event. */
  event(e: StewardEvent): string[] {
    if (!this.add(e)) return [];
    if (this.style.symbols && QUIET_ON_TERMINAL.has(e.type)) return [];
    const lines = [eventLine(this.style, e)];
    if (PROGRESS_AFTER.has(e.type)) lines.push(this.progressLine(e));
    return lines;
  }

  /** As of the event: its phase, the gates passed (and failed) in it so far, how long it has run. */
  private progressLine(e: StewardEvent): string {
    const metrics = buildMetrics(this.events, { now: e.at });
    // A gate event without its phase: the phase the metrics put its gate in, else the open one.
    const name = e.phase ?? metrics.gates.find((g) => g.gate === e.gate)?.phase;
    const phase =
      metrics.phases.find((p) => p.phase === name) ??
      [...metrics.phases].reverse().find((p) => p.endedAt === null) ??
      metrics.phases.at(-1);
    const parts = [
      `phase ${phase?.phase ?? name ?? '?'}`,
      `${plural(phase?.gatesPassed ?? 0, 'gate')} passed`,
      ...(phase?.gatesFailed ? [`${phase.gatesFailed} failed`] : []),
      ...(phase?.durationMs != null ? [formatWallTime(phase.durationMs)] : []),
    ];
    if (!this.style.symbols) return `progress: ${parts.join(' · ')}`;
    return paint(this.style, 'dim', `         ↳ ${parts.join(' · ')}`);
  }

  /** The metrics of every event seen, as of `now`. */
  metrics(now: number): BuildMetrics {
    return buildMetrics(this.events, { now });
  }

  /**
   * The closing summary: how long the build took, what it cost, the gates passed and the review
   * rounds. When the events seen do not start at the build's first, it says so.
   */
  summary(now: number): string[] {
    const b = this.metrics(now).build;
    const figures = [
      `took ${formatWallTime(b.durationMs)}`,
      `cost ${formatUsd(b.costUsd)}`,
      `${plural(b.gatesPassed, 'gate')} passed`,
      roundsText(b.reviewRounds),
    ].join(' · ');
    const first = this.events[0]?.seq ?? 1;
    const partial = first > 1 ? [`note: from event #${first} on (the build's events.jsonl was not read)`] : [];
    if (!this.style.symbols) return [`summary: ${figures}`, ...partial];
    return [paint(this.style, 'bold', `■ summary: ${figures}`), ...partial.map((l) => paint(this.style, 'dim', l))];
  }
}
