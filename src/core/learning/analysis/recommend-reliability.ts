/**
 * The rules over what failed more than once, and over waiting on rate limits.
 * - `repeat-failure` (medium): one per gate pattern with a gate that failed review 2+ times; one
 *   per agent rebooted or escalated about in 2+ builds; one per phase id an operator advanced in
 *   2+ builds (repeat-failures.ts);
 * - `rate-limit-share` (medium): agents' rate-limited time (summed over agents) above
 *   `rate_limit_share` of the phases' wall time, over `min_samples` phases or more.
 * Pure.
 */
import { REPEAT } from './repeat-failures';
import { EPSILON, recommend, type Rule } from './rule-kit';
import type { RepeatedGateFailure } from './types';
import { pct, span } from './words';

const repeatedGates: Rule = (ctx) => {
  const byPattern = new Map<string, RepeatedGateFailure[]>();
  for (const g of ctx.repeatFailures.gates) {
    const list = byPattern.get(g.pattern);
    if (list) list.push(g);
    else byPattern.set(g.pattern, [g]);
  }
  return [...byPattern].map(([pattern, gates]) => {
    const worst = gates[0]; // the list is sorted most failures first
    const runs = gates.length === 1 ? 'one run' : `${gates.length} runs`;
    return recommend({
      rule: 'repeat-failure',
      severity: 'medium',
      category: 'failure',
      finding: `\`${pattern}\` gates failed review ${REPEAT} or more times in ${runs}; the worst, ${worst.gate} in build ${worst.build} (phase ${worst.phase}), failed ${worst.failures} times.`,
      recommendation: `Read the fail verdicts of ${worst.gate}: the builder kept missing the same thing. Write it down as a lesson for \`${pattern}\` gates, or say it in the plan.`,
      figures: {
        pattern,
        runs: gates.length,
        worstGate: worst.gate,
        worstBuild: worst.build,
        worstFailures: worst.failures,
      },
      subject: { phase: worst.phase, gate: pattern },
    });
  });
};

const troubledAgents: Rule = (ctx) =>
  ctx.repeatFailures.agents.map((a) =>
    recommend({
      rule: 'repeat-failure',
      severity: 'medium',
      category: 'reliability',
      finding: `${a.agent} was in trouble (rebooted or escalated about) in ${a.builds} builds: ${a.reboots} reboots and ${a.escalations} escalations in its phases.`,
      recommendation: `Look at ${a.agent}'s event logs around its reboots: a dialog it cannot pass, a crash at start, or a stall_idle too short for its work; fix the cause or its watchdog settings.`,
      figures: { agent: a.agent, builds: a.builds, reboots: a.reboots, escalations: a.escalations },
      subject: { agent: a.agent },
    }),
  );

const advancedPhases: Rule = (ctx) =>
  ctx.repeatFailures.advancedPhases
    .filter((p) => p.builds >= REPEAT)
    .map((p) =>
      recommend({
        rule: 'repeat-failure',
        severity: 'medium',
        category: 'failure',
        finding: `An operator advanced phase ${p.phase} by hand in ${p.builds} builds.`,
        recommendation: `Phase ${p.phase} does not end by itself: check that its done marker is reachable (the status file, the marker text) and that its plan says when it is done.`,
        figures: { phase: p.phase, builds: p.builds },
        subject: { phase: p.phase },
      }),
    );

const rateLimitShare: Rule = (ctx) => {
  let limited = 0;
  let wall = 0;
  let phases = 0;
  for (const p of ctx.groups.phases) {
    if (p.durationMs === null || p.durationMs <= 0) continue;
    limited += p.rateLimitedMs;
    wall += p.durationMs;
    phases++;
  }
  if (phases < ctx.thresholds.min_samples || wall === 0) return [];
  const share = limited / wall;
  if (share <= ctx.thresholds.rate_limit_share + EPSILON) return [];
  return [
    recommend({
      rule: 'rate-limit-share',
      severity: 'medium',
      category: 'rate_limit',
      finding: `Agents spent ${span(limited)} rate-limited, ${pct(share)} of the phases' ${span(wall)} of wall time.`,
      recommendation:
        'Spread the work over more accounts or smaller models, run fewer agents at once, or give the reviewers a cheaper model: the limits, not the work, set the pace.',
      figures: { rateLimitedMs: limited, wallMs: wall, share, phases, threshold: ctx.thresholds.rate_limit_share },
    }),
  ];
};

export const reliabilityRules: Rule[] = [repeatedGates, troubledAgents, advancedPhases, rateLimitShare];
