import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { effectCall, effectOutcomes } from '../../src/core/effects';
import { initialLaunchDecision } from '../../src/core/launch-decision';
import { lessonsRequestFor, type LessonsRequest } from '../../src/core/learning/injection';
import { LESSONS_INTRO, renderLessonsToml } from '../../src/core/learning/lessons';
import { phaseAdvanceDecision } from '../../src/core/phase-advance';
import type { PlannedAction } from '../../src/core/state/actions';
import type { Tmux } from '../../src/host/tmux';
import { composeWithLessons } from '../../src/activities/lessons';
import { deliverOnce } from '../../src/activities/pane-delivery';
import { CONFIG_DIR, stateFor, T0, TEAM_TOML } from './support/build-state';
import { lesson } from './support/lessons';

const INJECT = `${TEAM_TOML}\n[learning]\ninject = true\ntop_k = 2\nhalf_life = "10d"\n`;
const NOW = T0 + 1000;

describe('which effects carry lessons (the workflow decides; the activity reads the file)', () => {
  it('none unless [learning] inject = true', () => {
    for (const toml of [TEAM_TOML, `${TEAM_TOML}\n[learning]\ntop_k = 2\n`]) {
      const state = stateFor(toml);
      expect(initialLaunchDecision(state).map((p) => lessonsRequestFor(state, p, NOW))).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  it("every launch's first prompt, for the current phase, ranked with the workflow's clock", () => {
    const state = stateFor(INJECT);
    const requests = initialLaunchDecision(state).map((p) => lessonsRequestFor(state, p, NOW));
    const expected = (agent: string): LessonsRequest => ({
      file: `${CONFIG_DIR}/.steward/lessons.toml`,
      agent,
      phase: 'p1',
      topK: 2,
      halfLifeMs: 10 * 86_400_000,
      now: NOW,
    });
    expect(requests).toEqual(['builder', 'adversary', 'librarian', 'migrator'].map(expected));
    // A launch with nothing to type (no kickoff at all) carries nothing either.
    const silent: PlannedAction = {
      action: { type: 'launch', agent: 'builder', fresh: true, prompt: '  ' },
      event: { type: 'agent_healed', agent: 'builder', message: 'healed' },
    };
    expect(lessonsRequestFor(state, silent, NOW)).toBeUndefined();
  });

  it('the phase kickoff pings of the next phase; no handoff ping, nudge, wake or service', () => {
    const state = { ...stateFor(INJECT), launched: true };
    const advanced = phaseAdvanceDecision(state, true, NOW);
    const kickoffs = advanced.actions.map((p) => lessonsRequestFor(advanced.state, p, NOW));
    expect(kickoffs.map((r) => r && [r.agent, r.phase])).toEqual([
      ['builder', 'p2'],
      ['adversary', 'p2'],
    ]);
    const others: PlannedAction[] = [
      {
        action: { type: 'send', agent: 'adversary', text: 'claim claim(p1-gate)' },
        event: { type: 'ping_sent', agent: 'adversary', message: 'claim claim(p1-gate)' },
      },
      {
        action: { type: 'send', agent: 'builder', text: 'Done yet?' },
        event: { type: 'agent_nudged', agent: 'builder', phase: 'p1', message: 'done nudge' },
      },
      {
        action: { type: 'send', agent: 'librarian', text: 'wake' },
        event: { type: 'agent_woken', agent: 'librarian', message: 'woken' },
      },
      { action: { type: 'start-service', agent: 'db' }, event: { type: 'service_started', message: 'started' } },
    ];
    expect(others.map((p) => lessonsRequestFor(state, p, NOW))).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('the request goes to the activity with the effect, and what it typed is recorded as lessons_injected', () => {
    const state = stateFor(INJECT);
    const [launch] = initialLaunchDecision(state);
    const request = lessonsRequestFor(state, launch!, NOW)!;
    const call = effectCall(state, launch!.action, request);
    expect(call.activity === 'launchAgent' && call.request.lessons).toEqual(request);
    expect('lessons' in effectCall(state, launch!.action).request).toBe(false);

    const outcome = (ids: string[], problem?: string) => ({
      planned: launch!,
      ok: true as const,
      at: NOW,
      lessons: { phase: 'p1', outcome: problem === undefined ? { ids } : { ids, problem } },
    });
    const events = (r: ReturnType<typeof outcome>) =>
      effectOutcomes(state, [r], { holdPending: true }).events.map((e) => [e.type, e.agent, e.phase, e.message]);
    expect(events(outcome(['L2', 'L7']))).toEqual([
      ['agent_started', 'builder', 'p1', 'started in session team-builder'],
      ['lessons_injected', 'builder', 'p1', '2 lessons in the kickoff: L2, L7'],
    ]);
    expect(events(outcome([]))).toEqual([['agent_started', 'builder', 'p1', 'started in session team-builder']]);
    expect(events(outcome([], 'lessons.toml:3: lesson[0].importance: must be at most 10'))).toEqual([
      ['agent_started', 'builder', 'p1', 'started in session team-builder'],
      [
        'action_failed',
        'builder',
        'p1',
        'lessons not injected: lessons.toml:3: lesson[0].importance: must be at most 10',
      ],
    ]);
  });
});

describe('the activity side: composing the kickoff, typing it once', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'steward-inject-'));
    file = path.join(dir, 'lessons.toml');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const request = (fields: Partial<LessonsRequest> = {}): LessonsRequest => ({
    file,
    agent: 'builder',
    phase: 'p1',
    topK: 2,
    halfLifeMs: 10 * 86_400_000,
    now: T0,
    ...fields,
  });

  it('appends the top lessons for the agent and phase; no request, no file or no match: the text as it was', async () => {
    writeFileSync(
      file,
      renderLessonsToml([
        lesson('L1', { importance: 3, createdAt: T0 }),
        lesson('L2', { importance: 9, createdAt: T0, applies: { phases: ['p1'], gates: [], roles: [] } }),
        lesson('L3', { importance: 6, createdAt: T0, applies: { phases: [], gates: [], roles: ['adversary'] } }),
        lesson('L4', { importance: 10, createdAt: T0, status: 'proposed' }),
      ]),
    );
    expect(await composeWithLessons('Phase p1 begins.', request())).toEqual({
      text: `Phase p1 begins.\n\n${LESSONS_INTRO}\n- Headline of L2: Explanation of L2.\n- Headline of L1: Explanation of L1.`,
      outcome: { ids: ['L2', 'L1'] },
    });
    expect((await composeWithLessons('Go.', request({ agent: 'adversary', phase: 'p2' }))).outcome).toEqual({
      ids: ['L3', 'L1'],
    });
    expect(await composeWithLessons('Go.', undefined)).toEqual({ text: 'Go.' });
    expect(await composeWithLessons('Go.', request({ file: path.join(dir, 'none.toml') }))).toEqual({
      text: 'Go.',
      outcome: { ids: [] },
    });
  });

  it('a broken lessons file never holds up the kickoff: it goes out as it is, and the problem is said', async () => {
    writeFileSync(file, '[[lesson]]\nid = "L1"\nimportance = 42\n');
    const composed = await composeWithLessons('Go.', request());
    expect(composed.text).toBe('Go.');
    expect(composed.outcome?.ids).toEqual([]);
    expect(composed.outcome?.problem).toMatch(new RegExp(`^${file}:1: lesson\\[0\\]\\.status: .* \\(and 4 more\\)$`));
  });

  /** A pane that records what is pasted and pressed, with the delivery marks as tmux options. */
  function fakePane() {
    const options = new Map<string, string>();
    const pane = { screen: '', pasted: [] as string[], keys: [] as string[], failNextKey: false };
    const tmux = {
      hasSession: async () => true,
      getOption: async (_s: string, option: string) => options.get(option) ?? null,
      setOption: async (_s: string, option: string, value: string) => void options.set(option, value),
      captureAll: async () => pane.screen,
      captureSince: async () => pane.screen,
      snapshot: async () => ({ alive: true, tail: pane.screen, windowActivity: null }),
      paste: async (_s: string, text: string) => {
        pane.pasted.push(text);
        pane.screen += `> ${text}\n`;
      },
      pressKey: async (_s: string, key: string) => {
        if (pane.failNextKey) {
          pane.failNextKey = false;
          throw new Error('worker lost');
        }
        pane.keys.push(key);
      },
    };
    return { tmux: tmux as unknown as Tmux, pane };
  }

  /** One attempt of the kickoff delivery, as the activity makes it: compose from the file, type once per delivery id. */
  async function attempt(tmux: Tmux) {
    const composed = await composeWithLessons('Phase p1 begins. Write the greeting.', request());
    await deliverOnce(tmux, { session: 's', text: composed.text, submitKey: 'Enter' }, 'run/7');
    return composed.outcome;
  }

  it('a retry after the kickoff went out types nothing, even when the file changed in between', async () => {
    writeFileSync(file, renderLessonsToml([lesson('L1')]));
    const { tmux, pane } = fakePane();
    expect(await attempt(tmux)).toEqual({ ids: ['L1'] });
    writeFileSync(file, renderLessonsToml([lesson('L1'), lesson('L2', { importance: 9 })]));
    await attempt(tmux);
    expect(pane.pasted).toHaveLength(1);
    expect(pane.keys).toEqual(['Enter']);
    expect(pane.screen.split('Headline of L1')).toHaveLength(2);
  });

  it('a retry after a paste whose submit key was lost presses only the key: the lessons are not typed twice', async () => {
    writeFileSync(file, renderLessonsToml([lesson('L1')]));
    const { tmux, pane } = fakePane();
    pane.failNextKey = true;
    await expect(attempt(tmux)).rejects.toThrow('worker lost');
    expect(await attempt(tmux)).toEqual({ ids: ['L1'] });
    expect(pane.pasted).toHaveLength(1);
    expect(pane.keys).toEqual(['Enter']);
  });
});
