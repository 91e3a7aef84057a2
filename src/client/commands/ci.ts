/**
 * `steward ci pushed --build B [--sha SHA]`: run by a CI job after a push to the work repo, so
 * the build checks handoffs and phase status at once instead of at its next poll.
 */
import type { Command } from 'commander';
import { pushedSignal } from '../../workflows/definitions';
import { openBuild, parseBuildRef, sendSignal, withTemporal } from '../build-handle';
import { examples, outputOf } from '../cli-output';
import { UsageError } from '../load-or-exit';

const SHA = /^[0-9a-fA-F]{4,64}$/;

export function registerCiCommands(program: Command): void {
  const ci = program.command('ci').description('commands for CI jobs');
  ci.command('pushed')
    .description("tell a build that a push landed on its work repo (the workflow's `pushed` signal)")
    .option('--build <name>', 'build name (default: $STEWARD_BUILD)')
    .option('--sha <sha>', 'the pushed commit (hex), for the event log')
    .option('--ignore-missing', 'exit 0 when no such build is running (a push while no build runs is not an error)')
    .addHelpText(
      'after',
      examples(
        'steward ci pushed --build demo --sha "$GITHUB_SHA"',
        'TEMPORAL_ADDRESS=temporal.internal:7233 STEWARD_BUILD=demo steward ci pushed --ignore-missing',
      ),
    )
    .action(async (opts: { build?: string; sha?: string; ignoreMissing?: boolean }, command: Command) => {
      const out = outputOf(command);
      const build = opts.build ?? process.env.STEWARD_BUILD ?? '';
      if (build === '') throw new UsageError('no build: pass --build B or set STEWARD_BUILD');
      parseBuildRef(build);
      if (opts.sha !== undefined && !SHA.test(opts.sha))
        throw new UsageError(`--sha ${JSON.stringify(opts.sha)} is not a commit sha (4-64 hex digits)`);
      await withTemporal(async (t) => {
        let b;
        try {
          b = await openBuild(t, build, { running: true });
        } catch (err) {
          if (opts.ignoreMissing && err instanceof UsageError) {
            out.out(`no running build ${build}: nothing to signal (${err.message})`);
            return;
          }
          throw err;
        }
        await sendSignal(b, pushedSignal, opts.sha !== undefined ? [opts.sha] : []);
        out.out(`pushed signal sent to ${b.workflowId}${opts.sha ? ` (sha ${opts.sha})` : ''}`);
      });
    });
}
