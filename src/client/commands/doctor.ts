/**
 * `steward doctor [config] [--for-up] [--json]`: checks this host before a real build and says
 * what to fix, one line per check. Exit 0 when nothing failed, 1 when something did, 2 for a
 * config that does not load.
 */
import type { Command } from 'commander';
import { BUILTIN_BACKENDS } from '../../core/config/builtin-backends';
import { doctorChecks, doctorExitCode, doctorSummary, renderDoctor } from '../../core/doctor';
import { hostId } from '../../workers/host-id';
import { STEWARD_BIN_DIR } from '../../workers/worker';
import { CLAUDE_CODE_VERSION } from '../claude-binary';
import { examples, outputOf } from '../cli-output';
import { probeHost } from '../doctor/probe';
import { loadConfigOrThrow } from '../load-or-exit';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this host before a real build: agent CLI, hooks, folders, git, tmux, Temporal, workers (exit 1 on any FAIL)',
    )
    .argument(
      '[config]',
      "the build's agents.toml; without it, only the host: tmux, `claude`, Temporal, this host's worker",
    )
    .option(
      '--for-up',
      'checking for `steward up`, which runs its own worker (and dev server when TEMPORAL_ADDRESS is unset)',
    )
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      [
        examples(
          'steward doctor agents.toml',
          'STEWARD_HOST_ID=box-1 steward doctor agents.toml --json',
          'steward doctor agents.toml --for-up',
        ),
        '',
        "Run it on the agents' host, as the worker's user and with the worker's environment",
        '(STEWARD_HOST_ID, STEWARD_TMUX_SOCKET, TEMPORAL_*): it starts a throwaway tmux session on the',
        "agents' tmux server to run the hook command there.",
      ].join('\n'),
    )
    .action(async (file: string | undefined, opts: { forUp?: boolean; json?: boolean }, command: Command) => {
      const out = outputOf(command);
      const config = file === undefined ? null : (await loadConfigOrThrow(file)).config;
      const host = hostId();
      const facts = await probeHost(config, BUILTIN_BACKENDS.claude, {
        host,
        binDir: STEWARD_BIN_DIR,
        tmuxSocket: process.env.STEWARD_TMUX_SOCKET || undefined,
        forUp: opts.forUp === true,
      });
      const checks = doctorChecks(facts, { binDir: STEWARD_BIN_DIR, testedClaude: CLAUDE_CODE_VERSION });
      const exitCode = doctorExitCode(checks);
      if (opts.json) {
        out.json({
          build: facts.build,
          config: facts.configFile,
          host,
          binDir: STEWARD_BIN_DIR,
          ok: exitCode === 0,
          summary: doctorSummary(checks),
          checks,
          facts,
        });
      } else {
        out.lines(renderDoctor(facts, checks));
      }
      process.exitCode = exitCode;
    });
}
