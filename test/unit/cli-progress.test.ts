import type { StewardEvent } from '../../src/core/events';
import { earlierEvents } from '../../src/client/commands/operate';
import { PLAIN, ProgressLog, progressStyle, TERMINAL, type ProgressStyle } from '../../src/client/render/progress';

const T0 = Date.UTC(2026, 10, 22, 15, 33, 30);
const at = (s: number) => T0 + s * 1000;
const tokens = { input_tokens: 1900, output_tokens: 370, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

/** A build of one gate that failed once and passed in its second round, a phase advance, a reboot, a pause, a stop. */
const EVENTS: StewardEvent[] = [
  { seq: 1, at: at(0), type: 'build_started', message: 'build demo started on host box-1' },
  { seq: 2, at: at(2), type: 'agent_started', agent: 'builder', message: 'started in session demo-builder' },
  {
    seq: 3,
    at: at(10),
    type: 'gate_claimed',
    agent: 'builder',
    phase: 'p1',
    gate: 'p1-gate',
    builder: 'builder',
    attempt: 1,
    message: 'claim(p1-gate) by builder',
  },
  {
    seq: 4,
    at: at(20),
    type: 'gate_reviewed',
    agent: 'adversary',
    phase: 'p1',
    gate: 'p1-gate',
    reviewer: 'adversary',
    verdict: 'fail',
    attempt: 1,
    message: 'review(p1-gate): FAIL',
  },
  {
    seq: 5,
    at: at(20),
    type: 'gate_failed',
    phase: 'p1',
    gate: 'p1-gate',
    reviewer: 'adversary',
    attempt: 1,
    message: 'gate p1-gate failed review by adversary',
  },
  {
    seq: 6,
    at: at(30),
    type: 'gate_claimed',
    agent: 'builder',
    phase: 'p1',
    gate: 'p1-gate',
    builder: 'builder',
    attempt: 2,
    message: 'claim(p1-gate) by builder',
  },
  {
    seq: 7,
    at: at(40),
    type: 'gate_reviewed',
    agent: 'adversary',
    phase: 'p1',
    gate: 'p1-gate',
    reviewer: 'adversary',
    verdict: 'pass',
    attempt: 2,
    message: 'review(p1-gate): PASS',
  },
  {
    seq: 8,
    at: at(40),
    type: 'gate_passed',
    phase: 'p1',
    gate: 'p1-gate',
    builder: 'builder',
    attempt: 2,
    message: 'gate p1-gate passed in round 2',
  },
  {
    seq: 9,
    at: at(45),
    type: 'tokens_recorded',
    phase: 'p1',
    gate: 'p1-gate',
    tokens,
    costUsd: 0.0112,
    message: 'gate p1:p1-gate: 2,270 tokens, $0.0112',
  },
  { seq: 10, at: at(50), type: 'phase_completed', phase: 'p1', durationMs: 50_000, message: 'phase p1 done in 50s' },
  { seq: 11, at: at(50), type: 'phase_started', phase: 'p2', message: 'phase p2 started' },
  { seq: 12, at: at(55), type: 'agent_busy', agent: 'builder', message: 'busy' },
  { seq: 13, at: at(60), type: 'agent_rebooted', agent: 'builder', message: 'stalled for 600s:\nrebooted' },
  { seq: 14, at: at(62), type: 'paused', message: 'paused by operator' },
  { seq: 15, at: at(70), type: 'stopped', message: 'test over' },
];

const printed = (style: ProgressStyle, earlier: StewardEvent[], shown: StewardEvent[]) => {
  const log = new ProgressLog(style, earlier);
  return shown.flatMap((e) => log.event(e));
};

describe('the progress log of `steward events --follow`', () => {
  it('piped: each event as `steward events` prints it, a progress line after phase starts and gate events, no ANSI code', () => {
    const log = new ProgressLog(PLAIN);
    const lines = EVENTS.flatMap((e) => log.event(e));
    expect(lines).toEqual([
      '2026-11-22T15:33:30.000Z #1 build_started: build demo started on host box-1',
      '2026-11-22T15:33:32.000Z #2 agent_started builder: started in session demo-builder',
      '2026-11-22T15:33:40.000Z #3 gate_claimed builder: claim(p1-gate) by builder',
      'progress: phase p1 · 0 gates passed · 10.0s',
      '2026-11-22T15:33:50.000Z #4 gate_reviewed adversary: review(p1-gate): FAIL',
      'progress: phase p1 · 0 gates passed · 20.0s',
      '2026-11-22T15:33:50.000Z #5 gate_failed: gate p1-gate failed review by adversary',
      'progress: phase p1 · 0 gates passed · 1 failed · 20.0s',
      '2026-11-22T15:34:00.000Z #6 gate_claimed builder: claim(p1-gate) by builder',
      'progress: phase p1 · 0 gates passed · 1 failed · 30.0s',
      '2026-11-22T15:34:10.000Z #7 gate_reviewed adversary: review(p1-gate): PASS',
      'progress: phase p1 · 0 gates passed · 1 failed · 40.0s',
      '2026-11-22T15:34:10.000Z #8 gate_passed: gate p1-gate passed in round 2',
      'progress: phase p1 · 1 gate passed · 1 failed · 40.0s',
      '2026-11-22T15:34:15.000Z #9 tokens_recorded: gate p1:p1-gate: 2,270 tokens, $0.0112',
      '2026-11-22T15:34:20.000Z #10 phase_completed: phase p1 done in 50s',
      '2026-11-22T15:34:20.000Z #11 phase_started: phase p2 started',
      'progress: phase p2 · 0 gates passed · 0.0s',
      '2026-11-22T15:34:25.000Z #12 agent_busy builder: busy',
      '2026-11-22T15:34:30.000Z #13 agent_rebooted builder: stalled for 600s:\\nrebooted',
      '2026-11-22T15:34:32.000Z #14 paused: paused by operator',
      '2026-11-22T15:34:40.000Z #15 stopped: test over',
    ]);
    expect(log.summary(at(500))).toEqual([
      'summary: took 1m10s · cost $0.0112 · 1 gate passed · review rounds median 2, p90 2',
    ]);
    expect([...lines, ...log.summary(at(500))].join('\n')).not.toContain('\x1b');
  });

  it('on a terminal: the time, a coloured symbol per kind of event, dim progress lines; busy/idle turns left out', () => {
    const lines = printed(TERMINAL, EVENTS.slice(0, 2), EVENTS.slice(2));
    const dim = (s: string) => `\x1b[2m${s}\x1b[22m`;
    const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;
    const c = (code: number, s: string) => `\x1b[${code}m${s}\x1b[39m`;
    expect(lines).toEqual([
      `${dim('15:33:40')} ${c(36, '◆')} ${bold('gate_claimed')} builder: claim(p1-gate) by builder`,
      dim('         ↳ phase p1 · 0 gates passed · 10.0s'),
      `${dim('15:33:50')} ${c(31, '●')} ${bold('gate_reviewed')} adversary: review(p1-gate): FAIL`,
      dim('         ↳ phase p1 · 0 gates passed · 20.0s'),
      `${dim('15:33:50')} ${c(31, '✗')} ${bold('gate_failed')}: gate p1-gate failed review by adversary`,
      dim('         ↳ phase p1 · 0 gates passed · 1 failed · 20.0s'),
      `${dim('15:34:00')} ${c(36, '◆')} ${bold('gate_claimed')} builder: claim(p1-gate) by builder`,
      dim('         ↳ phase p1 · 0 gates passed · 1 failed · 30.0s'),
      `${dim('15:34:10')} ${c(32, '●')} ${bold('gate_reviewed')} adversary: review(p1-gate): PASS`,
      dim('         ↳ phase p1 · 0 gates passed · 1 failed · 40.0s'),
      `${dim('15:34:10')} ${c(32, '✓')} ${bold('gate_passed')}: gate p1-gate passed in round 2`,
      dim('         ↳ phase p1 · 1 gate passed · 1 failed · 40.0s'),
      `${dim('15:34:15')} ${dim('·')} ${bold('tokens_recorded')}: gate p1:p1-gate: 2,270 tokens, $0.0112`,
      `${dim('15:34:20')} ${c(32, '✓')} ${bold('phase_completed')}: phase p1 done in 50s`,
      `${dim('15:34:20')} ${c(36, '▶')} ${bold('phase_started')}: phase p2 started`,
      dim('         ↳ phase p2 · 0 gates passed · 0.0s'),
      `${dim('15:34:30')} ${c(33, '↻')} ${bold('agent_rebooted')} builder: stalled for 600s:\\nrebooted`,
      `${dim('15:34:32')} ${c(33, '⏸')} ${bold('paused')}: paused by operator`,
      `${dim('15:34:40')} ${bold('■')} ${bold('stopped')}: test over`,
    ]);
  });

  it('on a terminal under NO_COLOR: the same symbols, no colour', () => {
    const style = progressStyle(true, { NO_COLOR: '1' });
    expect(style).toEqual({ symbols: true, colour: false });
    const log = new ProgressLog(style, EVENTS.slice(0, 7));
    expect(EVENTS.slice(7).flatMap((e) => log.event(e))).toEqual([
      '15:34:10 ✓ gate_passed: gate p1-gate passed in round 2',
      '         ↳ phase p1 · 1 gate passed · 1 failed · 40.0s',
      '15:34:15 · tokens_recorded: gate p1:p1-gate: 2,270 tokens, $0.0112',
      '15:34:20 ✓ phase_completed: phase p1 done in 50s',
      '15:34:20 ▶ phase_started: phase p2 started',
      '         ↳ phase p2 · 0 gates passed · 0.0s',
      '15:34:30 ↻ agent_rebooted builder: stalled for 600s:\\nrebooted',
      '15:34:32 ⏸ paused: paused by operator',
      '15:34:40 ■ stopped: test over',
    ]);
    expect(log.summary(at(500))).toEqual([
      '■ summary: took 1m10s · cost $0.0112 · 1 gate passed · review rounds median 2, p90 2',
    ]);
  });

  it('the terminal summary is bold; escalations are marked', () => {
    const log = new ProgressLog(TERMINAL, EVENTS);
    expect(log.summary(at(500))).toEqual([
      '\x1b[1m■ summary: took 1m10s · cost $0.0112 · 1 gate passed · review rounds median 2, p90 2\x1b[22m',
    ]);
    const crash: StewardEvent = { seq: 16, at: at(80), type: 'crash_loop', agent: 'builder', message: 'given up' };
    expect(new ProgressLog({ symbols: true, colour: false }).event(crash)).toEqual([
      '15:34:50 ⚠ crash_loop builder: given up',
    ]);
  });

  it('a running build: figures to now; events seen twice print once', () => {
    const log = new ProgressLog(PLAIN, EVENTS.slice(0, 3));
    expect(log.event(EVENTS[2]!)).toEqual([]);
    expect(log.summary(at(90))).toEqual(['summary: took 1m30s · cost $0.0000 · 0 gates passed · no review rounds']);
  });

  it("without the build's first events (no events.jsonl on this host), the summary says what it is from", () => {
    const log = new ProgressLog(PLAIN, EVENTS.slice(9));
    expect(log.summary(at(500))).toEqual([
      'summary: took 20.0s · cost $0.0000 · 0 gates passed · no review rounds',
      "note: from event #10 on (the build's events.jsonl was not read)",
    ]);
  });

  it('progressStyle: plain when piped, whatever the environment; colour off for TERM=dumb', () => {
    expect(progressStyle(false, {})).toEqual(PLAIN);
    expect(progressStyle(false, { FORCE_COLOR: '1' })).toEqual(PLAIN);
    expect(progressStyle(true, {})).toEqual(TERMINAL);
    expect(progressStyle(true, { TERM: 'dumb' })).toEqual({ symbols: true, colour: false });
  });

  it('earlierEvents: the log file and the status view, up to the first event shown, each once', () => {
    const logged = EVENTS.slice(0, 12);
    const viewed = EVENTS.slice(5); // the last events, the newest beyond the file's
    expect(earlierEvents(logged, viewed, 9).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(earlierEvents(logged, viewed, 15).map((e) => e.seq)).toEqual(EVENTS.map((e) => e.seq));
    expect(earlierEvents([], viewed, 15).map((e) => e.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });
});
