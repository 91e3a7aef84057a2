/**
 * `steward config check FILE` and `steward config show FILE [--json]`: validate a build's agents.toml
 * before anything starts, and print the config a build would actually run.
 */
import type { Command } from 'commander';
import type { LoadResult } from '../../host/config-file';
import { formatIssues, loadConfigFile } from '../../host/config-file';
import { renderConfigToml } from '../../core/config/render';
import type { StewardConfig } from '../../core/config/types';
import { stat } from 'node:fs/promises';
import { hostId } from '../../workers/host-id';

/** Line writers over commander's configured output, so a caller (or a test) can capture it. */
interface Output {
  out(line: string): void;
  err(line: string): void;
}

function outputOf(command: Command): Output {
  const { writeOut, writeErr } = command.configureOutput();
  return {
    out: (line) => (writeOut ?? ((s: string) => void process.stdout.write(s)))(`${line}\n`),
    err: (line) => (writeErr ?? ((s: string) => void process.stderr.write(s)))(`${line}\n`),
  };
}

/** Exit status of a command whose config is missing or invalid. */
const EXIT_INVALID_CONFIG = 2;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function configSummary(config: StewardConfig): string {
  const names = config.agents.map((agent) => agent.name).join(', ');
  return (
    `ok: build "${config.name}": ${count(config.agents.length, 'agent')}, ${count(config.services.length, 'service')}, ` +
    `${count(config.loop?.phases.length ?? 0, 'phase')}${names === '' ? '' : ` (${names})`}`
  );
}

/** Prints warnings, and on failure every problem; returns the config when there is one. */
async function load(file: string, output: Output): Promise<StewardConfig | undefined> {
  const loaded: LoadResult = await loadConfigFile(file);
  if (loaded.warnings.length > 0) output.err(formatIssues(file, loaded.warnings, 'warning: '));
  if (loaded.ok) return loaded.config;
  output.err(formatIssues(file, loaded.issues));
  output.err(`${count(loaded.issues.length, 'problem')} in ${file}`);
  process.exitCode = EXIT_INVALID_CONFIG;
  return undefined;
}

/**
 * Checked on the agents' host, a `cwd` that does not exist is worth a warning: the launch would
 * fail (it never falls back to the worker's directory). Agents placed on another host are not
 * judged here.
 */
async function missingWorkdirs(config: StewardConfig): Promise<string[]> {
  const here = hostId();
  const owners = [
    ...config.agents.map((a, i) => ({ path: `agent[${i}].cwd`, cwd: a.cwd, host: a.host })),
    ...config.services.map((s, i) => ({ path: `service[${i}].cwd`, cwd: s.cwd, host: s.host })),
  ];
  const warnings: string[] = [];
  for (const o of owners) {
    if (o.host !== undefined && o.host !== here) continue;
    const isDir = await stat(o.cwd).then(
      (st) => st.isDirectory(),
      () => false,
    );
    if (!isDir)
      warnings.push(
        `warning: ${o.path}: ${o.cwd} is not a directory on this host (${here}): the launch will fail until it exists`,
      );
  }
  return warnings;
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check or show a build configuration (agents.toml)');
  config
    .command('check')
    .description('validate a config and report every problem, each named by its TOML path (exit 2 when invalid)')
    .argument('<file>', 'the config file')
    .action(async (file: string, _options: unknown, command: Command) => {
      const output = outputOf(command);
      const loaded = await load(file, output);
      if (loaded === undefined) return;
      for (const warning of await missingWorkdirs(loaded)) output.err(warning);
      output.out(configSummary(loaded));
    });
  config
    .command('show')
    .description('print the resolved config: every default filled in, paths absolute, durations explicit')
    .argument('<file>', 'the config file')
    .option('--json', 'print JSON (durations in milliseconds) instead of TOML')
    .action(async (file: string, options: { json?: boolean }, command: Command) => {
      const output = outputOf(command);
      const loaded = await load(file, output);
      if (loaded !== undefined) output.out(options.json ? JSON.stringify(loaded, null, 2) : renderConfigToml(loaded));
    });
}
