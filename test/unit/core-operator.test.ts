import type { BuildState } from '../../src/core/state/build';
import { MAX_REASON_BYTES } from '../../src/core/config/limits';
import type { PhaseConfig } from '../../src/core/config/types';
import { DEFAULT_NUDGE, OperatorCommand, operatorCommandProblem, operatorDecision } from '../../src/core/operator';
import { MINUTE, SECOND, SOLO_TOML, stateFor, T0, TEAM_TOML } from './support/build-state';

const running = (overrides: Partial<BuildState> = {}) => stateFor(TEAM_TOML, { launched: true, ...overrides });
const problem = (state: BuildState, cmd: OperatorCommand) => operatorCommandProblem(state, cmd);
const phase = (id: string, status = `STATUS-${id}.md`, kickoff = `Do ${id}.`): PhaseConfig => ({ id, status, kickoff });

const UNSAFE_NAME = (name: string) =>
  `\`${name}\` is not a safe name: use 1-64 letters, digits, \`_\` or \`-\`, starting with a letter or digit`;
const UNSAFE_ID = (id: string) =>
  `\`${id}\` is not a safe id: use 1-64 letters, digits, \`.\`, \`_\` or \`-\` (no \`..\`), starting with a letter or digit`;

describe('operatorCommandProblem: nonsense is refused with a clear reason', () => {
  test('pause', () => {
    expect(problem(running(), { type: 'pause', reason: 'x' })).toBeNull();
    expect(problem(running({ status: 'paused' }), { type: 'pause', reason: 'x' })).toBe('already paused');
    expect(problem(running({ status: 'completed' }), { type: 'pause', reason: 'x' })).toBe('build is completed');
    expect(problem(running({ status: 'stopped' }), { type: 'pause', reason: 'x' })).toBe('build is stopped');
  });

  test.each(['completed', 'stopped'] as const)(
    'a %s build takes no command: its loop is gone and nothing would answer it',
    (status) => {
      const commands: OperatorCommand[] = [
        { type: 'nudge', agent: 'builder' },
        { type: 'restart', agent: 'builder' },
        { type: 'appendPhases', phases: [phase('p9')] },
        { type: 'setBudget', budget: { warn_ratio: 0.8 } },
      ];
      expect(commands.map((cmd) => problem(running({ status }), cmd))).toEqual(
        commands.map(() => `build is ${status}`),
      );
    },
  );

  test('resume', () => {
    expect(problem(running({ status: 'paused' }), { type: 'resume' })).toBeNull();
    expect(problem(running(), { type: 'resume' })).toBe('build is running, not paused');
    expect(problem(running({ status: 'completed' }), { type: 'resume' })).toBe('build is completed, not paused');
  });

  test('nudge: a message over the typed-text limit is refused, so it never enters the history', () => {
    const agent = Object.keys(running().agents)[0]!;
    expect(problem(running(), { type: 'nudge', agent, message: 'x'.repeat(128 * 1024) })).toBeNull();
    expect(problem(running(), { type: 'nudge', agent, message: 'x'.repeat(128 * 1024 + 1) })).toBe(
      'the message is 131073 bytes, over the 131072-byte limit',
    );
  });

  test('advance', () => {
    expect(problem(running({ phaseIndex: 2 }), { type: 'advance' })).toBeNull();
    expect(problem(running({ phaseIndex: 3 }), { type: 'advance' })).toBe(
      'cannot advance past the last phase: the sequence is complete',
    );
    expect(problem(stateFor(SOLO_TOML), { type: 'advance' })).toBe('build solo has no phases');
  });

  test('appendPhases: valid phases pass', () => {
    expect(
      problem(running(), { type: 'appendPhases', phases: [phase('p4'), phase('v2.0-rc_1', 'sub/dir/S.md')] }),
    ).toBeNull();
  });

  test('appendPhases: no loop, no phases', () => {
    expect(problem(stateFor(SOLO_TOML), { type: 'appendPhases', phases: [phase('p4')] })).toBe(
      'build solo has no [loop] to append phases to',
    );
    expect(problem(running(), { type: 'appendPhases', phases: [] })).toBe('no phases given');
  });

  test('appendPhases: unsafe phase ids', () => {
    for (const id of ['../x', 'a b', '', '.hidden', 'p..4', 'a/b']) {
      expect(problem(running(), { type: 'appendPhases', phases: [phase(id, 'S.md')] })).toBe(
        `phase id: ${UNSAFE_ID(id)}`,
      );
    }
  });

  test('appendPhases: duplicate ids, against the sequence and within the request', () => {
    expect(problem(running(), { type: 'appendPhases', phases: [phase('p2')] })).toBe('phase "p2" already exists');
    expect(problem(running(), { type: 'appendPhases', phases: [phase('p4'), phase('p4', 'other.md')] })).toBe(
      'phase "p4" already exists',
    );
  });

  test('appendPhases: a status path escaping the state dir', () => {
    for (const status of ['/etc/passwd', '../outside.md', 'sub/../../outside.md', '..', '~/x.md']) {
      expect(problem(running(), { type: 'appendPhases', phases: [phase('p4', status)] })).toBe(
        'phase "p4": status file must stay inside the state dir',
      );
    }
  });

  test("appendPhases: status paths follow the config file's rule — normalised, and refused only when they leave the state dir", () => {
    expect(
      problem(running(), { type: 'appendPhases', phases: [phase('p4', 'sub/../S4.md'), phase('p5', './S5.md')] }),
    ).toBeNull();
    expect(problem(running(), { type: 'appendPhases', phases: [phase('p4', 'sub/..')] })).toBe(
      'phase "p4": status file must stay inside the state dir',
    );
    const out = operatorDecision(
      running(),
      { type: 'appendPhases', phases: [phase('p4', 'sub/../S4.md'), phase('p5', './x//S5.md')] },
      T0,
      'unused',
    );
    expect(out.state.config.loop?.phases.slice(3).map((p) => p.status)).toEqual(['S4.md', 'x/S5.md']);
  });

  test('appendPhases: one bad phase refuses the whole request, naming the first problem', () => {
    expect(problem(running(), { type: 'appendPhases', phases: [phase('p4'), phase('p1')] })).toBe(
      'phase "p1" already exists',
    );
  });

  test('nudge and restart: unknown agent lists the agents; unsafe names are refused as such', () => {
    for (const type of ['nudge', 'restart'] as const) {
      expect(problem(running(), { type, agent: 'builder' })).toBeNull();
      expect(problem(running(), { type, agent: 'ghost' })).toBe(
        'no agent "ghost" in build team; agents: builder, adversary, librarian, migrator',
      );
      expect(problem(running(), { type, agent: 'a.b' })).toBe(UNSAFE_NAME('a.b'));
      expect(problem(running(), { type, agent: '' })).toBe(UNSAFE_NAME(''));
    }
  });

  test('setBudget: every limit must be a positive number', () => {
    const ok = {
      type: 'setBudget' as const,
      budget: { build: { tokens: 1_000_000, usd: 50 }, phase: { tokens: 200_000 }, warn_ratio: 0.8 },
    };
    expect(problem(running(), ok)).toBeNull();
    expect(problem(running(), { type: 'setBudget', budget: { warn_ratio: 0.8 } })).toBeNull();
    const bad = [
      { build: { tokens: 0 } },
      { build: { usd: -1 } },
      { phase: { tokens: -5 } },
      { phase: { usd: 0 } },
      { build: { tokens: Number.NaN } },
    ];
    for (const limits of bad) {
      expect(problem(running(), { type: 'setBudget', budget: { ...limits, warn_ratio: 0.8 } })).toBe(
        'budget limits must be positive numbers',
      );
    }
  });
});

