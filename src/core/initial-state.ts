import type { StewardConfig } from './config/types';
import type { AgentState, BuildState } from './state/build';
import { emptyTokenAccounting } from './state/tokens';

export function newAgentState(sessionId: string): AgentState {
  return {
    sessionId,
    startedAt: null,
    alive: false,
    idleSeconds: 0,
    doneNudgedPhase: null,
    reboots: [],
    crashLooped: false,
    rateLimitedUntil: null,
    lastWakeAt: null,
    lastBusyAt: null,
    idleSince: null,
    waitingText: null,
    waitingUntil: null,
    rateLimitText: null,
    blockedSince: null,
  };
}

/** `sessionIds` come from the workflow's deterministic uuid4(), one per agent. */
export function initialBuildState(args: {
  buildId: string;
  hostId: string;
  config: StewardConfig;
  configHash: string;
  now: number;
  sessionIds: Record<string, string>;
}): BuildState {
  return {
    buildId: args.buildId,
    hostId: args.hostId,
    config: args.config,
    configHash: args.configHash,
    rejectedConfigHash: null,
    status: 'running',
    phaseIndex: 0,
    phaseStartedAt: args.now,
    completedPhases: [],
    agents: Object.fromEntries(
      args.config.agents.map((a) => [a.name, newAgentState(args.sessionIds[a.name] ?? a.name)]),
    ),
    services: {},
    handoff: { lastSha: null, inboxHashes: {} },
    fetchHealth: { failures: 0, retryAt: 0 },
    launched: false,
    lastHeavyAt: args.now,
    tokens: emptyTokenAccounting(),
    budgetPaused: false,
    hostLost: false,
    events: [],
    eventSeq: 0,
    startedAt: args.now,
  };
}
