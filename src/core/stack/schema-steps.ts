import type { StackSettings } from './settings';

/** Temporal's two databases and the schema directory each is set up from (schema/postgresql/v12/<schema>). */
export const TEMPORAL_DATABASES = [
  { database: 'temporal', schema: 'temporal' },
  { database: 'temporal_visibility', schema: 'visibility' },
] as const;

/**
 * temporal-sql-tool's arguments for one database, as docker-compose.temporal.yml's
 * `temporal-schema` step runs them (`tool()` and `setup()` there): `update` first; when it fails
 * the database is new, so `create` (allowed to fail: it may exist already), `setup` from version
 * 0.0, then `update` again. The password goes in SQL_PASSWORD, as there.
 */
export interface SchemaSteps {
  update: string[];
  create: string[];
  setup: string[];
}

export function schemaSteps(
  settings: Pick<StackSettings, 'dbPlugin' | 'postgresUser'>,
  endpoint: { host: string; port: number },
  database: string,
  versionedDir: string,
): SchemaSteps {
  const tool = [
    '--plugin',
    settings.dbPlugin,
    '--ep',
    endpoint.host,
    '-p',
    String(endpoint.port),
    '-u',
    settings.postgresUser,
    '--db',
    database,
  ];
  return {
    update: [...tool, 'update-schema', '-d', versionedDir],
    create: [...tool, 'create'],
    setup: [...tool, 'setup-schema', '-v', '0.0'],
  };
}

/** Where a database's versioned schema lives under the server module (the image's /etc/temporal/schema). */
export function versionedSchemaDir(schemaRoot: string, schema: string): string {
  return `${schemaRoot}/postgresql/v12/${schema}/versioned`;
}
