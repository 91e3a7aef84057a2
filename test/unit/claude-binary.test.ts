import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claudeCacheDir, claudeVersion, resolveClaudeBinary } from '../../src/client/claude-binary';

async function fakeClaude(dir: string, version: string): Promise<string> {
  const bin = join(dir, 'claude');
  await writeFile(bin, `#!/bin/sh\necho "${version} (Claude Code)"\n`);
  await chmod(bin, 0o755);
  return bin;
}

describe('resolveClaudeBinary', () => {
  it('prefers $STEWARD_CLAUDE_BIN, then PATH unless a version is asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'claude-bin-'));
    const fake = await fakeClaude(dir, '9.9.9');
    expect(await resolveClaudeBinary({ env: { STEWARD_CLAUDE_BIN: fake, PATH: '' } })).toBe(fake);
    expect(await resolveClaudeBinary({ env: { PATH: dir } })).toBe(fake);
    expect(await claudeVersion(fake)).toBe('9.9.9');
  });

  it('finds a cached install that reports the version asked', async () => {
    const home = await mkdtemp(join(tmpdir(), 'claude-cache-'));
    const env = { XDG_CACHE_HOME: home, PATH: process.env.PATH };
    const cache = claudeCacheDir('1.2.3', env);
    expect(cache).toBe(join(home, 'steward', 'claude-code', '1.2.3'));
    await mkdir(join(cache, 'node_modules', '.bin'), { recursive: true });
    const bin = await fakeClaude(join(cache, 'node_modules', '.bin'), '1.2.3');
    expect(await resolveClaudeBinary({ version: '1.2.3', env })).toBe(bin);
  });

  it('rejects a $STEWARD_CLAUDE_BIN that is not executable', async () => {
    await expect(resolveClaudeBinary({ env: { STEWARD_CLAUDE_BIN: '/nonexistent/claude' } })).rejects.toThrow(
      'STEWARD_CLAUDE_BIN=/nonexistent/claude is not an executable file',
    );
  });
});
