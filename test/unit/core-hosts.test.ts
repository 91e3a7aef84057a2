import type { BuildState } from '../../src/core/state/build';
import type { Snapshot } from '../../src/core/state/snapshot';
import type { PlannedAction } from '../../src/core/state/actions';
import { buildHosts, configOnHost, hostOf, idleClocksHeld, loopHostOf, lostHostsOf } from '../../src/core/hosts';
import { decideTick } from '../../src/core/tick';
import { quietSpellOn } from '../../src/core/quiet-spell';
import { idlePane } from './supervision-fixtures';
import { observeRequest } from '../../src/core/observe-request';
import { heardBefore, lookOfHost, lookOnHost, mergeLooks } from '../../src/core/host-looks';
import {
  hostsToAwait,
  knownPanesOnHost,
  looksAgainAtOnce,
  stillAsked,
  withHostPanes,
} from '../../src/core/host-observation';
import { hostReachabilityDecision } from '../../src/core/host-reachability';
import { escalations, searchAttributesKey } from '../../src/core/build-details';
import { holdMessagesForBlockedAgents } from '../../src/core/supervision/held-messages';
import { keptPendingAfterFailure } from '../../src/core/undelivered';
import { HOST_UNREACHABLE } from '../../src/core/state/effects';
import { zeroUsage } from '../../src/core/tokens/usage';
import { configFor, repoObs, stateFor, T0 } from './support/build-state';

/** The builder on the build's host (host-a), the adversaries on host-b, the loop's clone on host-c. */
const TOML = `
name = "spread"
[[agent]]
name = "builder"
kickoff = "Build."
cwd = "builder"
[[agent]]
name = "adversary"
kickoff = "Verify."
cwd = "adversary"
host = "host-b"
[[agent]]
name = "second"
kickoff = "Verify too."
cwd = "second"
host = "host-b"
[[service]]
name = "db"
command = ["postgres"]
host = "host-b"
[loop]
repo = "work"
host = "host-c"
phases = [{ id = "p1" }]
handoff = { claim_pings = ["adversary", "second"] }
`;
const spread = (overrides: Partial<BuildState> = {}) => stateFor(TOML, { launched: true, ...overrides });
const usage = (input: number) => ({ usage: { ...zeroUsage(), input_tokens: input }, costUsd: 0, unpriced: [] });
const pane = (tail: string) => ({ alive: true, tail, windowActivity: 1, digest: tail });
const read = { files: 1, filesRead: 1, bytesRead: 10, resets: 0, fresh: false, saved: false };

describe('which host owns what', () => {
  test('agents and services on their `host`, the rest on the build host; the loop where `[loop] host` says', () => {
    const state = spread();
    expect(buildHosts(state)).toEqual(['host-a', 'host-b', 'host-c']);
    expect(hostOf(state, 'builder')).toBe('host-a');
    expect(hostOf(state, 'adversary')).toBe('host-b');
    expect(hostOf(state, 'db')).toBe('host-b');
    expect(loopHostOf(state)).toBe('host-c');
    expect(configOnHost(state, 'host-b').agents.map((a) => a.name)).toEqual(['adversary', 'second']);
    expect(configOnHost(state, 'host-c')).toEqual({ agents: [], services: [] });
  });

  test('a build with no `host =` anywhere has one host, its own', () => {
    expect(buildHosts(stateFor(TOML.replace(/host = "host-[bc]"\n/g, '')))).toEqual(['host-a']);
  });

  test("each host is asked about its own: agents, services and transcripts (a ledger of its own), the repo on the loop's, the config file on the build's", () => {
    const state = spread();
    const a = observeRequest(state, 1000, T0, 'host-a');
    const b = observeRequest(state, 1000, T0, 'host-b');
    const c = observeRequest(state, 1000, T0, 'host-c');
    expect([a.agents, b.agents, c.agents]).toEqual([
      { builder: 'spread-builder' },
      { adversary: 'spread-adversary', second: 'spread-second' },
      {},
    ]);
    expect([a.services, b.services, c.services]).toEqual([{}, { db: 'spread-db' }, {}]);
    expect([a.repo, b.repo, c.repo?.dir]).toEqual([null, null, expect.stringMatching(/\/work$/)]);
    expect([a.config?.knownHash, b.config, c.config]).toEqual(['hash-0', null, null]);
    expect(Object.keys(a.tokens!.agents)).toEqual(['builder']);
    expect(Object.keys(b.tokens!.agents)).toEqual(['adversary', 'second']);
    expect(a.tokens!.ledgerFile).toMatch(/\/token-ledger\.json$/);
    expect(b.tokens!.ledgerFile).toMatch(/\/token-ledger@host-b\.json$/);
    expect(c.tokens).toBeNull();
    // One host: the request is the one it always was.
    expect(observeRequest(state, 1000, T0)).toEqual(a);
  });
});

