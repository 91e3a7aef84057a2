/**
 * An activity worker for one host that SIGKILLs itself right after a chosen activity has done its
 * work and before Temporal hears that it completed: the worst moment for a crash, when the effect
 * (a typed ping, a rebooted agent, a written token record) is real but its activity will be
 * retried. Run as its own process: `node -r ./bench/ts-register.cjs test/helpers/crashing-worker.ts`
 * with STEWARD_CRASH_AFTER='[{"activity":"sendToAgent","argsInclude":"claim(p1-gate)"}, …]': it dies
 * after the first activity matching any target, having written that target's index to
 * STEWARD_CRASH_REPORT.
 */
import { writeFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  DefaultLogger,
  NativeConnection,
  Next,
  Runtime,
  Worker,
} from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { Tmux } from '../../src/host/tmux';
import { STEWARD_BIN_DIR } from '../../src/workers/worker';
import { activityQueueFor } from '../../src/workflows/definitions';

export interface CrashTarget {
  activity: string;
  /** Text the activity's JSON arguments must contain. */
  argsInclude?: string;
}

class CrashAfter implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly targets: CrashTarget[],
    private readonly report: string,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const result = await next(input);
    const { activityType } = Context.current().info;
    const args = JSON.stringify(input.args);
    const hit = this.targets.findIndex((t) => t.activity === activityType && args.includes(t.argsInclude ?? ''));
    if (hit >= 0) {
      writeFileSync(this.report, String(hit));
      process.kill(process.pid, 'SIGKILL');
    }
    return result;
  }
}

async function main(): Promise<void> {
  const targets = JSON.parse(process.env.STEWARD_CRASH_AFTER ?? '[]') as CrashTarget[];
  const report = process.env.STEWARD_CRASH_REPORT;
  if (!targets.length || !report) throw new Error('STEWARD_CRASH_AFTER and STEWARD_CRASH_REPORT must be set');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: activityQueueFor(process.env.STEWARD_HOST_ID ?? ''),
    activities: createActivities({ tmux: new Tmux(process.env.STEWARD_TMUX_SOCKET), binDir: STEWARD_BIN_DIR }),
    interceptors: { activity: [() => ({ inbound: new CrashAfter(targets, report) })] },
  });
  await worker.run();
}

void main().catch((err: Error) => {
  process.stderr.write(`crashing-worker: ${err.stack ?? err.message}\n`);
  process.exit(2);
});
