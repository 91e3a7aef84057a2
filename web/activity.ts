/** An agent's activity dot: green busy or idle under 2 min, yellow 2–5 min, red over 5, grey down or unknown. */
import type { AgentSummary } from '../src/core/dashboard/types';
import { duration } from './format.js';
import { html } from './html.js';
import { pagePaths } from './router.js';

const STATE_WORDS: Record<AgentSummary['state'], string> = {
  down: 'down',
  crash_looped: 'crash-looped',
  blocked: 'blocked at a prompt',
  rate_limited: 'rate-limited',
  busy: 'busy',
  waiting: 'waiting',
  idle: 'idle',
};

export function stateWords(state: AgentSummary['state']): string {
  return STATE_WORDS[state] ?? state;
}

export function Dot({ colour, title }: { colour: AgentSummary['colour']; title?: string }) {
  return html`<span class=${`dot dot-${colour}`} title=${title} aria-hidden="true"></span>`;
}

/** A dot with the agent's name, linking to its view. */
export function AgentDot({ build, agent }: { build: string; agent: AgentSummary }) {
  const title = `${agent.agent}: ${stateWords(agent.state)}, idle ${duration(agent.idleSeconds * 1000)}`;
  return html`<a class="agent-dot" href=${pagePaths.agent(build, agent.agent)} data-agent=${agent.agent} title=${title}>
    <${Dot} colour=${agent.colour} />${agent.agent}
  </a>`;
}
