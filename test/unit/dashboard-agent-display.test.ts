import { activityColour, agentDisplayState, agentSummaries } from '../../src/core/dashboard/agent-display';
import { newAgentState } from '../../src/core/initial-state';
import type { AgentState } from '../../src/core/state/build';
import { at, snapshot, teamStatus } from './support/dashboard-fixtures';

const now = at(60);
const agent = (patch: Partial<AgentState> = {}): AgentState => ({ ...newAgentState('s'), alive: true, ...patch });

describe('activityColour', () => {
  it('is green under 2 min idle, yellow from 2 to 5 min inclusive, red past 5 min', () => {
    expect(activityColour('idle', 0)).toBe('green');
    expect(activityColour('idle', 119)).toBe('green');
    expect(activityColour('idle', 120)).toBe('yellow');
    expect(activityColour('idle', 300)).toBe('yellow');
    expect(activityColour('idle', 301)).toBe('red');
  });

  it('is green whenever busy, grey when down or the idle time is unreadable', () => {
    expect(activityColour('busy', 10_000)).toBe('green');
    expect(activityColour('down', 0)).toBe('grey');
    expect(activityColour('idle', NaN)).toBe('grey');
    expect(activityColour('idle', -1)).toBe('grey');
  });
});

describe('agentDisplayState', () => {
  it('takes the most pressing state that holds, in the order of the type', () => {
    expect(agentDisplayState(agent({ alive: false, crashLooped: true }), now)).toBe('down');
    expect(agentDisplayState(agent({ crashLooped: true, blockedSince: at(1) }), now)).toBe('crash_looped');
    expect(agentDisplayState(agent({ blockedSince: at(1), rateLimitedUntil: at(90) }), now)).toBe('blocked');
    expect(agentDisplayState(agent({ rateLimitedUntil: at(90), paneActivity: 'busy' }), now)).toBe('rate_limited');
    expect(agentDisplayState(agent({ paneActivity: 'busy', waitingText: 'x', waitingUntil: null }), now)).toBe('busy');
    expect(agentDisplayState(agent({ paneActivity: 'idle' }), now)).toBe('idle');
  });

  it('a limit still counts once its time passed (cleared only by the resume)', () => {
    expect(agentDisplayState(agent({ rateLimitedUntil: at(1) }), now)).toBe('rate_limited');
  });

  it('waits under an open-ended WAITING-UNTIL or one whose end is ahead, not one that ran out', () => {
    expect(agentDisplayState(agent({ waitingText: 'WAITING-UNTIL review', waitingUntil: null }), now)).toBe('waiting');
    expect(agentDisplayState(agent({ waitingText: 'WAITING-UNTIL 11:00', waitingUntil: at(61) }), now)).toBe('waiting');
    expect(agentDisplayState(agent({ waitingText: 'WAITING-UNTIL 09:30', waitingUntil: at(30) }), now)).toBe('idle');
  });
});

describe('agentSummaries', () => {
  it('lists the status view agents in config order with state, colour and idle time', () => {
    const status = teamStatus(
      {},
      { builder: { paneActivity: 'busy', idleSeconds: 400 }, librarian: { idleSeconds: 200 } },
    );
    expect(agentSummaries(snapshot({}, status), now)).toEqual([
      { agent: 'builder', state: 'busy', colour: 'green', idleSeconds: 400 },
      { agent: 'adversary', state: 'idle', colour: 'green', idleSeconds: 10 },
      { agent: 'librarian', state: 'idle', colour: 'yellow', idleSeconds: 200 },
      { agent: 'migrator', state: 'idle', colour: 'green', idleSeconds: 10 },
    ]);
  });

  it('is empty before a worker answered', () => {
    expect(agentSummaries(snapshot({}, null), now)).toEqual([]);
  });
});
