import type { StackSettings } from './settings';

/**
 * The Temporal server's environment: `temporal-server start` with no config flag renders the
 * server's embedded config template from these variables, exactly as the temporalio/server image
 * does with the `environment:` of docker-compose.temporal.yml's `temporal` service. The stack
 * passes the same keys, with PostgreSQL on 127.0.0.1 and every service on its own port from
 * temporal-stack.env instead of the standard ones.
 */
export function temporalServerEnvironment(settings: StackSettings, dynamicConfigFile: string): Record<string, string> {
  const { ports } = settings;
  return {
    DB: settings.dbPlugin,
    DB_PORT: String(ports.postgres),
    POSTGRES_USER: settings.postgresUser,
    POSTGRES_PWD: settings.postgresPassword,
    POSTGRES_SEEDS: '127.0.0.1',
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: dynamicConfigFile,
    FRONTEND_GRPC_PORT: String(ports.frontendGrpc),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    HISTORY_GRPC_PORT: String(ports.historyGrpc),
    HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    MATCHING_GRPC_PORT: String(ports.matchingGrpc),
    MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    WORKER_GRPC_PORT: String(ports.workerGrpc),
    WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
  };
}
