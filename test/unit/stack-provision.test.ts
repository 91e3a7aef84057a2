import { findPostgres, postgresRunner } from '../../src/client/stack/postgres';
import { provisionTemporalServer, StackProvisionError } from '../../src/client/stack/server-binaries';

describe('provisioning the production stack', () => {
  it('says Go is needed when it is not installed', async () => {
    await expect(provisionTemporalServer('1.31.0', () => {}, { PATH: '/nonexistent' })).rejects.toThrow(
      new StackProvisionError('Go is not installed: it builds go.temporal.io/server@v1.31.0'),
    );
  });

  it('names the Debian package of a PostgreSQL major version that is not installed', async () => {
    await expect(findPostgres(99, { PATH: '/nonexistent' })).rejects.toThrow(
      /PostgreSQL 99 \(temporal-stack\.env's POSTGRES_VERSION\) is not installed: on Debian, apt-get install postgresql-99$/,
    );
  });

  it('runs PostgreSQL as an unprivileged user through setpriv when root, with the argument vector as given', async () => {
    const isRoot = process.getuid?.() === 0;
    const runner = await postgresRunner(isRoot ? 'postgres' : 'ignored-when-not-root');
    const [file, args] = runner.command('/usr/lib/postgresql/15/bin/postgres', ['-c', 'listen_addresses=127.0.0.1']);
    if (!isRoot) {
      expect([file, args]).toEqual(['/usr/lib/postgresql/15/bin/postgres', ['-c', 'listen_addresses=127.0.0.1']]);
      return;
    }
    expect(runner.uid).toBeGreaterThan(0);
    expect(file).toBe('setpriv');
    expect(args).toEqual([
      '--reuid',
      String(runner.uid),
      '--regid',
      String(runner.gid),
      '--init-groups',
      '--',
      '/usr/lib/postgresql/15/bin/postgres',
      '-c',
      'listen_addresses=127.0.0.1',
    ]);
  });

  it('refuses, as root, a user that does not exist', async () => {
    if (process.getuid?.() !== 0) return;
    await expect(postgresRunner('no-such-user-here')).rejects.toThrow(
      /PostgreSQL refuses to run as root, and the user no-such-user-here/,
    );
  });
});
