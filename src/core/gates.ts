/**
 * Gate telemetry: the claim and review commits on origin/main as gate events. Pure.
 *
 * - A claim commit (`claim_pattern`, its gate the label of `claim(<gate>)`) is `gate_claimed`: the
 *   first claim opens round 1; a claim after a fail opens the next round; any other claim of an open
 *   gate (a re-claim before its review) stays in its round.
 * - A review commit (`review_pattern`) is `gate_reviewed` with its verdict (`reviewVerdict`). Its gate
 *   is the label of `review(<gate>)`, else the latest claim's. A review of a gate whose claim was
 *   never seen (made before the build watched) opens it in round 1, with no builder and no times.
 * - The first fail verdict of a round is `gate_failed`: the gate goes back to its builder.
 * - A pass verdict passes the gate (`gate_passed`) when no reviewer's latest verdict on the round is a
 *   fail and every pinged reviewer's (`claim_pings`) is a pass; with nobody pinged, this pass is
 *   enough. A passed gate is dropped; a later review of it is reported and passes nothing again.
 *
 * Commit authors name the agents: the author when it names a configured agent (in any case), else
 * the author's name as it is. Times are when the commits were seen (`now`), in workflow time.
 */
import type { BuildState } from './state/build';
import { currentPhaseId } from './state/build';
import type { CommitSubject } from './state/snapshot';
import { emptyGates, GatesState, MAX_OPEN_GATES, OpenGate, RECENT_PASSED_GATES } from './state/gates';
import { escapeLineBreaks, type NewEvent } from './events';
import type { Decision } from './decision';
import { unchanged } from './decision';
import { labelledSubject, type LabelledSubject } from './gate-label';
import { reviewVerdict, verdictWords, VerdictWords } from './review-verdict';
import { formatDuration } from './config/durations';

/** How much of a name that is no configured agent's is kept: it is carried in workflow state. */
const MAX_AUTHOR_CHARS = 64;

/**
 * The configured agent an author names (any case), else the author's name as written, made safe
 * for a terminal line (anyone who can push picks it) and cut to 64 characters; null when unknown.
 */
export function authorAgent(author: string | undefined, agents: readonly string[]): string | null {
  const name = author?.trim() ?? '';
  if (name === '') return null;
  const agent = agents.find((a) => a === name) ?? agents.find((a) => a.toLowerCase() === name.toLowerCase());
  return agent ?? escapeLineBreaks(name).slice(0, MAX_AUTHOR_CHARS);
}

const seconds = (ms: number) => formatDuration(Math.round(ms / 1000) * 1000);

interface GateRules {
  words: VerdictWords;
  /** `claim_pings`: the reviewers whose pass a gate needs. */
  reviewers: readonly string[];
  agents: readonly string[];
  phase: string | undefined;
  now: number;
}

/** The mutable working copy of the gates for one decision. */
class GateBook {
  readonly events: NewEvent[] = [];
  /** A Map, so a label such as `__proto__` or `constructor` is a gate like any other. */
  readonly open: Map<string, OpenGate>;
  latest: string | null;
  passed: string[];

  constructor(
    state: GatesState,
    private readonly rules: GateRules,
  ) {
    this.open = new Map(Object.entries(state.open));
    this.latest = state.latest;
    this.passed = [...state.passed];
  }

  /** `event` in the current phase, without the fields it does not know. */
  private emit(event: NewEvent): void {
    const known = Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as NewEvent;
    this.events.push(this.rules.phase === undefined ? known : { ...known, phase: this.rules.phase });
  }

  claim(commit: CommitSubject, gate: string): void {
    const { now } = this.rules;
    const builder = authorAgent(commit.author, this.rules.agents);
    const before = this.open.get(gate);
    this.passed = this.passed.filter((g) => g !== gate);
    let next: OpenGate;
    if (!before) {
      next = { builder, firstClaimAt: now, round: 1, claimAt: now, failed: false, verdicts: {}, touchedAt: now };
    } else if (before.failed) {
      const round = before.round + 1;
      next = { ...before, builder: builder ?? before.builder, round, claimAt: now, failed: false, verdicts: {} };
    } else {
      // A claim of an open round (again, or for the first time after its review was seen): the round stands.
      next = {
        ...before,
        builder: before.builder ?? builder,
        firstClaimAt: before.firstClaimAt ?? now,
        claimAt: before.claimAt ?? now,
      };
    }
    this.open.set(gate, { ...next, touchedAt: now });
    this.latest = gate;
    const who = next.builder ?? undefined;
    this.emit({
      type: 'gate_claimed',
      agent: who,
      gate,
      builder: who,
      sha: commit.sha,
      attempt: next.round,
      message: `${gate} claimed${who ? ` by ${who}` : ''} (round ${next.round}, ${commit.sha.slice(0, 7)})`,
    });
  }

