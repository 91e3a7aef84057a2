/**
 * The build's agents as lanes on one time axis: coloured segments (busy, idle, rate-limited, down)
 * and marks for what the supervisor did to them (nudges, reboots, pings…), each with a tooltip.
 */
import type { AgentLane, AgentSummary, LaneMark, LaneSegment } from '../src/core/dashboard/types';
import { Dot, stateWords } from './activity.js';
import { clock, duration } from './format.js';
import { html } from './html.js';
import { pagePaths } from './router.js';

/** The SVG's own x units: the lane is stretched to the page's width. */
const WIDTH = 1000;
const HEIGHT = 20;
const TICKS = 5;

type Scale = (at: number) => number;

function scale(from: number, to: number): Scale {
  const span = Math.max(1, to - from);
  return (at) => (Math.min(Math.max(at, from), to) - from) * (WIDTH / span);
}

function Segment({ s, x }: { s: LaneSegment; x: Scale }) {
  const title = `${s.state.replace('_', ' ')} ${clock(s.from)}–${clock(s.to)} (${duration(s.to - s.from)})`;
  return html`<rect
    class=${`seg seg-${s.state}`}
    x=${x(s.from)}
    y="4"
    width=${Math.max(0.5, x(s.to) - x(s.from))}
    height=${HEIGHT - 8}
  >
    <title>${title}</title>
  </rect>`;
}

function Mark({ m, x }: { m: LaneMark; x: Scale }) {
  return html`<line
    class=${`mark mark-${m.kind}`}
    x1=${x(m.at)}
    x2=${x(m.at)}
    y1="0"
    y2=${HEIGHT}
    vector-effect="non-scaling-stroke"
  >
    <title>${`${clock(m.at)} ${m.kind}: ${m.message}`}</title>
  </line>`;
}

function Lane(props: { lane: AgentLane; now?: AgentSummary; build: string; x: Scale }) {
  const { lane, now, x } = props;
  return html`<div class="lane" data-agent=${lane.agent}>
    <a class="lane-name" href=${pagePaths.agent(props.build, lane.agent)}>
      ${now && html`<${Dot} colour=${now.colour} title=${stateWords(now.state)} />`}${lane.agent}
    </a>
    <svg
      class="lane-track"
      viewBox=${`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label=${`${lane.agent} activity`}
    >
      ${lane.segments.map((s) => html`<${Segment} key=${s.from} s=${s} x=${x} />`)}
      ${lane.marks.map((m, i) => html`<${Mark} key=${i} m=${m} x=${x} />`)}
    </svg>
  </div>`;
}

function Axis({ from, to }: { from: number; to: number }) {
  const times = Array.from({ length: TICKS }, (_, i) => from + ((to - from) * i) / (TICKS - 1));
  return html`<div class="lane">
    <span class="lane-name"></span>
    <div class="lane-axis">
      ${times.map((t, i) => html`<span key=${i} style=${{ left: `${(i * 100) / (TICKS - 1)}%` }}>${clock(t)}</span>`)}
    </div>
  </div>`;
}

const LEGEND = ['busy', 'idle', 'rate_limited', 'down'] as const;
const MARK_LEGEND = ['nudge', 'reboot', 'ping', 'heal', 'wake', 'restart', 'blocked'] as const;

/** `agents`: what each agent is doing now, for the dot beside its name. */
export function AgentLanes(props: {
  lanes: AgentLane[];
  agents: AgentSummary[];
  from: number;
  to: number;
  build: string;
}) {
  if (props.lanes.length === 0) return html`<p class="muted">No agents yet.</p>`;
  const x = scale(props.from, props.to);
  const now = new Map(props.agents.map((a) => [a.agent, a]));
  return html`<div class="lanes">
    ${props.lanes.map((l) => html`<${Lane} key=${l.agent} lane=${l} now=${now.get(l.agent)} build=${props.build} x=${x} />`)}
    <${Axis} from=${props.from} to=${props.to} />
    <p class="legend">
      ${LEGEND.map((s) => html`<span key=${s}><i class=${`swatch seg-${s}`}></i>${s.replace('_', ' ')}</span>`)}
      ${MARK_LEGEND.map((m) => html`<span key=${m}><i class=${`swatch tick mark-${m}`}></i>${m}</span>`)}
    </p>
  </div>`;
}
