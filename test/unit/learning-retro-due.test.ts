import { retroDue, retroDueAtEnd, retroRequest } from '../../src/core/learning/retro-due';
import { learningOf } from '../../src/core/config/learning';
import { operatorDecision } from '../../src/core/operator';
import { phaseAdvanceDecision } from '../../src/core/phase-advance';
import { CONFIG_DIR, MINUTE, stateFor, T0, TEAM_TOML } from './support/build-state';

const at = (min: number) => T0 + min * MINUTE;

describe('retroDue, retroDueAtEnd, retroRequest, retroDirOf', () => {
  const state = stateFor(TEAM_TOML, { launched: true, phaseStartedAt: T0 });

  test('due after a turn: each phase that completed in it; none when none did', () => {
    const done = phaseAdvanceDecision(state, true, at(30)).state;
    expect(retroDue(state, done)).toEqual([{ phase: 'p1' }]);
    expect(retroDue(done, done)).toEqual([]);
    const twice = operatorDecision(done, { type: 'advance' }, at(31), 'unused').state;
    expect(retroDue(state, twice)).toEqual([{ phase: 'p1' }, { phase: 'p2' }]);
  });

  test('due at the end: all of them, unless the host is lost', () => {
    expect(retroDueAtEnd({ ...state, status: 'stopped' })).toEqual(['all-ended']);
    expect(retroDueAtEnd({ ...state, status: 'stopped', hostLost: true })).toEqual([]);
  });

  test('the request: the state dir, the store beside the config file, the build and its start', () => {
    expect(retroRequest({ ...state, configHash: 'abc' }, 'all-ended', at(99))).toEqual({
      stateDir: state.config.state_dir,
      retroDir: `${CONFIG_DIR}/.steward/retro`,
      startedAt: T0,
      build: 'team',
      configHash: 'abc',
      which: 'all-ended',
      now: at(99),
    });
  });

  test('learningOf(config).retro_dir: [learning] retro_dir when set, else .steward/retro beside the config file', () => {
    expect(learningOf(state.config).retro_dir).toBe(`${CONFIG_DIR}/.steward/retro`);
    expect(learningOf({ ...state.config, source: '/agents.toml' }).retro_dir).toBe('/.steward/retro');
    const configured = { ...state.config, learning: { retro_dir: '/var/retro' } } as typeof state.config;
    expect(learningOf(configured).retro_dir).toBe('/var/retro');
  });
});
