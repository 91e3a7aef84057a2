/**
 * The request for `readAgentTokens`, and the session ids it must name: a reboot gives an agent a
 * new session, and the old sessions' files keep their usage, so every id is remembered.
 */
import type { StewardConfig } from '../config/types';
import { transcriptsDir } from '../launch';
import type { TokenAccountingState } from '../state/tokens';
import type { AgentTokenRequest } from './host-contract';
import { priceTableOf } from './pricing';

/** The reader's ledger on the build's host; another host (`host`) keeps its own, which may share the state dir. */
export function tokenLedgerFile(config: Pick<StewardConfig, 'state_dir'>, host?: string): string {
  return host === undefined ? `${config.state_dir}/token-ledger.json` : `${config.state_dir}/token-ledger@${host}.json`;
}

/** Adds session ids not yet remembered (per agent, oldest first). Returns the same object when nothing is new. */
export function rememberSessions(
  sessions: Record<string, string[]>,
  seen: Record<string, string | string[]>,
): Record<string, string[]> {
  let out = sessions;
  for (const agent of Object.keys(seen)) {
    const ids = ([] as string[]).concat(seen[agent]);
    const known = Object.hasOwn(out, agent) ? out[agent] : [];
    const fresh = ids.filter((id, i) => id !== '' && !known.includes(id) && ids.indexOf(id) === i);
    if (fresh.length === 0) continue;
    if (out === sessions) out = { ...sessions };
    out[agent] = [...known, ...fresh];
  }
  return out;
}

/**
 * Each configured agent's transcripts dir and every session id it ever had (remembered ones, plus
 * the current one from `agents`), and the config's `[prices]`. The totals are priced afresh on
 * every read, so an edited price applies to all usage so far.
 */
export function agentTokenRequest(
  acct: TokenAccountingState,
  config: StewardConfig,
  agents: Record<string, { sessionId: string }>,
  ledgerFile: string = tokenLedgerFile(config),
): AgentTokenRequest {
  const current: Record<string, string> = {};
  for (const name of Object.keys(agents)) current[name] = agents[name].sessionId;
  const sessions = rememberSessions(acct.sessions, current);
  const out: AgentTokenRequest['agents'] = {};
  for (const agent of config.agents) {
    out[agent.name] = {
      dir: transcriptsDir(config, agent),
      sessionIds: Object.hasOwn(sessions, agent.name) ? sessions[agent.name] : [],
    };
  }
  const prices = priceTableOf(config.prices);
  return prices ? { ledgerFile, agents: out, prices } : { ledgerFile, agents: out };
}
