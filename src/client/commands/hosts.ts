import type { Command } from 'commander';
import { hostRows, hostsToDescribe, type RunningBuild } from '../../core/hosts-view';
import type { PollerFacts } from '../../core/doctor';
import { activityQueueFor } from '../../core/host-queue';
import { buildConfig, openBuild, rpc, startInput, withTemporal } from '../build-handle';
import { examples, outputOf } from '../cli-output';
import { queuePollers } from '../doctor/temporal-probe';
import { renderHosts } from '../render/hosts';
import { buildNameOfWorkflowId } from '../render/status';
import { listQuery } from './operate';

/** `steward hosts`: the hosts the running builds use, the workers polling each, what each carries. */
export function registerHostsCommand(program: Command): void {
  program
    .command('hosts')
    .description("the running builds' hosts: the workers polling each host's queue, and the agents each carries")
    .option('--json', 'print JSON')
    .addHelpText('after', examples('steward hosts', 'steward hosts --json'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const out = outputOf(command);
      const rows = await withTemporal(async (t) => {
        const builds: RunningBuild[] = [];
        const listed = await rpc(t, 'list builds', async () => {
          const ids: string[] = [];
          for await (const w of t.client.workflow.list({ query: listQuery(true), pageSize: 100 }))
            ids.push(w.workflowId);
          return ids;
        });
        for (const workflowId of listed) {
          const b = await openBuild(t, workflowId);
          const [config, input] = await Promise.all([buildConfig(b), startInput(b).catch(() => null)]);
          if (config && input) builds.push({ build: buildNameOfWorkflowId(workflowId), hostId: input.hostId, config });
        }
        const workers: Record<string, PollerFacts[] | null> = {};
        for (const host of hostsToDescribe(builds)) {
          workers[host] = await queuePollers(
            t.connection,
            t.settings.namespace,
            activityQueueFor(host),
            'activity',
            Date.now,
          ).catch(() => null);
        }
        return hostRows(builds, workers);
      });
      if (opts.json) out.json(rows);
      else out.lines(renderHosts(rows));
    });
}
