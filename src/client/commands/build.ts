import { Command } from 'commander';
import { connect } from '../connection';
import { startBuild } from '../start-build';
import { describeResult, followBuild } from '../follow';
import { loadConfigOrThrow } from '../load-or-exit';
import { up } from '../up';
import { runDemo } from '../demo';
import { hostId } from '../../workers/host-id';

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
      const { config, hash } = await loadConfigOrThrow(file);
      const { client, connection } = await connect();
      try {
        const { handle, attached } = await startBuild(client, config, hash, opts.host ?? hostId());
        console.log(`${attached ? 'attached to' : 'started'} build ${handle.workflowId}`);
        if (opts.follow) console.log(describeResult(await followBuild(handle, (l) => console.log(l))));
      } finally {
        await connection.close();
      }
    });
}

export function registerBuildCommands(program: Command): void {
  registerStartBuild(program);
  program
    .command('up')
    .description('the main job in one command: server (unless TEMPORAL_ADDRESS), worker, build, followed to its end')
    .argument('<config>', 'agents.toml')
    .addHelpText('after', '\nExample:\n  steward up config/builder-adversary.toml')
    .action(async (file: string) => {
      await up(file, (l) => console.log(l));
    });
  program
    .command('demo')
    .description('run config/demo.toml (scripted agents, no account needed) in a fresh sandbox')
    .addHelpText('after', '\nExample:\n  npm run demo')
    .action(async () => {
      await runDemo((l) => console.log(l));
    });
}
