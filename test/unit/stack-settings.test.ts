/**
 * One set of versions and settings for the production stack: temporal-stack.env, which
 * `npm run stack:up` reads, and the values docker-compose.temporal.yml pins. These tests fail when
 * the two drift apart, and check that the stack runs the compose file's steps the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStackSettings, STACK_SETTINGS_FILE } from '../../src/client/stack/stack';
import { schemaSteps, TEMPORAL_DATABASES, versionedSchemaDir } from '../../src/core/stack/schema-steps';
import { temporalServerEnvironment } from '../../src/core/stack/server-environment';
import { parseEnvFile, postgresMajor, stackSettingsFrom } from '../../src/core/stack/settings';
import { block, keys, ROOT, scalar, script, service } from './support/compose-file';

const settings = readStackSettings();
const image = (name: string): string => scalar(service(name), 'image', 4) ?? '';
const environment = (name: string): string[] => block(service(name), 'environment', 4);
/** The default of a `${VAR:-default}` interpolation (what Compose uses when the operator sets nothing). */
const interpolationDefault = (value: string | undefined): string | undefined =>
  /^\$\{\w+:-(.*)\}$/.exec(value ?? '')?.[1];

describe('temporal-stack.env', () => {
  it('is the file the stack reads, in the repository root', () => {
    expect(STACK_SETTINGS_FILE).toBe(join(ROOT, 'temporal-stack.env'));
  });

  it('reads KEY=VALUE lines only, and names what is wrong', () => {
    expect(parseEnvFile('# a comment\n\nA=1\nB_2=x.y-z\n')).toEqual({ A: '1', B_2: 'x.y-z' });
    expect(() => parseEnvFile('A="1"')).toThrow(/line 1: expected KEY=VALUE/);
    expect(() => parseEnvFile('A=$HOME')).toThrow(/line 1/);
    expect(() => parseEnvFile('A=1 # why')).toThrow(/line 1/);
    expect(() => parseEnvFile('A=1\nA=2')).toThrow(/line 2: A is set twice/);
    const vars = parseEnvFile(readFileSync(STACK_SETTINGS_FILE, 'utf8'));
    expect(() => stackSettingsFrom({ ...vars, TEMPORAL_SERVER_VERSION: 'latest' })).toThrow(
      /TEMPORAL_SERVER_VERSION: a version/,
    );
    expect(() => stackSettingsFrom({ ...vars, STACK_HISTORY_GRPC_PORT: vars.STACK_FRONTEND_GRPC_PORT ?? '' })).toThrow(
      /two STACK_\*_PORT values are equal/,
    );
  });

  it('keeps the stack off the ports of a dev server and of a system PostgreSQL', () => {
    const ports = Object.values(settings.ports);
    for (const taken of [7233, 7234, 8233, 5432]) expect(ports).not.toContain(taken);
  });

  it('reads the major version from a version or from `postgres --version`', () => {
    expect(postgresMajor(settings.postgresVersion)).toBe(15);
    expect(postgresMajor('postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)')).toBe(15);
    expect(postgresMajor('16.9')).toBe(16);
    expect(postgresMajor('no digits')).toBeNull();
  });
});

