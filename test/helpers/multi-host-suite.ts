import type { ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, useHarness } from './harness';
import {
  agentTable,
  buildHeader,
  DEMO_PATTERNS,
  gatePings,
  loopTable,
  scriptedAgentBackend,
  TWO_PHASE_GATE_PINGS,
} from './configs';
import { eventsOf, status, untilEvents } from './supervision';
import { killHard, spawnWorkerProcess } from './worker-process';
import { steward } from './cli';
import type { HostRow } from '../../src/core/hosts-view';
import { Tmux } from '../../src/host/tmux';
import { readAgentTokens } from '../../src/activities/agent-tokens';
import { activityQueueFor } from '../../src/core/host-queue';
import type { BuildStatusView } from '../../src/core/status-view';
import { EscalationSearchAttribute, statusQuery } from '../../src/workflows/definitions';
import { projectSlug } from '../../src/agent/transcript-writer';

/**
 * One build, two hosts, simulated faithfully on one machine: each host is a `steward worker`
 * process of its own (its own STEWARD_HOST_ID, tmux server and HOME), sharing only the git remote
 * and Temporal. The builder runs on host A (the build's), the two adversaries on host B.
 */
export function multiHostSuite(address?: () => string): void {
  const h = useHarness('multi-host', {
    clones: ['builder', 'adversary', 'second', 'supervisor'],
    worker: false,
    ...(address ? { address } : {}),
  });
  const workers: Record<string, ChildProcess> = {};
  const hostB = () => `${h.hostId}-b`;
  let bSocket: string | null = null;
  const socketB = () => (bSocket ??= `${h.socket}-b`);

  const startHost = async (which: 'a' | 'b') => {
    // Host A is the build's: its worker reads the config file as the CLI that started the build did.
    workers[which] =
      which === 'a'
        ? spawnWorkerProcess(h.hostId, h.socket, address?.())
        : spawnWorkerProcess(hostB(), socketB(), address?.(), {
            HOME: await mkdtemp(join(tmpdir(), 'steward-home-b-')),
          });
  };
  afterEach(async () => {
    for (const w of Object.values(workers)) await killHard(w);
    if (bSocket) await new Tmux(bSocket).killServer();
    bSocket = null;
  });

  /** The `[backend.inert]` table: a scripted agent whose script acts on nothing (it only takes what it is told). */
  const inertBackend = async () => {
    const inert = join(h.dir, 'inert.toml');
    await writeFile(inert, 'on = []\n');
    return scriptedAgentBackend('inert', inert, DEMO_PATTERNS);
  };

  /** The demo pair with a second adversary that only takes the claim pings. */
  const config = async () => {
    const repoRoot = process.cwd();
    return h.writeConfig(`${buildHeader(h.name, 'signal_interval = 0.2\nheavy_interval = 1\nstall_grace = "1m"\nstall_idle = "10m"')}
${scriptedAgentBackend('scripted-builder', `${repoRoot}/config/demo/builder.script.toml`, DEMO_PATTERNS)}
${scriptedAgentBackend('scripted-adversary', `${repoRoot}/config/demo/adversary.script.toml`, DEMO_PATTERNS)}
${await inertBackend()}
${agentTable({ name: 'builder', backend: 'scripted-builder', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'scripted-adversary', cwd: 'adversary', kickoff: 'You are the adversary.', host: hostB() })}
${agentTable({ name: 'second', backend: 'inert', cwd: 'second', kickoff: 'You are the second adversary.', host: hostB() })}

[loop]
repo = "supervisor"
state_subdir = ".steward-state"
phases = [{ id = "p1", kickoff = "Write the greeting." }, { id = "p2", kickoff = "Write the farewell." }]
handoff = { claim_pings = ["adversary", "second"], review_pings = ["builder"] }
`);
  };

  /** The prompts an agent's transcripts hold, one per user line (the scripted agent records each). */
  const prompts = async (view: BuildStatusView, agent: string, cwd: string): Promise<string[]> => {
    const { readFile, readdir } = await import('node:fs/promises');
    const dir = join(h.dir, '.steward', h.name, 'transcripts', projectSlug(join(h.dir, cwd)));
    const lines: string[] = [];
    for (const file of await readdir(dir))
      for (const record of (await readFile(join(dir, file), 'utf8')).split('\n').filter(Boolean)) {
        const parsed = JSON.parse(record) as { type: string; message: { content: unknown } };
        if (parsed.type === 'user' && typeof parsed.message.content === 'string') lines.push(parsed.message.content);
      }
    expect(view.agents[agent]).toBeDefined();
    return lines;
  };

  /** Which task queue each agent's launches were scheduled on. */
  const launchQueues = async (handle: Awaited<ReturnType<typeof h.start>>['handle']) => {
    const history = await handle.fetchHistory();
    const queues: Record<string, Set<string>> = {};
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name !== 'launchAgent') continue;
      const input = JSON.parse(Buffer.from(a.input!.payloads![0]!.data!).toString('utf8')) as {
        spec: { agent: string };
      };
      (queues[input.spec.agent] ??= new Set()).add(a.taskQueue!.name!);
    }
    return Object.fromEntries(Object.entries(queues).map(([agent, q]) => [agent, [...q]]));
  };

  it('goes through two phases with its handoffs crossing hosts: each agent runs, and is typed into, on its own host', async () => {
    await startHost('a');
    await startHost('b');
    const { handle } = await h.start(await config());
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => p.id)).toEqual(['p1', 'p2']);

    // Each agent's session is on its own host's tmux server, and only there.
    expect((await h.tmux.listSessions()).sort()).toEqual([`${h.name}-builder`]);
    expect((await new Tmux(socketB()).listSessions()).sort()).toEqual([`${h.name}-adversary`, `${h.name}-second`]);
    expect(await launchQueues(handle)).toEqual({
      builder: [activityQueueFor(h.hostId)],
      adversary: [activityQueueFor(hostB())],
      second: [activityQueueFor(hostB())],
    });

    // The handoffs crossed hosts: claims from A reached both adversaries on B, reviews from B the builder on A.
    const view = await handle.query(statusQuery);
    expect(gatePings(eventsOf(view, 'ping_sent', 'adversary').concat(eventsOf(view, 'ping_sent', 'builder')))).toEqual(
      TWO_PHASE_GATE_PINGS,
    );
    const claims = (await prompts(view, 'second', 'second')).filter((p) => /claim\(/.test(p));
    expect(claims).toHaveLength(3);
    expect(new Set(claims).size).toBe(3);

    // Each host read its own agents' transcripts; the build's totals are every agent's.
    for (const agent of ['builder', 'adversary'])
      expect(view.tokens.totals[agent]?.usage.input_tokens).toBeGreaterThan(0);
    expect(view.events.filter((e) => e.type === 'host_unreachable')).toEqual([]);
  });

  it("host B's worker killed mid-phase: only B's agents escalate, a claim for B waits for it and is typed once, token totals stay exact", async () => {
    await startHost('a');
    await startHost('b');
    const { handle } = await h.start(await config());
    await untilEvents(handle, 'agent_started', 'adversary', 1, 60_000);
    await killHard(workers.b!);

    // B is lost; A's builder goes on: its claim of p1 lands, and the pings for B's adversaries wait.
    const lost = await untilEvents(handle, 'host_unreachable', undefined, 1, 60_000);
    expect(eventsOf(lost, 'host_unreachable').map((e) => e.message)).toEqual([
      expect.stringContaining(activityQueueFor(hostB())),
    ]);
    const held = await eventually(
      async () => {
        const view = await status(handle);
        return eventsOf(view, 'message_held', 'adversary').length > 0 ? view : null;
      },
      60_000,
      "the adversary's claim ping held for host B",
    );
    expect(eventsOf(held, 'message_held', 'adversary')[0]!.message).toMatch(/claim\(p1-gate\)/);
    expect(held.lostHosts).toEqual([hostB()]);
    expect(held.hostLost).toBe(false);
    expect(held.agentHosts).toEqual({ builder: h.hostId, adversary: hostB(), second: hostB() });

    // `steward hosts`: A's worker polls, and B carries the two adversaries (B's dead worker may still
    // show for a minute: Temporal lists a poller until its last poll ages out).
    const listed = await steward(['hosts', '--json'], address ? { env: { TEMPORAL_ADDRESS: address() } } : {});
    expect(listed.code).toBe(0);
    const rows = (JSON.parse(listed.stdout) as HostRow[]).filter((r) => r.carries.some((c) => c.build === h.name));
    expect(rows.map((r) => [r.host, r.carries.find((c) => c.build === h.name)])).toEqual([
      [h.hostId, { build: h.name, agents: ['builder'], services: [], loop: true, own: true }],
      [hostB(), { build: h.name, agents: ['adversary', 'second'], services: [], loop: false, own: false }],
    ]);
    expect(rows[0]!.live).toBeGreaterThan(0);
    await eventually(
      async () =>
        (await handle.describe()).typedSearchAttributes.get(EscalationSearchAttribute) === `host-lost:${hostB()}`,
      30_000,
      'the host-lost escalation of host B only',
    );

    await startHost('b');
    await untilEvents(handle, 'host_recovered', undefined, 1, 60_000);
    const result = await handle.result();
    expect(result.status).toBe('completed');

    // Nothing typed twice: each claim reached each adversary once.
    const view = await handle.query(statusQuery);
    for (const [agent, cwd] of [
      ['adversary', 'adversary'],
      ['second', 'second'],
    ]) {
      const claims = (await prompts(view, agent!, cwd!)).filter((p) => /claim\(/.test(p));
      expect(claims).toHaveLength(3);
      expect(new Set(claims).size).toBe(3);
    }
    expect(gatePings(eventsOf(view, 'ping_sent', 'adversary').concat(eventsOf(view, 'ping_sent', 'builder')))).toEqual(
      TWO_PHASE_GATE_PINGS,
    );

    // The totals the build counted across both hosts are what a fresh read of every transcript finds.
    const fresh = await readAgentTokens({
      ledgerFile: join(await mkdtemp(join(tmpdir(), 'steward-ledger-')), 'ledger.json'),
      agents: Object.fromEntries(
        ['builder', 'adversary', 'second'].map((a) => [
          a,
          {
            dir: join(h.dir, '.steward', h.name, 'transcripts'),
            sessionIds: view.tokens.sessions[a] ?? [],
          },
        ]),
      ),
    });
    for (const agent of ['builder', 'adversary', 'second'])
      expect(view.tokens.totals[agent]?.usage).toEqual(fresh.agents[agent]?.usage);
  });

  /** Two agents that only take what they are told (their script acts on nothing), the second on `host`; a phase nobody ends. */
  const idleConfig = async (watchdog: string, moverHost: string | null) => {
    return h.writeConfig(`${buildHeader(h.name, watchdog)}
${await inertBackend()}
${agentTable({ name: 'builder', backend: 'inert', cwd: 'builder', kickoff: 'You are the builder.' })}
${agentTable({ name: 'adversary', backend: 'inert', cwd: 'adversary', kickoff: 'You are the adversary.', host: moverHost ?? undefined })}
${loopTable([{ id: 'p1', kickoff: 'Wait.' }])}`);
  };

  it("host A lost for longer than the stall window: B's agent, idle all along, is neither nudged nor rebooted", async () => {
    await startHost('a');
    await startHost('b');
    const { handle } = await h.start(
      await idleConfig('signal_interval = 0.2\nheavy_interval = 1\nstall_grace = "1s"\nstall_idle = "15s"', hostB()),
    );
    await untilEvents(handle, 'agent_started', 'adversary', 1, 60_000);
    await killHard(workers.a!);
    const lost = await untilEvents(handle, 'host_unreachable', undefined, 1, 60_000);
    const unreachable = eventsOf(lost, 'host_unreachable')[0]!;
    expect(unreachable.message).toContain(activityQueueFor(h.hostId));
    // Longer than the stall window, with B's worker running the build alone.
    await new Promise((r) => setTimeout(r, 20_000));
    await startHost('a');
    await untilEvents(handle, 'host_recovered', undefined, 1, 60_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const view = await status(handle);
    // From the moment A is known lost (before it, a loaded machine may let the stall window pass:
    // the build cannot know yet), through its return: nothing done to the adversary.
    const touched = view.events.filter(
      (e) =>
        e.seq > unreachable.seq &&
        e.agent === 'adversary' &&
        ['agent_nudged', 'agent_rebooted', 'agent_healed', 'agent_started'].includes(e.type),
    );
    expect(touched).toEqual([]);
    expect(eventsOf(view, 'host_recovered')).toHaveLength(1);
    expect(view.hostLost).toBe(false);
  });

  it('an agent moved from A to B by a config edit: closed on A, launched on B with its kickoff', async () => {
    await startHost('a');
    await startHost('b');
    const watchdog = 'signal_interval = 0.2\nheavy_interval = 1\nstall_grace = "1m"\nstall_idle = "10m"';
    const { handle } = await h.start(await idleConfig(watchdog, null));
    await untilEvents(handle, 'agent_started', 'adversary', 1, 60_000);
    expect(await h.tmux.listSessions()).toContain(`${h.name}-adversary`);

    await idleConfig(watchdog, hostB());
    const moved = await untilEvents(handle, 'agent_started', 'adversary', 2, 60_000);
    expect(eventsOf(moved, 'agent_moved', 'adversary').map((e) => e.message)).toEqual([
      `moved from host ${h.hostId} to ${hostB()}: its session there closed`,
    ]);
    expect(eventsOf(moved, 'agent_started', 'adversary').at(-1)!.message).toBe(
      `started on host ${hostB()} in session ${h.name}-adversary`,
    );
    await eventually(
      async () => !(await h.tmux.listSessions()).includes(`${h.name}-adversary`),
      30_000,
      "the adversary's session closed on A",
    );
    expect(await new Tmux(socketB()).listSessions()).toEqual([`${h.name}-adversary`]);
    expect(await launchQueues(handle)).toEqual({
      builder: [activityQueueFor(h.hostId)],
      adversary: [activityQueueFor(h.hostId), activityQueueFor(hostB())],
    });
    // Its kickoff reached the new session on B: the new transcript holds it.
    const view = await status(handle);
    expect(
      (await prompts(view, 'adversary', 'adversary')).filter((p) => p.includes('You are the adversary.')),
    ).toHaveLength(2);
    expect(view.agentHosts).toEqual({ builder: h.hostId, adversary: hostB() });
  });
}
