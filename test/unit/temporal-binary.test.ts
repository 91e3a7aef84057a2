import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalBinary, TemporalBinaryError } from '../../src/client/temporal-binary';
import globalSetup from '../helpers/global-setup';

describe('resolveTemporalBinary', () => {
  it('prefers $TEMPORAL_CLI, then PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'steward-bin-'));
    const fake = join(dir, 'temporal');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    expect(await resolveTemporalBinary(undefined, { TEMPORAL_CLI: fake, PATH: '' })).toBe(fake);
    expect(await resolveTemporalBinary(undefined, { PATH: dir })).toBe(fake);
  });

  it('names every route when none works', async () => {
    const attempt = resolveTemporalBinary(undefined, { PATH: '/nonexistent' });
    await expect(attempt).rejects.toBeInstanceOf(TemporalBinaryError);
    await expect(attempt).rejects.toThrow(
      /Go is not installed.*TEMPORAL_CLI.*go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1.*TEMPORAL_ADDRESS.*docker-compose\.temporal\.yml/,
    );
  });

  it('rejects a $TEMPORAL_CLI that is not executable', async () => {
    await expect(resolveTemporalBinary(undefined, { TEMPORAL_CLI: '/nonexistent/temporal' })).rejects.toThrow(
      'TEMPORAL_CLI=/nonexistent/temporal is not an executable file',
    );
  });
});

describe('integration global setup', () => {
  it('fails the run, never skips, when no server can be provisioned', async () => {
    const saved = process.env.TEMPORAL_CLI;
    process.env.TEMPORAL_CLI = '/nonexistent/temporal';
    try {
      await expect(globalSetup()).rejects.toThrow(/TEMPORAL_CLI/);
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_CLI;
      else process.env.TEMPORAL_CLI = saved;
    }
  });
});