describe("putting the hosts' looks together", () => {
  const state = spread({ tokens: { ...spread().tokens, totals: { adversary: usage(7), second: usage(8) } } });
  const lookA: Snapshot = {
    at: 5,
    agents: { builder: pane('a') },
    repo: null,
    config: { hash: 'h2', ok: false, problems: 'x' },
    tokens: { agents: { builder: usage(1) }, limits: [], sessions: { builder: ['s1'] }, read },
  };
  const lookC: Snapshot = {
    at: 6,
    agents: {},
    repo: repoObs({ head: 'abc', phaseDone: true }),
    config: null,
    tokens: null,
  };

  test("one snapshot: every host's agents and services, the loop host's repo, the build host's config, the token totals summed", () => {
    const merged = mergeLooks(state, { 'host-a': lookA, 'host-c': lookC });
    expect(merged.at).toBe(6);
    expect(Object.keys(merged.agents)).toEqual(['builder']);
    expect(merged.repo?.head).toBe('abc');
    expect(merged.config?.hash).toBe('h2');
    // host-b did not answer: its agents keep the totals the build last counted (the ledger replaces totals whole).
    expect(merged.tokens?.agents).toEqual({ adversary: usage(7), second: usage(8), builder: usage(1) });
    expect(merged.tokens?.read.bytesRead).toBe(10);
  });

  test('one host: its look is the snapshot', () => {
    expect(mergeLooks(state, { 'host-a': lookA })).toBe(lookA);
  });

  test("a host's part of the snapshot is what its own look holds", () => {
    const merged = mergeLooks(state, { 'host-a': lookA, 'host-c': lookC });
    expect(lookOnHost(state, 'host-a', merged)).toEqual({ ...lookA, at: 6 });
    expect(lookOnHost(state, 'host-c', merged).repo?.head).toBe('abc');
    expect(lookOnHost(state, 'host-c', merged).tokens?.agents).toEqual({});
  });

  test('a host still looking counts with its last agents and totals, but no repo or config: those were taken in', () => {
    const before = heardBefore(lookC);
    expect(before.repo).toBeNull();
    expect(heardBefore(lookA)).toEqual({ ...lookA, config: null });
  });

  test("a tick takes a host's new report, its last one heard before while it looks, nothing after a failure", () => {
    expect(lookOfHost(lookC, true)).toBe(lookC);
    expect(lookOfHost(lookC, null)).toEqual(heardBefore(lookC));
    expect(lookOfHost(lookC, false)).toBeUndefined();
    expect(lookOfHost(undefined, null)).toBeUndefined();
  });
});

