import type { BuildState } from '../../src/core/state/build';
import { observeRequest } from '../../src/core/observe-request';
import { SECOND, SOLO_TOML, stateFor, T0, TEAM_TOML } from './support/build-state';
import { emptyGates } from '../../src/core/state/gates';

const team = (overrides: Partial<BuildState> = {}) => stateFor(TEAM_TOML, { launched: true, ...overrides });
const repoOf = (state: BuildState, now = T0) => observeRequest(state, 10 * SECOND, now).repo;
const transcripts = (sessionId: string) => ({ dir: '/home/op/.claude/projects', sessionIds: [sessionId] });

describe('observeRequest', () => {
  test("a fresh team build: its config file, agents' sessions and transcripts, and the repo at phase p1", () => {
    expect(observeRequest(team(), 10 * SECOND, T0)).toEqual({
      waitMs: 10 * SECOND,
      config: { file: '/srv/steward/team.toml', knownHash: 'hash-0' },
      tokens: {
        ledgerFile: '/srv/steward/.steward/team/token-ledger.json',
        agents: {
          builder: transcripts('sid-builder'),
          adversary: transcripts('sid-adversary'),
          librarian: transcripts('sid-librarian'),
          migrator: transcripts('sid-migrator'),
        },
      },
      agents: {
        builder: 'team-builder',
        adversary: 'team-adversary',
        librarian: 'team-librarian',
        migrator: 'team-migrator',
      },
      services: {},
      repo: {
        dir: '/srv/steward/work',
        sinceSha: null,
        fetch: true,
        statusPath: 'state/STATUS-p1.md',
        doneMarker: '## DONE',
        inboxes: ['state/inbox/builder.md', 'state/inbox/adversary.md'],
      },
    });
  });

  test('services are looked at by their sessions', () => {
    const state = stateFor(`${TEAM_TOML}\n[[service]]\nname = "db"\ncommand = "postgres"\n`);
    expect(observeRequest(state, 0, T0).services).toEqual({ db: 'team-db' });
  });

  test('the repo is read since the last handled sha', () => {
    expect(repoOf(team({ handoff: { lastSha: 'c1c1c1c1', inboxHashes: {} } }))?.sinceSha).toBe('c1c1c1c1');
  });

  test.each([
    [0, 'state/STATUS-p1.md'],
    [2, 'state/final/STATUS.md'],
    [3, null],
  ])("phase index %i: the current phase's status path is %s", (phaseIndex, statusPath) => {
    expect(repoOf(team({ phaseIndex }))?.statusPath).toBe(statusPath);
  });

  test.each([
    [T0 + 19 * SECOND, false],
    [T0 + 20 * SECOND - 1, false],
    [T0 + 20 * SECOND, true],
  ])('fetches back off until retryAt: at %i, fetch is %s', (now, fetch) => {
    expect(repoOf(team({ fetchHealth: { failures: 1, retryAt: T0 + 20 * SECOND } }), now)?.fetch).toBe(fetch);
  });

  test('no [loop]: no repo to look at', () => {
    const request = observeRequest(stateFor(SOLO_TOML), 5 * SECOND, T0);
    expect(request.repo).toBeNull();
    expect(request.agents).toEqual({ worker: 'solo-worker' });
  });

  test.each([
    ['telemetry on (gates kept), running', { gates: emptyGates() }, '^review'],
    ['telemetry off (no gates): nothing reads review files', {}, undefined],
    [
      'paused: the handoff does not run, the same commits come back each tick',
      { gates: emptyGates(), status: 'paused' as const },
      undefined,
    ],
    ['the sequence complete', { gates: emptyGates(), phaseIndex: 3 }, undefined],
  ])('review files are asked for only when the gates will read them: %s', (_, overrides, pattern) => {
    expect(repoOf(team(overrides))?.reviewPattern).toBe(pattern);
  });
});
