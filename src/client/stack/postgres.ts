import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { postgresMajor, type StackSettings } from '../../core/stack/settings';
import { findExecutable } from '../../host/find-executable';
import { runProgram } from '../../host/run-program';
import { livePid, logTail, spawnDetached, stopProcess, waitFor } from './processes';
import { StackProvisionError } from './server-binaries';

/** The distribution's PostgreSQL: the directory of its programs, and the version `postgres` reports. */
export interface PostgresInstall {
  binDir: string;
  version: string;
}

/**
 * Finds PostgreSQL of `major`: Debian keeps each major's programs in /usr/lib/postgresql/<major>/bin
 * (off PATH); elsewhere, `postgres` on PATH (its real directory, where initdb and pg_isready sit).
 */
export async function findPostgres(major: number, env: NodeJS.ProcessEnv = process.env): Promise<PostgresInstall> {
  const onPath = await findExecutable('postgres', env.PATH ?? '');
  const candidates = [`/usr/lib/postgresql/${major}/bin`, ...(onPath ? [dirname(await realpath(onPath))] : [])];
  const seen: string[] = [];
  for (const binDir of candidates) {
    const r = await runProgram(join(binDir, 'postgres'), ['--version']);
    if (r.code !== 0) continue;
    const version = r.stdout.trim();
    if (postgresMajor(version) === major) return { binDir, version };
    seen.push(`${binDir}: ${version}`);
  }
  throw new StackProvisionError(
    `PostgreSQL ${major} (temporal-stack.env's POSTGRES_VERSION) is not installed` +
      (seen.length ? ` (found ${seen.join('; ')})` : '') +
      `: on Debian, apt-get install postgresql-${major}`,
  );
}

/**
 * Whom PostgreSQL runs as. It refuses to run as root, so when the stack is started by root its
 * programs run through `setpriv` (util-linux: it switches user and group, then execs the program
 * with the argument vector as given — no shell, no login session) as an unprivileged user.
 */
export interface PostgresRunner {
  uid: number;
  gid: number;
  /** The program and arguments that run `program args` as that user. */
  command(program: string, args: readonly string[]): [string, string[]];
}

export async function postgresRunner(osUser: string): Promise<PostgresRunner> {
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) {
    return { uid, gid: process.getgid?.() ?? -1, command: (program, args) => [program, [...args]] };
  }
  const ids = await Promise.all(['-u', '-g'].map((flag) => runProgram('id', [flag, osUser])));
  const [userId, groupId] = ids.map((r) => Number(r.stdout.trim()));
  if (ids.some((r) => r.code !== 0) || !userId || !groupId) {
    throw new StackProvisionError(
      `PostgreSQL refuses to run as root, and the user ${osUser} (temporal-stack.env's STACK_POSTGRES_OS_USER) does not exist: ` +
        `install Debian's postgresql package (it creates it) or name another unprivileged user`,
    );
  }
  const prefix = ['--reuid', String(userId), '--regid', String(groupId), '--init-groups', '--'];
  return { uid: userId, gid: groupId, command: (program, args) => ['setpriv', [...prefix, program, ...args]] };
}

/** PostgreSQL's own directory in the stack's: owned by its user, holding the cluster and its log. */
export interface PostgresPaths {
  root: string;
  data: string;
  log: string;
}

export function postgresPaths(stackRoot: string): PostgresPaths {
  const root = join(stackRoot, 'postgres');
  return { root, data: join(root, 'data'), log: join(root, 'postgres.log') };
}

async function run(runner: PostgresRunner, program: string, args: readonly string[]): Promise<string> {
  const [file, argv] = runner.command(program, args);
  const r = await runProgram(file, argv, { timeoutMs: 5 * 60_000 });
  if (r.code !== 0) throw new StackProvisionError(`${program} ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Makes the cluster on first use, as the postgres image does on an empty volume: POSTGRES_USER as
 * its superuser with POSTGRES_PASSWORD, password (scram-sha-256) authentication. An existing
 * cluster is kept, if it is of the same major version.
 */
export async function initPostgres(
  install: PostgresInstall,
  runner: PostgresRunner,
  paths: PostgresPaths,
  settings: Pick<StackSettings, 'postgresUser' | 'postgresPassword'>,
): Promise<'created' | 'existing'> {
  const existing = await readFile(join(paths.data, 'PG_VERSION'), 'utf8').catch(() => null);
  if (existing !== null) {
    if (postgresMajor(existing) === postgresMajor(install.version)) return 'existing';
    throw new StackProvisionError(
      `${paths.data} holds a PostgreSQL ${existing.trim()} cluster, and ${install.version} cannot open it: ` +
        `upgrade it (pg_upgrade) or move it away`,
    );
  }
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await chown(paths.root, runner.uid, runner.gid);
  // PostgreSQL's user must reach its directory: every directory above it must let others through.
  await run(runner, 'test', ['-w', paths.root]).catch(() => {
    throw new StackProvisionError(
      `PostgreSQL's user cannot write ${paths.root}: a directory above it is closed to others (chmod o+x it, or put the stack elsewhere)`,
    );
  });
  const passwordFile = join(paths.root, 'initdb-password');
  await writeFile(passwordFile, `${settings.postgresPassword}\n`, { mode: 0o600 });
  await chown(passwordFile, runner.uid, runner.gid);
  try {
    await run(runner, join(install.binDir, 'initdb'), [
      '--pgdata',
      paths.data,
      '--username',
      settings.postgresUser,
      '--pwfile',
      passwordFile,
      '--auth',
      'scram-sha-256',
      '--encoding',
      'UTF8',
      '--locale',
      'C.UTF-8',
    ]);
  } finally {
    await rm(passwordFile, { force: true });
  }
  return 'created';
}

/**
 * Starts PostgreSQL on 127.0.0.1:`port` (TCP only: no Unix socket to place or clash), detached,
 * and waits until it accepts connections. A cluster already running is left as it is.
 */
export async function startPostgres(
  install: PostgresInstall,
  runner: PostgresRunner,
  paths: PostgresPaths,
  port: number,
): Promise<'started' | 'running'> {
  const isReady = async () =>
    (await runProgram(join(install.binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-t', '1'])).code ===
    0;
  if (await livePid(join(paths.data, 'postmaster.pid'))) {
    await waitFor(isReady, 60_000, `PostgreSQL on port ${port}`);
    return 'running';
  }
  const [file, args] = runner.command(join(install.binDir, 'postgres'), [
    '-D',
    paths.data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ]);
  const child = spawnDetached(file, args, { env: process.env, cwd: paths.root, logFile: paths.log });
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}`);
        return isReady();
      },
      60_000,
      `PostgreSQL on port ${port}`,
    );
  } catch (err) {
    child.kill('SIGINT');
    throw new StackProvisionError(`${(err as Error).message}\n${await logTail(paths.log)}`);
  }
  return 'started';
}

/** Fast shutdown (SIGINT: open sessions are ended, everything committed is kept). */
export async function stopPostgres(paths: PostgresPaths): Promise<boolean> {
  const pid = existsSync(paths.data) ? await livePid(join(paths.data, 'postmaster.pid')) : null;
  if (pid === null) return false;
  await stopProcess(pid, 'SIGINT', 60_000);
  return true;
}
