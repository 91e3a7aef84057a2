import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claudeConfigFile, isFolderTrusted, prepareClaudeConfigDir } from '../../src/agent/claude-config-dir';

describe('prepareClaudeConfigDir', () => {
  it("skips onboarding, approves the key and trusts exactly the folders given, keeping Claude Code's state", async () => {
    const root = await mkdtemp(join(tmpdir(), 'claude-cfg-'));
    const dir = join(root, 'cfg');
    await mkdir(dir);
    await writeFile(
      claudeConfigFile(dir),
      JSON.stringify({
        numStartups: 3,
        customApiKeyResponses: { approved: ['kept-key-suffix'], rejected: ['rejected-suffix'] },
        projects: { '/old/work': { hasTrustDialogAccepted: true, allowedTools: ['Bash'] } },
      }),
    );
    const result = await prepareClaudeConfigDir({
      dir,
      apiKey: 'sk-ant-api03-standin-0123456789abcdefghij',
      trustedFolders: [join(root, 'work')],
      extra: { theme: 'light' },
    });
    expect(result).toEqual({ configFile: join(dir, '.claude.json'), env: { CLAUDE_CONFIG_DIR: dir } });
    expect(JSON.parse(await readFile(result.configFile, 'utf8'))).toEqual({
      numStartups: 3,
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: ['kept-key-suffix', '0123456789abcdefghij'], rejected: ['rejected-suffix'] },
      projects: {
        '/old/work': { hasTrustDialogAccepted: false, allowedTools: ['Bash'] },
        [join(root, 'work')]: { hasTrustDialogAccepted: true },
      },
      theme: 'light',
    });
  });
});

describe('isFolderTrusted', () => {
  it('follows Claude Code 2.1: a trusted folder covers its subfolders up to a nested repository', async () => {
    const root = await mkdtemp(join(tmpdir(), 'claude-trust-'));
    const work = join(root, 'work');
    await mkdir(join(work, '.git'), { recursive: true });
    await mkdir(join(work, 'src', 'deep'), { recursive: true });
    await mkdir(join(work, 'nested', '.git'), { recursive: true });
    const { configFile } = await prepareClaudeConfigDir({ dir: join(root, 'cfg'), trustedFolders: [work] });
    expect(await isFolderTrusted(configFile, work)).toBe(true);
    expect(await isFolderTrusted(configFile, join(work, 'src', 'deep'))).toBe(true);
    expect(await isFolderTrusted(configFile, join(work, 'nested'))).toBe(false);
    expect(await isFolderTrusted(configFile, root)).toBe(false);
    expect(await isFolderTrusted(join(root, 'missing.json'), work)).toBe(false);
  });
});