describe('operatorDecision: each command', () => {
  const NOW = T0 + 42 * MINUTE;

  test('pause and resume', () => {
    const paused = operatorDecision(running(), { type: 'pause', reason: 'rebasing by hand' }, NOW, 'unused');
    expect(paused.state.status).toBe('paused');
    expect(paused.events).toEqual([{ type: 'paused', message: 'rebasing by hand' }]);
    expect(paused.actions).toEqual([]);
    expect(paused.reply).toBe('paused: rebasing by hand');

    const resumed = operatorDecision(paused.state, { type: 'resume' }, NOW, 'unused');
    expect(resumed.state.status).toBe('running');
    expect(resumed.events).toEqual([{ type: 'resumed', message: 'resumed by operator' }]);
    expect(resumed.actions).toEqual([]);
    expect(resumed.reply).toBe('resumed');
  });

  test('a 10 KB pause reason is kept cut, with a visible mark', () => {
    const reason = 'r'.repeat(10 * 1024);
    const paused = operatorDecision(running(), { type: 'pause', reason }, NOW, 'unused');
    const kept = paused.events[0]!.message;
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(MAX_REASON_BYTES);
    expect(kept).toBe(`${'r'.repeat(MAX_REASON_BYTES - Buffer.byteLength('…(cut)'))}…(cut)`);
    expect(paused.reply).toBe(`paused: ${kept}`);
  });

  test('advance moves to the next phase with its kickoff', () => {
    const out = operatorDecision(running(), { type: 'advance' }, T0 + 2 * MINUTE, 'unused');
    expect(out.reply).toBe('advanced from p1 to p2');
    expect(out.state.phaseIndex).toBe(1);
    expect(out.state.completedPhases).toEqual([
      { id: 'p1', startedAt: T0, endedAt: T0 + 2 * MINUTE, durationMs: 2 * MINUTE },
    ]);
    expect(out.events).toEqual([
      {
        type: 'phase_completed',
        phase: 'p1',
        durationMs: 120_000,
        message: 'phase p1 done in 120s (advanced by operator)',
      },
      { type: 'phase_started', phase: 'p2', message: 'phase p2 started' },
    ]);
    expect(out.actions.map((a) => a.action.agent)).toEqual(['builder', 'adversary']);
  });

  test('advance past the last phase completes the sequence', () => {
    const out = operatorDecision(running({ phaseIndex: 2 }), { type: 'advance' }, NOW, 'unused');
    expect(out.reply).toBe('advanced past p3: the sequence is complete');
    expect(out.state.phaseIndex).toBe(3);
    expect(out.actions).toEqual([]);
    expect(out.events.map((e) => e.type)).toEqual(['phase_completed', 'sequence_completed']);
  });

  test('appendPhases to a sequence in progress extends it and sends nothing', () => {
    const state = running({ phaseIndex: 1, phaseStartedAt: T0 + MINUTE });
    const out = operatorDecision(state, { type: 'appendPhases', phases: [phase('p4'), phase('p5')] }, NOW, 'unused');
    expect(out.state.config.loop?.phases.map((p) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(out.state.phaseIndex).toBe(1);
    expect(out.state.phaseStartedAt).toBe(T0 + MINUTE);
    expect(out.actions).toEqual([]);
    expect(out.events).toEqual([{ type: 'phases_appended', message: 'appended p4, p5' }]);
    expect(out.reply).toBe('appended 2 phase(s)');
    // The old config object is not mutated: history and queries still see what was.
    expect(state.config.loop?.phases.map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
  });

  test('appendPhases to a completed sequence resumes it with the first new phase and its kickoff to the loop agents', () => {
    const state = running({ phaseIndex: 3, phaseStartedAt: T0 + MINUTE });
    const out = operatorDecision(
      state,
      { type: 'appendPhases', phases: [phase('p4', 'STATUS-p4.md', 'Polish the docs.'), phase('p5')] },
      NOW,
      'unused',
    );
    expect(out.state.phaseIndex).toBe(3);
    expect(out.state.config.loop?.phases[3]?.id).toBe('p4');
    expect(out.state.phaseStartedAt).toBe(NOW);
    expect(out.events).toEqual([
      { type: 'phases_appended', message: 'appended p4, p5' },
      { type: 'phase_started', phase: 'p4', message: 'phase p4 started (the sequence resumes)' },
    ]);
    const text =
      'Phase p4 begins. Polish the docs.\nWhen its definition of done is met, write "## DONE" to state/STATUS-p4.md on main and push.';
    expect(out.actions).toEqual([
      {
        action: { type: 'send', agent: 'builder', text },
        event: { type: 'ping_sent', agent: 'builder', phase: 'p4', message: 'kickoff for phase p4' },
      },
      {
        action: { type: 'send', agent: 'adversary', text },
        event: { type: 'ping_sent', agent: 'adversary', phase: 'p4', message: 'kickoff for phase p4' },
      },
    ]);
    expect(out.reply).toBe('appended 2 phase(s); the sequence resumes');
  });

  test('nudge sends the default text when no message (or only blanks) is given', () => {
    for (const message of [undefined, '', '   ']) {
      const out = operatorDecision(running(), { type: 'nudge', agent: 'adversary', message }, NOW, 'unused');
      expect(out.actions).toEqual([
        {
          action: { type: 'send', agent: 'adversary', text: DEFAULT_NUDGE },
          event: { type: 'agent_nudged', agent: 'adversary', message: `operator nudge: ${DEFAULT_NUDGE.slice(0, 80)}` },
        },
      ]);
      expect(out.reply).toBe('nudged adversary');
      expect(out.events).toEqual([]);
    }
    expect(DEFAULT_NUDGE).toBe(
      'watchdog nudge from the operator: resume now — pull any pending review or inbox file and continue. Do not stay idle.',
    );
  });

  test('nudge sends the trimmed message; the event keeps its first 80 characters', () => {
    const long = `Re-run the tests. ${'x'.repeat(100)}`;
    const out = operatorDecision(running(), { type: 'nudge', agent: 'builder', message: `  ${long}\n` }, NOW, 'unused');
    expect(out.actions[0]?.action).toEqual({ type: 'send', agent: 'builder', text: long });
    expect(out.actions[0]?.event.message).toBe(`operator nudge: ${long.slice(0, 80)}`);
    expect(out.state).toEqual(running());
  });

  /** The operator's restart of `agent` at NOW, its new session id `sid-fresh`. */
  const restart = (state: BuildState, agent: string) =>
    operatorDecision(state, { type: 'restart', agent }, NOW, 'sid-fresh');
  const freshLaunch = (agent: string, prompt: string) => ({ type: 'launch', agent, fresh: true, prompt });

  test('restart: a fresh session id, crash loop and reboots reset, a fresh launch with its kickoff plus the current phase (loop agent)', () => {
    const state = running({ phaseIndex: 1 });
    state.agents.builder = {
      ...state.agents.builder!,
      crashLooped: true,
      reboots: [T0, T0 + MINUTE, T0 + 2 * MINUTE],
      startedAt: T0,
      doneNudgedPhase: 'p2',
    };
    const out = restart(state, 'builder');
    expect(out.state.agents.builder).toMatchObject({
      sessionId: 'sid-fresh',
      startedAt: NOW,
      crashLooped: false,
      reboots: [],
    });
    expect(out.state.agents.adversary).toEqual(state.agents.adversary);
    expect(out.actions).toEqual([
      {
        action: freshLaunch(
          'builder',
          'You are the builder.\n\nPhase p2 begins. Write the CLI.\nWhen its definition of done is met, write "## DONE" to state/STATUS-p2.md on main and push.',
        ),
        event: { type: 'agent_restarted', agent: 'builder', message: 'restarted by operator' },
      },
    ]);
    expect(out.events).toEqual([]);
    expect(out.reply).toBe('restarted builder');
  });

  test('restart of a persistent agent: only its own kickoff', () => {
    const out = restart(running({ phaseIndex: 1 }), 'librarian');
    expect(out.actions[0]?.action).toEqual(freshLaunch('librarian', 'You keep the docs.'));
    expect(out.state.agents.librarian?.sessionId).toBe('sid-fresh');
  });

  test('restart of a loop agent after the sequence completed: only its own kickoff', () => {
    const out = restart(running({ phaseIndex: 3 }), 'adversary');
    expect(out.actions[0]?.action).toEqual(freshLaunch('adversary', 'You are the adversary.'));
  });

  /** A builder whose old screen showed a wait marker, a usage limit and a permission dialog. */
  function withStaleScreen(): BuildState {
    const state = running();
    state.agents.builder = {
      ...state.agents.builder!,
      startedAt: T0,
      lastWakeAt: T0,
      idleSince: T0 + SECOND,
      lastBusyAt: T0 + 2 * SECOND,
      waitingText: 'WAITING-UNTIL 12:00',
      waitingUntil: T0 + 3 * 60 * MINUTE,
      rateLimitText: 'usage limit reached',
      rateLimitedUntil: T0 + 5 * 60 * MINUTE,
      blockedSince: T0 + 3 * SECOND,
    };
    return state;
  }

  // relaunch.ts (freshLaunch): "whatever the old screen showed — a WAITING-UNTIL marker, a limit message,
  // a permission dialog — is gone with it." The operator's restart is such a launch.
  test('restart forgets what the old screen showed, and idle counts from the restart', () => {
    const out = restart(withStaleScreen(), 'builder');
    expect(out.state.agents.builder).toMatchObject({
      startedAt: NOW,
      lastBusyAt: null,
      waitingText: null,
      waitingUntil: null,
      rateLimitText: null,
      rateLimitedUntil: null,
      blockedSince: null,
    });
    const idleFloor = Math.max(
      ...[
        out.state.agents.builder!.idleSince,
        out.state.agents.builder!.lastBusyAt,
        out.state.agents.builder!.startedAt,
      ].map((v) => v ?? 0),
    );
    expect(idleFloor).toBe(NOW);
  });

  // wake.ts: "a (re)start counts as a wake"; relaunch.ts: after a launch "a wake is not due for another
  // interval (the kickoff is fresher than any wake message)". Healing and the first launch set lastWakeAt = now.
  test('BUG: restart counts as a wake (lastWakeAt = now), like every other launch', () => {
    const out = restart(withStaleScreen(), 'builder');
    expect(out.state.agents.builder?.lastWakeAt).toBe(NOW);
  });

  test('setBudget replaces the budget and records it', () => {
    const budget = { build: { usd: 25 }, phase: { tokens: 500_000 }, warn_ratio: 0.9 };
    const out = operatorDecision(running(), { type: 'setBudget', budget }, NOW, 'unused');
    expect(out.state.config.budget).toEqual(budget);
    expect(out.events).toEqual([
      { type: 'budget_updated', message: '{"build":{"usd":25},"phase":{"tokens":500000},"warn_ratio":0.9}' },
    ]);
    expect(out.actions).toEqual([]);
    expect(out.reply).toBe('budget updated');
    expect(out.state.config).toEqual({ ...running().config, budget });
  });
});