describe('docker-compose.temporal.yml pins what temporal-stack.env says', () => {
  it('the images: server and admin-tools, Web UI, PostgreSQL', () => {
    expect(image('temporal')).toBe(`temporalio/server:${settings.temporalServerVersion}`);
    expect(image('temporal-schema')).toBe(`temporalio/admin-tools:${settings.temporalServerVersion}`);
    expect(image('temporal-setup')).toBe(`temporalio/admin-tools:${settings.temporalServerVersion}`);
    expect(image('temporal-ui')).toBe(`temporalio/ui:${settings.temporalUiVersion}`);
    expect(image('postgresql')).toBe(`postgres:${settings.postgresVersion}`);
  });

  it('the database user and password, the plugin, the namespace and its retention', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal']) {
      expect(scalar(environment(name), 'POSTGRES_USER', 6)).toBe(settings.postgresUser);
    }
    expect(interpolationDefault(scalar(environment('postgresql'), 'POSTGRES_PASSWORD', 6))).toBe(
      settings.postgresPassword,
    );
    expect(interpolationDefault(scalar(environment('temporal-schema'), 'SQL_PASSWORD', 6))).toBe(
      settings.postgresPassword,
    );
    expect(interpolationDefault(scalar(environment('temporal'), 'POSTGRES_PWD', 6))).toBe(settings.postgresPassword);
    expect(scalar(environment('temporal'), 'DB', 6)).toBe(settings.dbPlugin);
    expect(interpolationDefault(scalar(environment('temporal-setup'), 'TEMPORAL_NAMESPACE', 6))).toBe(
      settings.namespace,
    );
    expect(interpolationDefault(scalar(environment('temporal-ui'), 'TEMPORAL_DEFAULT_NAMESPACE', 6))).toBe(
      settings.namespace,
    );
    expect(script('temporal-setup').shell).toContain(`--retention ${settings.namespaceRetention} `);
  });

  it('.ci/run installs the PostgreSQL major version this file names', () => {
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain("sed -n 's/^POSTGRES_VERSION=");
    expect(ci).toContain('"postgresql-$pg_major"');
    expect(ci).toContain('/usr/lib/postgresql/$pg_major/bin/postgres');
  });
});

describe('the stack runs the compose file’s steps', () => {
  it('the server gets every variable the compose service sets, the same where the network does not differ', () => {
    const composeEnv = environment('temporal');
    const stackEnv = temporalServerEnvironment(settings, '/server/config/dynamicconfig/docker.yaml');
    expect(Object.keys(stackEnv)).toEqual(expect.arrayContaining(keys(composeEnv, 6)));
    expect(stackEnv).toMatchObject({
      DB: scalar(composeEnv, 'DB', 6),
      POSTGRES_USER: scalar(composeEnv, 'POSTGRES_USER', 6),
      POSTGRES_PWD: interpolationDefault(scalar(composeEnv, 'POSTGRES_PWD', 6)),
      FRONTEND_GRPC_PORT: String(settings.ports.frontendGrpc),
      DB_PORT: String(settings.ports.postgres),
    });
    // Compose's path is relative to the image's /etc/temporal; the stack's is the module's config/.
    expect(stackEnv.DYNAMIC_CONFIG_FILE_PATH).toMatch(
      new RegExp(`/${scalar(composeEnv, 'DYNAMIC_CONFIG_FILE_PATH', 6)}$`),
    );
  });

  it('the schema: the same databases, temporal-sql-tool arguments and order as the temporal-schema step', () => {
    // The step's shell with quotes dropped and its `tool` function expanded: one command per line.
    const shell = script('temporal-schema').shell.replace(/"/g, '');
    const toolBody = /tool\(\) \{ (temporal-sql-tool .*) \$@; \}/.exec(shell)?.[1];
    expect(toolBody).toBeDefined();
    const commands = shell.split('\n').map((l) => l.trim().replace(/\btool /, `${toolBody} `));

    const steps = schemaSteps(
      { dbPlugin: settings.dbPlugin, postgresUser: '$POSTGRES_USER' },
      { host: 'postgresql', port: 5432 },
      '$1',
      '$dir',
    );
    const at = (args: string[]) => commands.findIndex((c) => c.includes(`temporal-sql-tool ${args.join(' ')}`));
    const order = [steps.update, steps.create, steps.setup].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(commands.filter((c) => c.includes(`temporal-sql-tool ${steps.update.join(' ')}`))).toHaveLength(2);

    expect(shell).toContain(`dir=${versionedSchemaDir('/etc/temporal/schema', '$2')}`);
    const setups = commands.filter((c) => c.startsWith('setup ')).map((c) => c.split(' ').slice(1));
    expect(setups).toEqual(TEMPORAL_DATABASES.map((d) => [d.database, d.schema]));
  });
});
