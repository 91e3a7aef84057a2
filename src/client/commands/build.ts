import { Command, Option } from 'commander';
import { wholeNumber } from '../cli-output';
import { DASHBOARD_PORT } from './dashboard';
import { rpc, withTemporal } from '../build-handle';
import { startBuild } from '../start-build';
import { describeResult, followBuild } from '../follow';
import { loadConfigOrThrow } from '../load-or-exit';
import { up } from '../up';
import { runDemo } from '../demo';
import { UsageError } from '../load-or-exit';
import { hostId } from '../../workers/host-id';

/** Deadline of the start call: a server that has not started the workflow by then is not going to. */
const START_DEADLINE_MS = 30_000;

/** Adds `start-build` to a program: shared by `steward start-build` and the `start-build` bin. */
export function registerStartBuild(program: Command, name = 'start-build'): void {
  program
    .command(name)
    .description('start the build for a config, or attach to the one already running for it')
    .argument('<config>', 'agents.toml')
    .option('--follow', 'print a line per event until the build ends')
    .option('--host <id>', 'host whose worker owns the agents (default: this host)')
    .addHelpText('after', '\nExample:\n  start-build config/builder-adversary.toml --follow')
    .action(async (file: string, opts: { follow?: boolean; host?: string }) => {
      // The config is checked (its size limits too) before anything contacts Temporal.
      const { config, hash } = await loadConfigOrThrow(file);
      await withTemporal(async (t) => {
        const { handle, attached } = await rpc(
          t,
          `start build/${config.name}`,
          () => startBuild(t.client, config, hash, opts.host ?? hostId()),
          START_DEADLINE_MS,
        );
        console.log(`${attached ? 'attached to' : 'started'} build ${handle.workflowId}`);
        if (opts.follow) console.log(describeResult(await followBuild(handle, (l) => console.log(l))));
      });
    });
}

export function registerBuildCommands(program: Command): void {
  registerStartBuild(program);
  program
    .command('up')
    .description('the main job in one command: server (unless TEMPORAL_ADDRESS), worker, build, followed to its end')
    .argument('<config>', 'agents.toml')
    .addOption(
      new Option('--dashboard-port <port>', 'port of the live dashboard (another free one when taken)')
        .argParser(wholeNumber(0, 65535))
        .default(DASHBOARD_PORT),
    )
    .option('--no-dashboard', 'do not serve the live dashboard')
    .addHelpText('after', '\nExample:\n  steward up config/builder-adversary.toml')
    .action(async (file: string, opts: { dashboard: boolean; dashboardPort: number }) => {
      await up(file, (l) => console.log(l), { dashboardPort: opts.dashboard ? opts.dashboardPort : false });
    });
  program
    .command('demo')
    .description(
      'run the demo build in a fresh sandbox: scripted agents, or the real Claude Code against the model stand-in (no account needed either way)',
    )
    .option('--agent <kind>', 'scripted (config/demo.toml) or claude (config/demo-claude.toml)', 'scripted')
    .addHelpText('after', '\nExamples:\n  npm run demo\n  npm run demo:claude            # steward demo --agent claude')
    .action(async (opts: { agent: string }) => {
      if (opts.agent !== 'scripted' && opts.agent !== 'claude')
        throw new UsageError(`--agent must be scripted or claude, not ${opts.agent}`);
      await runDemo((l) => console.log(l), '.steward', opts.agent);
    });
}