describe('looking at several hosts', () => {
  test('after a signal the turn waits for every host not lost; a one-host build for its host, as ever', () => {
    expect(hostsToAwait(spread({ lostHosts: ['host-b'] }), ['host-a', 'host-b', 'host-c'])).toEqual([
      'host-a',
      'host-c',
    ]);
    expect(hostsToAwait(stateFor(TOML, { hostLost: true }), ['host-a'])).toEqual(['host-a']);
  });

  test('a failed look is news enough with several hosts; one host looks again at once', () => {
    expect(looksAgainAtOnce(3, { snapshot: null, failed: ['host-b'] })).toBe(false);
    expect(looksAgainAtOnce(3, { snapshot: null, failed: [] })).toBe(true);
    expect(looksAgainAtOnce(1, { snapshot: null, failed: ['host-a'] })).toBe(true);
    expect(looksAgainAtOnce(1, { snapshot: {}, failed: [] })).toBe(false);
  });

  test('an observe still running is kept when it answers the same question no later; else asked again', () => {
    const state = spread();
    const ask = { ...observeRequest(state, 1000, T0, 'host-b'), quiet: { forMs: 60_000, signature: 's1' } };
    expect(stillAsked({ request: ask, endsAt: 100 }, { ...ask, quiet: { forMs: 30_000, signature: 's1' } }, 100)).toBe(
      true,
    );
    expect(stillAsked({ request: ask, endsAt: 200 }, ask, 100)).toBe(false);
    expect(stillAsked({ request: ask, endsAt: 100 }, { ...ask, quiet: { forMs: 60_000, signature: 's2' } }, 100)).toBe(
      false,
    );
    expect(stillAsked({ request: ask, endsAt: 100 }, { ...ask, agents: { adversary: 'other' } }, 100)).toBe(false);
    const plain = observeRequest(state, 1000, T0, 'host-b');
    expect(stillAsked({ request: plain, endsAt: 100 }, ask, 100)).toBe(true);
  });

  test("a host still looking keeps its spell when another host reports: it is compared with the host's own last report", () => {
    const state = spread();
    const lookA: Snapshot = {
      at: 5,
      agents: { builder: pane('a') },
      repo: null,
      config: { hash: 'h2', ok: false, problems: 'x' },
      tokens: null,
    };
    const lookB: Snapshot = {
      at: 5,
      agents: { adversary: pane('b'), second: pane('c') },
      repo: null,
      config: null,
      tokens: null,
    };
    const lookC: Snapshot = { at: 5, agents: {}, repo: repoObs({ head: 'abc' }), config: null, tokens: null };
    const asked = (host: string, decided: Snapshot, reported: Snapshot | undefined, now: number) => ({
      ...observeRequest(state, 1000, now, host),
      quiet: quietSpellOn(state, decided, reported, now, 60_000, host),
    });
    // Every host reported: each observe starts a spell.
    const first = mergeLooks(state, { 'host-a': lookA, 'host-b': lookB, 'host-c': lookC });
    // Then host-b reports a change while host-a (a refused config edit) and host-c (the repo) still look.
    const lookB2 = { ...lookB, agents: { ...lookB.agents, adversary: pane('b2') } };
    const second = mergeLooks(state, { 'host-a': heardBefore(lookA), 'host-b': lookB2, 'host-c': heardBefore(lookC) });
    const now = T0 + 5_000;
    for (const [host, reported] of [
      ['host-a', lookA],
      ['host-c', lookC],
    ] as const) {
      const running = { request: asked(host, first, reported, T0), endsAt: T0 + 60_000 };
      expect(stillAsked(running, asked(host, second, reported, now), now + 60_000)).toBe(true);
      // Its part heard before has no repo and no config: a spell of that would never match a look.
      expect(asked(host, second, undefined, now).quiet.signature).not.toBe(running.request.quiet.signature);
    }
    // The host that reported is asked anew, with the world it reported.
    expect(asked('host-b', second, lookB2, now)).toEqual(asked('host-b', second, undefined, now));
  });

  test('known panes are named per host, and a report replaces only its own host', () => {
    const state = spread();
    const known = { builder: { digest: 'd1', tail: 'a' }, adversary: { digest: 'd2', tail: 'b' } };
    expect(knownPanesOnHost(state, 'host-b', known)).toEqual({ adversary: 'd2' });
    expect(withHostPanes(state, 'host-b', known, { second: { digest: 'd3', tail: 'c' } })).toEqual({
      builder: { digest: 'd1', tail: 'a' },
      second: { digest: 'd3', tail: 'c' },
    });
  });
});

