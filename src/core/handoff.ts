import type { BuildState, HandoffState } from './state/build';
import type { PlannedAction } from './state/actions';
import type { RepoObservation } from './state/snapshot';
import { Decision, unchanged } from './decision';

function ping(agent: string, text: string, what: string): PlannedAction {
  return { action: { type: 'send', agent, text }, event: { type: 'ping_sent', agent, message: what } };
}

/**
 * New claim/review commits on origin/main and changed inbox files ping their reviewers. The
 * handled head sha and inbox hashes move forward in the same decision, so each commit and each
 * inbox version is pinged once: replay, retries and continue-as-new carry them in workflow state.
 * The first observation only records the baseline: history before the build is not pinged.
 */
export function handoffDecision(state: BuildState, repo: RepoObservation): Decision<HandoffState> {
  const loop = state.config.loop;
  const handoff = loop?.handoff;
  if (!loop || !handoff || !repo.head) return unchanged(state.handoff);
  const baseline = state.handoff.lastSha === null;
  const actions: PlannedAction[] = [];

  if (!baseline) {
    const claim = new RegExp(handoff.claim_pattern, 'i');
    const review = new RegExp(handoff.review_pattern, 'i');
    for (const commit of repo.commits) {
      const short = commit.sha.slice(0, 7);
      if (claim.test(commit.subject)) {
        for (const agent of handoff.claim_pings) {
          actions.push(
            ping(
              agent,
              `watchdog ping: the other loop pushed a gate CLAIM commit: "${commit.subject}" (${short}) on origin/main. Pull and verify the claimed gate now.`,
              `claim ${commit.subject} (${short})`,
            ),
          );
        }
      }
      if (review.test(commit.subject)) {
        for (const agent of handoff.review_pings) {
          actions.push(
            ping(
              agent,
              `watchdog ping: the other loop pushed a verdict/finding commit: "${commit.subject}" (${short}) on origin/main. Pull the review and act.`,
              `review ${commit.subject} (${short})`,
            ),
          );
        }
      }
    }
  }

  // Compared with the hashes from before this decision, so an inbox shared by several agents pings each.
  const before = state.handoff.inboxHashes;
  const inboxHashes = { ...before };
  for (const inbox of handoff.inboxes) {
    const path = `${loop.state_subdir}/${inbox.file}`;
    const hash = repo.inboxes[path] ?? null;
    const known = Object.prototype.hasOwnProperty.call(before, path);
    if (hash !== null && known && hash !== before[path]) {
      actions.push(
        ping(
          inbox.agent,
          `watchdog ping: the other loop pushed ${path} on origin/main — pull, read it, act, then delete the file (commit + push) to mark it consumed.`,
          `inbox ${path} changed (${hash.slice(0, 7)})`,
        ),
      );
    }
    inboxHashes[path] = hash;
  }
  return { state: { lastSha: repo.head, inboxHashes }, actions, events: [] };
}
