import type { EventType, StewardEvent } from '../../src/core/events';
import { buildInsights, buildMetrics } from '../../src/core/metrics';
import {
  escapeHtml,
  escapeMarkdown,
  formatDuration,
  reportHtml,
  reportIncidents,
  reportJson,
  reportMarkdown,
  type ReportInput,
} from '../../src/core/report';

const START = Date.UTC(2026, 4, 4, 8, 0, 0);
const HOSTILE_GATE = '<script>alert("gate")</script>';
const HOSTILE_MESSAGE = 'nudged: <img src=x onerror=alert(1)> | **bold** & </td>';

const tok = (input: number, output: number, write: number, read: number) => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: write,
  cache_read_input_tokens: read,
});

/** Events stamped `minutes` after START, numbered as they are made. */
function history(): StewardEvent[] {
  const events: StewardEvent[] = [];
  const add = (minutes: number, type: EventType, fields: Partial<StewardEvent> = {}) =>
    events.push({ seq: events.length + 1, at: START + minutes * 60_000, type, message: `${type} happened`, ...fields });
  add(0, 'build_started');
  add(0, 'agent_started', { agent: 'builder', phase: 'design' });
  add(0, 'agent_started', { agent: 'critic', phase: 'design' });
  add(3, 'gate_claimed', { agent: 'builder', builder: 'builder', gate: 'parser', attempt: 1, phase: 'design' });
  add(5, 'gate_reviewed', { agent: 'critic', reviewer: 'critic', gate: 'parser', verdict: 'pass', attempt: 1 });
  add(5, 'gate_passed', { gate: 'parser', builder: 'builder', attempt: 1, durationMs: 2 * 60_000 });
  add(6, 'gate_claimed', { agent: 'builder', builder: 'builder', gate: HOSTILE_GATE, attempt: 1, phase: 'design' });
  add(8, 'gate_reviewed', { agent: 'critic', reviewer: 'critic', gate: HOSTILE_GATE, verdict: 'fail', attempt: 1 });
  add(8, 'gate_failed', { gate: HOSTILE_GATE, reviewer: 'critic', builder: 'builder', attempt: 1 });
  add(9, 'agent_nudged', { agent: 'builder', message: HOSTILE_MESSAGE });
  add(10, 'agent_rebooted', { agent: 'builder', message: 'stalled 10m: rebooted' });
  add(11, 'ping_sent', { agent: 'critic' });
  add(12, 'action_failed', { agent: 'critic', message: 'send failed: pane gone' });
  add(13, 'budget_warning', { message: 'build at 80% of $5' });
  add(14, 'tokens_recorded', {
    phase: 'design',
    gate: 'parser',
    costUsd: 0.25,
    tokens: tok(1000, 200, 0, 5000),
    byAgent: { builder: { tokens: tok(1000, 200, 0, 5000), costUsd: 0.25 } },
  });
  add(20, 'tokens_recorded', {
    phase: 'design',
    costUsd: 1.5,
    tokens: tok(4000, 900, 100, 20000),
    byAgent: {
      builder: { tokens: tok(3000, 600, 100, 15000), costUsd: 1 },
      critic: { tokens: tok(1000, 300, 0, 5000), costUsd: 0.5 },
    },
  });
  add(20, 'phase_completed', { phase: 'design', durationMs: 20 * 60_000 });
  add(20, 'phase_started', { phase: 'build' });
  add(21, 'crash_loop', { agent: 'critic', message: 'critic crashed 5 times' });
  return events;
}

function input(): ReportInput {
  const events = history();
  const metrics = buildMetrics(events, { now: START + 30 * 60_000 });
  return {
    build: 'demo <b>',
    generatedAt: START + 30 * 60_000,
    metrics,
    insights: buildInsights(metrics),
    incidents: reportIncidents(events),
  };
}

/** A build that has recorded nothing yet. */
const emptyBuild = (): ReportInput => ({
  build: 'empty',
  generatedAt: START,
  metrics: buildMetrics([], { now: START }),
  insights: [],
  incidents: [],
});

describe('reportIncidents', () => {
  test('the events an operator should read, each with its kind, in order', () => {
    expect(reportIncidents(history()).map((i) => [i.seq, i.kind, i.agent])).toEqual([
      [10, 'nudge', 'builder'],
      [11, 'reboot', 'builder'],
      [13, 'action failed', 'critic'],
      [14, 'budget warning', null],
      [19, 'crash loop', 'critic'],
    ]);
    const [nudge] = reportIncidents([...history()].reverse());
    expect(nudge).toEqual({
      seq: 10,
      at: START + 9 * 60_000,
      type: 'agent_nudged',
      kind: 'nudge',
      agent: 'builder',
      phase: 'design',
      message: HOSTILE_MESSAGE,
    });
  });
});