describe('a lost host', () => {
  const timed = { observed: false, observeError: 'activity ScheduleToStart timeout', timeoutMs: 10_000 };

  test('is lost on its own: host_unreachable for its queue, `host-lost:<host>` escalated, the build host still served', () => {
    const out = hostReachabilityDecision(spread(), timed, 'host-b');
    expect(out.state.lostHosts).toEqual(['host-b']);
    expect(out.state.hostLost).toBe(false);
    expect(out.events[0]?.message).toMatch(/^no worker served steward@host-b within 10s/);
    expect(escalations(out.state)).toEqual(['host-lost:host-b']);
    expect(lostHostsOf({ ...out.state, hostLost: true })).toEqual(['host-a', 'host-b']);
    const back = hostReachabilityDecision(out.state, { ...timed, observed: true, observeError: null }, 'host-b');
    expect(back.state).not.toHaveProperty('lostHosts');
    expect(back.events).toEqual([{ type: 'host_recovered', message: 'a worker serves steward@host-b again' }]);
  });

  test("a one-host build's search-attribute key is as it was; another host lost changes it", () => {
    const one = stateFor(TOML.replace(/host = "host-[bc]"\n/g, ''));
    expect(JSON.parse(searchAttributesKey(one))).toHaveLength(5);
    expect(searchAttributesKey(spread({ lostHosts: ['host-b'] }))).not.toBe(searchAttributesKey(spread()));
  });

  test('messages for its agents wait, in order, until it is back; the others go out', () => {
    const ping = (agent: string, message: string): PlannedAction => ({
      action: { type: 'send', agent, text: message },
      event: { type: 'ping_sent', agent, message },
    });
    const state = spread({ lostHosts: ['host-b'] });
    const snap: Snapshot = { at: T0, agents: { builder: pane('idle') }, repo: null, config: null, tokens: null };
    const out = holdMessagesForBlockedAgents(state, snap, [ping('adversary', 'claim 1'), ping('builder', 'review 1')]);
    expect(out.actions.map((a) => a.action.agent)).toEqual(['builder']);
    expect(out.state.adversary?.held?.map((p) => p.event.message)).toEqual(['claim 1']);
    expect(out.events).toEqual([
      { type: 'message_held', agent: 'adversary', message: 'held until host host-b is back: claim 1' },
    ]);
    // Held ones are not released while it is lost, and are once it is back.
    const again = holdMessagesForBlockedAgents({ ...state, agents: out.state }, snap, []);
    expect(again.actions).toEqual([]);
    const back = holdMessagesForBlockedAgents({ ...spread(), agents: out.state }, snap, []);
    expect(back.actions.map((a) => a.event.message)).toEqual(['claim 1']);
  });

  test('a handoff ping that no worker of its host took stays pending (it never ran)', () => {
    const p: PlannedAction = {
      action: { type: 'send', agent: 'adversary', text: 'claim' },
      event: { type: 'ping_sent', agent: 'adversary', message: 'claim c1' },
    };
    expect(keptPendingAfterFailure(p, { type: HOST_UNREACHABLE, message: 'timeout' })).toBe(true);
    expect(keptPendingAfterFailure(p, { message: 'start-to-close timeout' })).toBe(false);
  });
});

describe('while a host is lost, no idle clock runs', () => {
  const idle = idlePane('⏺ Waiting for the adversary.');
  const at = T0 + 30 * 60_000;
  /** The builder (host-a) idle at its prompt since T0, long past its stall window. */
  const snap: Snapshot = {
    at,
    agents: { builder: { alive: true, tail: idle, windowActivity: Math.floor(T0 / 1000) } },
    repo: repoObs({ head: 'base' }),
    config: null,
    tokens: null,
  };
  const started = (overrides: Partial<BuildState>) =>
    spread({
      ...overrides,
      agents: Object.fromEntries(
        Object.entries(spread().agents).map(([n, a]) => [n, { ...a, startedAt: T0, lastWakeAt: T0, alive: true }]),
      ),
    });

  test('an agent waiting past its stall window is judged stalled when every host answers', () => {
    const out = decideTick(started({}), snap, at, () => 'fresh', { heldWaitForLiveAgent: true });
    expect(out.actions.map((p) => `${p.action.type} ${p.action.agent}`)).toContain('send builder');
  });

  test('with host-b lost it is left alone, and its idle stretch starts again from now', () => {
    const out = decideTick(started({ lostHosts: ['host-b'] }), snap, at, () => 'fresh', { heldWaitForLiveAgent: true });
    expect(out.actions).toEqual([]);
    expect(out.state.agents.builder?.idleSince).toBe(at);
    expect(idleClocksHeld(spread(), at)).toEqual(spread());
  });
});

describe('host keys in the config', () => {
  test('`[loop] host` is read; a host id must be a safe id, named by its TOML path', () => {
    expect(configFor(TOML).loop?.host).toBe('host-c');
    expect(() => configFor(TOML.replace('host = "host-c"', 'host = "no spaces allowed"'))).toThrow(/loop\.host/);
    expect(() => configFor(TOML.replace('host = "host-b"', 'host = "a/b"'))).toThrow(/agent\[1\]\.host/);
  });
});
