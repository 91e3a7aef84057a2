import { join } from 'node:path';
import { schemaSteps, TEMPORAL_DATABASES, versionedSchemaDir } from '../../core/stack/schema-steps';
import type { StackSettings } from '../../core/stack/settings';
import { runProgram } from '../../host/run-program';
import type { TemporalServerParts } from './server-binaries';
import { StackProvisionError } from './server-binaries';

/**
 * Creates Temporal's two databases on first start and applies schema upgrades on every start,
 * with the server version's own temporal-sql-tool and schema files, in the order of
 * docker-compose.temporal.yml's `temporal-schema` step (see schemaSteps).
 */
export async function applyTemporalSchema(
  parts: TemporalServerParts,
  settings: StackSettings,
  report: (line: string) => void,
): Promise<void> {
  const tool = (args: string[]) =>
    runProgram(parts.sqlTool, args, {
      env: { PATH: process.env.PATH, SQL_PASSWORD: settings.postgresPassword },
      timeoutMs: 5 * 60_000,
    });
  const endpoint = { host: '127.0.0.1', port: settings.ports.postgres };
  for (const { database, schema } of TEMPORAL_DATABASES) {
    const dir = versionedSchemaDir(join(parts.moduleDir, 'schema'), schema);
    const steps = schemaSteps(settings, endpoint, database, dir);
    if ((await tool(steps.update)).code === 0) {
      report(`database ${database}: schema up to date`);
      continue;
    }
    report(`database ${database}: not set up yet, creating it`);
    if ((await tool(steps.create)).code !== 0) report(`database ${database} exists already`);
    for (const step of [steps.setup, steps.update]) {
      const r = await tool(step);
      if (r.code !== 0) {
        throw new StackProvisionError(
          `temporal-sql-tool ${step.join(' ')} failed: ${r.stderr.trim() || r.stdout.trim()}`,
        );
      }
    }
  }
}