describe('reportMarkdown', () => {
  const md = reportMarkdown(input());

  test('every section, in order', () => {
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Build report: demo &lt;b&gt;',
      '## Overview',
      '## Phases',
      '## Gates',
      '## Agents',
      '## Incidents',
      '## Insights',
    ]);
  });

  test('the key figures', () => {
    expect(md).toContain('| Status | running |');
    expect(md).toContain('| Duration | 30m 00s |');
    expect(md).toContain('| Cost | $1.5000 |');
    expect(md).toContain('| Tokens | 25,000 (input 4,000, output 900, cache write 100, cache read 20,000) |');
    expect(md).toContain('| Gates passed | 1 of 2 |');
    expect(md).toContain('| Quality (passed on first review) | 100.0% (1 of 1) |');
    expect(md).toContain('| Error rate (failed actions) | 16.7% |');
    expect(md).toContain('| Escalations | 1 |');
    expect(md).toContain('| design | 2026-05-04T08:00:00Z | 20m 00s | 1 | 1 | 25,000 | $1.5000 | 1 | 1 | 0 | 0 |');
    expect(md).toContain(
      '| parser | design | builder | critic | passed | 3m 00s | 2m 00s | 2m 00s | 1 | 6,200 | $0.2500 |',
    );
    expect(md).toContain('| builder | - | 2 | 0 | 100.0% | - | 18,700 | $1.0000 | $0.5000 | 1 | 0 ms |');
    expect(md).toContain('nudge 1 · reboot 1 · action failed 1 · budget warning 1 · crash loop 1');
    expect(md).toContain('| 2026-05-04T08:21:00Z | crash loop | critic | build | critic crashed 5 times |');
  });

  test('hostile text is inert: no tag, no table break, no emphasis', () => {
    expect(md).not.toMatch(/<(script|img|td|b)\b/i);
    expect(md).toContain('&lt;script&gt;alert("gate")&lt;/script&gt;');
    expect(md).toContain('nudged: &lt;img src=x onerror=alert(1)&gt; \\| \\*\\*bold\\*\\* &amp; &lt;/td&gt;');
    expect(escapeMarkdown('a_b [x](y) `c` #1 ~z\\')).toBe('a\\_b \\[x\\](y) \\`c\\` \\#1 \\~z\\\\');
  });

  test('an empty build says so in each section', () => {
    const empty = reportMarkdown(emptyBuild());
    for (const line of ['_No phases._', '_No gates._', '_No agents._', '_No incidents._', '_Nothing stands out._']) {
      expect(empty).toContain(line);
    }
  });
});

describe('reportHtml', () => {
  const html = reportHtml(input());

  test('one self-contained document: no script, no URL, nothing fetched', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b|url\(|@import/i);
    // The tags alone (texts, where the hostile messages are, left out): no attribute points anywhere.
    const tags = html.replace(/>[^<]*</g, '><');
    expect(tags).not.toMatch(/\b(src|href|xmlns|on\w+)=|https?:/i);
  });

  test('every section, both charts and the key figures', () => {
    for (const h of ['Overview', 'Phases', 'Gates', 'Agents', 'Incidents', 'Insights']) {
      expect(html).toContain(`<h2>${h}</h2>`);
    }
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('<polyline');
    expect(html).toContain('<title>parser: 2m 00s in 1 round(s)</title>');
    expect(html).toContain('<tr><th>Cost</th><td>$1.5000</td></tr>');
    expect(html).toContain('<tr><th>Quality (passed on first review)</th><td>100.0% (1 of 1)</td></tr>');
    expect(html).toContain('<td class="n">$0.5000</td>');
  });

  test('a <script> in a gate label or a message comes out escaped', () => {
    expect(html).toContain('<td>&#60;script&#62;alert(&#34;gate&#34;)&#60;/script&#62;</td>');
    expect(html).toContain(
      '<td class="msg">nudged: &#60;img src=x onerror=alert(1)&#62; | **bold** &#38; &#60;/td&#62;</td>',
    );
    expect(html).toContain('<title>Build report: demo &#60;b&#62;</title>');
    expect(escapeHtml(`<a href='x'>&"`)).toBe('&#60;a href=&#39;x&#39;&#62;&#38;&#34;');
  });

  test('an empty build renders without charts', () => {
    const empty = reportHtml(emptyBuild());
    expect(empty).not.toContain('<svg');
    expect(empty).toContain('No token windows recorded yet.');
    expect(empty).toContain('No gate has passed yet.');
  });
});

describe('reportJson', () => {
  test('round-trips to the metrics, insights and incidents', () => {
    const given = input();
    const parsed = JSON.parse(reportJson(given));
    expect(parsed).toEqual({ version: 1, ...given });
    expect(parsed.metrics).toEqual(given.metrics);
  });
});

describe('formatDuration', () => {
  test('each scale', () => {
    expect([null, 850, 12_500, 245_000, 7_380_000, 100_800_000].map(formatDuration)).toEqual([
      '-',
      '850 ms',
      '12.5 s',
      '4m 05s',
      '2h 03m',
      '1d 04h',
    ]);
  });
});
