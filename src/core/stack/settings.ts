/**
 * The Temporal production stack's versions and settings, as temporal-stack.env writes them: the
 * one set that docker-compose.temporal.yml pins and `npm run stack:up` runs.
 */
import { z } from 'zod';

/** Every port the stack listens on (127.0.0.1): PostgreSQL and the Temporal server's services. */
export interface StackPorts {
  postgres: number;
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  historyGrpc: number;
  historyMembership: number;
  matchingGrpc: number;
  matchingMembership: number;
  workerGrpc: number;
  workerMembership: number;
}

export interface StackSettings {
  /** The temporalio/server and admin-tools tag, and the go.temporal.io/server module's version. */
  temporalServerVersion: string;
  temporalUiVersion: string;
  /** The postgres image's tag; the stack runs the distribution's package of its major version. */
  postgresVersion: string;
  postgresUser: string;
  postgresPassword: string;
  /** Temporal's SQL plugin: the server's DB and temporal-sql-tool's --plugin. */
  dbPlugin: string;
  namespace: string;
  /** As `temporal operator namespace create --retention` takes it, e.g. `30d`. */
  namespaceRetention: string;
  ports: StackPorts;
  /** Whom PostgreSQL runs as when the stack is started by root. */
  postgresOsUser: string;
}

const version = z.string().regex(/^\d+(\.\d+)+$/, 'a version such as 1.31.0');
const word = z.string().regex(/^[\w.-]+$/, 'letters, digits, `_`, `.` or `-`');
const port = z.coerce.number().int().min(1024).max(65535);
/** Temporal records each service's membership port in cluster_membership.rpc_port, a PostgreSQL SMALLINT. */
const membershipPort = z.coerce.number().int().min(1024).max(32767);

/** The file's keys, each checked; a missing or malformed one is named in the error. */
const fileSchema = z.object({
  TEMPORAL_SERVER_VERSION: version,
  TEMPORAL_UI_VERSION: version,
  POSTGRES_VERSION: version,
  POSTGRES_USER: word,
  POSTGRES_PASSWORD: z.string().min(1),
  DB: word,
  TEMPORAL_NAMESPACE: word,
  TEMPORAL_NAMESPACE_RETENTION: z.string().regex(/^\d+d$/, 'whole days, e.g. 30d'),
  STACK_POSTGRES_PORT: port,
  STACK_FRONTEND_GRPC_PORT: port,
  STACK_FRONTEND_HTTP_PORT: port,
  STACK_FRONTEND_MEMBERSHIP_PORT: membershipPort,
  STACK_HISTORY_GRPC_PORT: port,
  STACK_HISTORY_MEMBERSHIP_PORT: membershipPort,
  STACK_MATCHING_GRPC_PORT: port,
  STACK_MATCHING_MEMBERSHIP_PORT: membershipPort,
  STACK_WORKER_GRPC_PORT: port,
  STACK_WORKER_MEMBERSHIP_PORT: membershipPort,
  STACK_POSTGRES_OS_USER: word,
});

/**
 * `KEY=VALUE` lines, `#` comments and blank lines: the subset that both Compose's env files and a
 * POSIX shell read the same way. Anything else is refused, so the file cannot mean two things.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=([^\s"'$`#\\]*)$/.exec(line);
    if (!match) throw new Error(`line ${i + 1}: expected KEY=VALUE (no quotes, spaces or $): ${line}`);
    const [, key, value] = match as unknown as [string, string, string];
    if (key in vars) throw new Error(`line ${i + 1}: ${key} is set twice`);
    vars[key] = value;
  });
  return vars;
}

export function stackSettingsFrom(vars: Record<string, string>): StackSettings {
  const parsed = fileSchema.safeParse(vars);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`temporal-stack.env: ${issues.join('; ')}`);
  }
  const v = parsed.data;
  const settings: StackSettings = {
    temporalServerVersion: v.TEMPORAL_SERVER_VERSION,
    temporalUiVersion: v.TEMPORAL_UI_VERSION,
    postgresVersion: v.POSTGRES_VERSION,
    postgresUser: v.POSTGRES_USER,
    postgresPassword: v.POSTGRES_PASSWORD,
    dbPlugin: v.DB,
    namespace: v.TEMPORAL_NAMESPACE,
    namespaceRetention: v.TEMPORAL_NAMESPACE_RETENTION,
    ports: {
      postgres: v.STACK_POSTGRES_PORT,
      frontendGrpc: v.STACK_FRONTEND_GRPC_PORT,
      frontendHttp: v.STACK_FRONTEND_HTTP_PORT,
      frontendMembership: v.STACK_FRONTEND_MEMBERSHIP_PORT,
      historyGrpc: v.STACK_HISTORY_GRPC_PORT,
      historyMembership: v.STACK_HISTORY_MEMBERSHIP_PORT,
      matchingGrpc: v.STACK_MATCHING_GRPC_PORT,
      matchingMembership: v.STACK_MATCHING_MEMBERSHIP_PORT,
      workerGrpc: v.STACK_WORKER_GRPC_PORT,
      workerMembership: v.STACK_WORKER_MEMBERSHIP_PORT,
    },
    postgresOsUser: v.STACK_POSTGRES_OS_USER,
  };
  const ports = Object.values(settings.ports);
  if (new Set(ports).size !== ports.length) throw new Error('temporal-stack.env: two STACK_*_PORT values are equal');
  return settings;
}

/** The major version of `15.18`, or of what `postgres --version` prints (`postgres (PostgreSQL) 15.18 (Debian …)`). */
export function postgresMajor(versionText: string): number | null {
  const match = /(?:^|\s)(\d+)(?:\.\d+)*(?:\s|$)/.exec(versionText.trim());
  return match ? Number(match[1]) : null;
}

/** The frontend's address on this machine: what workers and the CLI take as TEMPORAL_ADDRESS. */
export function stackAddress(settings: Pick<StackSettings, 'ports'>): string {
  return `127.0.0.1:${settings.ports.frontendGrpc}`;
}
