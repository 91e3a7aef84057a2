/**
 * The resolved config written back as agents.toml: every default spelt out, durations as "15s"
 * strings, kickoff files inlined. Loading the output gives the same config again, so an operator
 * can see exactly what a build will run and keep it as a fully explicit file.
 */
import { stringify } from 'smol-toml';
import { formatDuration } from './durations';
import type { AgentConfig, BackendConfig, StewardConfig, WatchdogConfig } from './types';

const WATCHDOG_DURATIONS = [
  'signal_interval',
  'heavy_interval',
  'stall_grace',
  'stall_idle',
  'reboot_backoff',
  'crash_loop_window',
  'limit_reset_slack',
  'limit_probe_fallback',
] as const satisfies ReadonlyArray<keyof WatchdogConfig>;

function watchdogTable(watchdog: WatchdogConfig): Record<string, unknown> {
  const table: Record<string, unknown> = { ...watchdog };
  for (const key of WATCHDOG_DURATIONS) table[key] = formatDuration(watchdog[key]);
  return table;
}

/** An empty `env` is the default; printing it only adds an empty table. */
function withoutEmptyEnv<T extends { env: Record<string, string> }>({ env, ...rest }: T): Record<string, unknown> {
  return Object.keys(env).length === 0 ? rest : { ...rest, env };
}

function agentTable(agent: AgentConfig): Record<string, unknown> {
  return agent.wake === undefined
    ? { ...agent }
    : { ...agent, wake: { ...agent.wake, interval: formatDuration(agent.wake.interval) } };
}

function backendTable({ name: _name, ...backend }: BackendConfig): Record<string, unknown> {
  return withoutEmptyEnv(backend);
}

const LITERAL_BLOCK_QUOTES = "'''";

/** Text a multi-line literal string holds exactly: no closing quotes inside, no control characters but tab and newline. */
function fitsLiteralBlock(text: string): boolean {
  return (
    text.includes('\n') &&
    !text.includes(LITERAL_BLOCK_QUOTES) &&
    !text.endsWith("'") &&
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x08\x0b-\x1f\x7f]/.test(text)
  );
}

/**
 * smol-toml writes every string on one line; a kickoff reads far better as the block it was
 * written as. Multi-line strings are swapped for placeholders before stringifying and back after.
 */
function stringifyWithBlocks(document: Record<string, unknown>): string {
  const blocks: string[] = [];
  // NUL cannot survive stringify unescaped, so no real string can look like a placeholder.
  const swap = (value: unknown): unknown => {
    if (typeof value === 'string' && fitsLiteralBlock(value)) return `\u0000${blocks.push(value) - 1}\u0000`;
    if (Array.isArray(value)) return value.map(swap);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v)]));
    return value;
  };
  const text = stringify(swap(document) as Record<string, unknown>);
  // The newline right after the opening quotes is not part of the string in TOML.
  return text.replace(
    /"\\u0000(\d+)\\u0000"/g,
    (_, index: string) => `${LITERAL_BLOCK_QUOTES}\n${blocks[Number(index)]}${LITERAL_BLOCK_QUOTES}`,
  );
}

export function renderConfigToml(config: StewardConfig): string {
  const document: Record<string, unknown> = {
    name: config.name,
    session_prefix: config.session_prefix,
    state_dir: config.state_dir,
    watchdog: watchdogTable(config.watchdog),
    backend: Object.fromEntries(
      Object.entries(config.backends).map(([name, backend]) => [name, backendTable(backend)]),
    ),
  };
  if (config.agents.length > 0) document.agent = config.agents.map(agentTable);
  if (config.services.length > 0) document.service = config.services.map(withoutEmptyEnv);
  if (config.loop !== undefined) document.loop = config.loop;
  if (config.budget !== undefined) document.budget = config.budget;
  if (config.prices !== undefined) document.prices = config.prices;
  if (config.learning !== undefined)
    document.learning = { ...config.learning, half_life: formatDuration(config.learning.half_life) };
  return `# ${config.name}: resolved from ${config.source}\n${stringifyWithBlocks(document)}`;
}