  review(commit: CommitSubject, labelled: LabelledSubject | null): void {
    const { now } = this.rules;
    const reviewer = authorAgent(commit.author, this.rules.agents);
    const verdict = reviewVerdict(labelled ? labelled.rest : commit.subject, commit.reviewText, this.rules.words);
    const gate = labelled?.label ?? (this.latest !== null && this.open.has(this.latest) ? this.latest : null);
    const short = commit.sha.slice(0, 7);
    const by = reviewer ? ` by ${reviewer}` : '';
    const reviewed = { type: 'gate_reviewed' as const, agent: reviewer ?? undefined, reviewer: reviewer ?? undefined };
    if (gate === null || (!this.open.has(gate) && this.passed.includes(gate))) {
      // No gate to hold it against, or one that already passed: reported, nothing more.
      this.emit({
        ...reviewed,
        gate: gate ?? undefined,
        sha: commit.sha,
        verdict,
        message: `${gate ?? 'a review naming no gate'}${gate ? ' (passed already)' : ''} reviewed${by}: ${verdict} (${short})`,
      });
      return;
    }
    const before: OpenGate = this.open.get(gate) ?? {
      builder: null,
      firstClaimAt: null,
      round: 1,
      claimAt: null,
      failed: false,
      verdicts: {},
      touchedAt: now,
    };
    const current: OpenGate = {
      ...before,
      verdicts: { ...before.verdicts, [reviewer ?? '']: verdict },
      touchedAt: now,
    };
    const builder = current.builder ?? undefined;
    const sinceClaim = current.claimAt === null ? undefined : now - current.claimAt;
    this.emit({
      ...reviewed,
      gate,
      builder,
      sha: commit.sha,
      verdict,
      attempt: current.round,
      durationMs: sinceClaim,
      message: `${gate} reviewed${by}: ${verdict} (round ${current.round}${sinceClaim === undefined ? '' : `, ${seconds(sinceClaim)} after its claim`}, ${short})`,
    });

    if (verdict === 'fail' && !current.failed) {
      current.failed = true;
      this.emit({
        type: 'gate_failed',
        agent: builder,
        gate,
        reviewer: reviewer ?? undefined,
        builder,
        attempt: current.round,
        sha: commit.sha,
        message: `${gate} failed review${by} in round ${current.round}: back to ${builder ?? 'its builder'}`,
      });
    }
    if (verdict === 'pass' && this.passes(current)) {
      this.open.delete(gate);
      this.passed = [...this.passed, gate].slice(-RECENT_PASSED_GATES);
      if (this.latest === gate) this.latest = null;
      const sinceFirst = current.firstClaimAt === null ? undefined : now - current.firstClaimAt;
      this.emit({
        type: 'gate_passed',
        agent: builder,
        gate,
        builder,
        attempt: current.round,
        durationMs: sinceFirst,
        message: `${gate} passed in round ${current.round}${sinceFirst === undefined ? '' : `, ${seconds(sinceFirst)} after its first claim`}`,
      });
      return;
    }
    this.open.set(gate, current);
  }

  /** No fail stands on the round, and every pinged reviewer's latest verdict is a pass. */
  private passes(gate: OpenGate): boolean {
    const verdicts = Object.values(gate.verdicts);
    if (verdicts.includes('fail')) return false;
    return this.rules.reviewers.every((r) => Object.hasOwn(gate.verdicts, r) && gate.verdicts[r] === 'pass');
  }

  /** The gates as state: at most MAX_OPEN_GATES open, the longest untouched dropped first. */
  state(): GatesState {
    const open = [...this.open.entries()].sort(([, a], [, b]) => b.touchedAt - a.touchedAt).slice(0, MAX_OPEN_GATES);
    return { open: Object.fromEntries(open), latest: this.latest, passed: this.passed };
  }
}

/**
 * The gate events of the commits seen on origin/main this tick (oldest first), and the gates after
 * them. Call it where the handoff pings run, over the same commits, so each commit counts once.
 */
export function gatesDecision(state: BuildState, commits: readonly CommitSubject[], now: number): Decision<GatesState> {
  const gates = state.gates ?? emptyGates();
  const handoff = state.config.loop?.handoff;
  if (!handoff || commits.length === 0) return unchanged(gates);
  const claim = new RegExp(handoff.claim_pattern, 'i');
  const review = new RegExp(handoff.review_pattern, 'i');
  const book = new GateBook(gates, {
    words: verdictWords(handoff),
    reviewers: handoff.claim_pings,
    agents: state.config.agents.map((a) => a.name),
    phase: currentPhaseId(state) ?? undefined,
    now,
  });
  for (const commit of commits) {
    if (claim.test(commit.subject)) {
      const gate = labelledSubject(commit.subject, 'claim')?.label;
      if (gate !== undefined) book.claim(commit, gate);
    } else if (review.test(commit.subject)) {
      book.review(commit, labelledSubject(commit.subject, 'review'));
    }
  }
  return { state: book.state(), actions: [], events: book.events };
}
