/** Shared builders for the supervision tests: agents, states, panes and clocks with round numbers. */
import type { AgentState } from '../../src/core/state/build';
import type { AgentConfig, LoopConfig, PhaseConfig, WatchdogConfig } from '../../src/core/config/types';
import type { AgentObservation } from '../../src/core/state/snapshot';
import { newAgentState } from '../../src/core/initial-state';
import type { RateLimitInput, StallInput } from '../../src/core/supervision';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** 2026-06-24 15:00:00 UTC: 11:00 in New York (EDT), 17:00 in Berlin (CEST). */
export const NOW = Date.UTC(2026, 5, 24, 15, 0, 0);
export const at = (hh: number, mm = 0, ss = 0) => Date.UTC(2026, 5, 24, hh, mm, ss);

export const watchdog: WatchdogConfig = {
  signal_interval: 15 * SECOND,
  heavy_interval: 2 * MINUTE,
  stall_grace: 180 * SECOND,
  stall_idle: 600 * SECOND,
  token_granularity: 'gate',
  log_tokens: true,
  reboot_backoff: 60 * SECOND,
  crash_loop_reboots: 3,
  crash_loop_window: HOUR,
  limit_reset_slack: 60 * SECOND,
  limit_probe_fallback: 15 * MINUTE,
};

export const phase1: PhaseConfig = { id: 'p1', status: 'STATUS-p1.md', kickoff: 'Build the parser.' };
export const phase2: PhaseConfig = { id: 'p2', status: 'STATUS-p2.md', kickoff: 'Build the CLI.' };

export const loop: LoopConfig = {
  repo: '/work/repo',
  state_subdir: 'state',
  done_marker: '## DONE',
  done_nudge: true,
  phases: [phase1, phase2],
};

// Claude Code's pane patterns, as the built-in backend has them.
export const patterns = {
  busy: ['esc to interrupt'],
  idle: ['^\\s*[>❯](?:\\s|$)', '\\? for shortcuts'],
  limit: [
    'usage limit reached',
    'limit will reset at',
    "You've hit your (?:\\w+ )?limit",
    'limit reached\\s*[·∙•]\\s*resets',
  ],
};

export function agentConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    name: 'builder',
    kind: 'loop',
    session: 'steward-builder',
    backend: 'claude',
    cwd: '/work/repo',
    kickoff: 'You are the builder.',
    watch: 'heal+stall',
    ...overrides,
  };
}

/** An agent started long ago (no grace), never rebooted, nothing pending. */
export function agentState(overrides: Partial<AgentState> = {}): AgentState {
  return {
    ...newAgentState('session-0'),
    startedAt: NOW - 5 * HOUR,
    lastWakeAt: NOW - 5 * HOUR,
    alive: true,
    ...overrides,
  };
}

const inputBox = [
  '╭──────────────────────────╮',
  '│ >                        │',
  '╰──────────────────────────╯',
  '  ? for shortcuts',
];

/** An idle Claude Code pane: the given lines above the empty input box. */
export const idlePane = (...lines: string[]) => [...lines, '', ...inputBox].join('\n');
export const busyPane = () => ['⏺ Running the tests…', '✻ Compiling… (12s · esc to interrupt)', ...inputBox].join('\n');

/** A live pane whose last output was `lastOutput` (epoch ms). */
export function observed(tail: string, lastOutput: number | null, alive = true): AgentObservation {
  return { alive, tail, windowActivity: lastOutput === null ? null : Math.floor(lastOutput / 1000) };
}

export const deadPane = (): AgentObservation => ({ alive: false, tail: '', windowActivity: null });

/** Deterministic session ids, as the workflow's uuid4 would be. */
export function sessionIds(prefix = 'session') {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** The rate-limit rule's input: the builder, alive and idle at NOW, its last output 5 s before. */
export function rateLimitInput(overrides: Partial<RateLimitInput> = {}): RateLimitInput {
  return {
    agent: agentConfig(),
    state: agentState(),
    observation: observed(idlePane('⏺ Done.'), NOW - 5 * SECOND),
    patterns,
    now: NOW,
    ...overrides,
  };
}

/** The stall rule's input: the builder in phase p1 (not done), its last output 700 s (past `stall_idle`) before NOW. */
export function stallInput(overrides: Partial<StallInput> = {}): StallInput {
  return {
    ...rateLimitInput({ observation: observed(idlePane('⏺ Done.'), NOW - 700 * SECOND) }),
    watchdog,
    loop,
    phase: { config: phase1, done: false },
    sequenceComplete: false,
    newSessionId: sessionIds(),
    ...overrides,
  };
}
