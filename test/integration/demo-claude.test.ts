import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Tmux } from '../../src/host/tmux';
import type { StandinRequest } from '../../src/agent/model-standin';
import { steward } from '../helpers/cli';

/**
 * `steward demo --agent claude`, as a newcomer runs it: the real Claude Code TUI for the builder and
 * the adversary, the model stand-in for the model, the whole build supervised to completion.
 */
describe('steward demo --agent claude', () => {
  let dir: string;
  const socket = `steward-demo-claude-${randomBytes(3).toString('hex')}`;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-demo-claude-'));
  });
  afterEach(async () => {
    await new Tmux(socket).killServer();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('runs both phases on the real CLI and leaves the stand-in log of every turn', async () => {
    const run = await steward(['demo', '--agent', 'claude'], {
      cwd: dir,
      env: { STEWARD_TMUX_SOCKET: socket },
      timeoutMs: 300_000,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/model stand-in: http:\/\/127\.0\.0\.1:\d+/);
    // `up` serves the live dashboard while the build runs, and says where.
    expect(run.stdout).toMatch(/dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stdout).toMatch(/build demo-claude completed: 2 phase\(s\) \[p1 [\d.]+s, p2 [\d.]+s\]/);

    const log = (await readFile(join(dir, '.steward', 'demo-claude-sandbox', 'model-standin.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StandinRequest);
    const roles = new Set(log.filter((r) => r.main).map((r) => r.cwd?.split('/').pop()));
    expect([...roles].sort()).toEqual(['adversary', 'builder']);
    // The agents' sessions are closed at the end.
    expect(await new Tmux(socket).listSessions()).toEqual([]);
  });
});
