/**
 * Phase → gate flow: each phase with its gates as cards, each card at its stage (claimed, in
 * review, failed, passed) with the reviewers' verdicts, rounds, review time and cost.
 */
import type { GateCard as Card, PhaseFlow } from '../src/core/dashboard/types';
import type { GateVerdict } from '../src/core/metrics/types';
import { clock, duration, usd } from './format.js';
import { html } from './html.js';

const STAGE_WORDS: Record<Card['stage'], string> = {
  claimed: 'claimed',
  in_review: 'in review',
  failed: 'failed',
  passed: 'passed',
};

function Verdict({ v }: { v: GateVerdict }) {
  return html`<li class=${`verdict verdict-${v.verdict}`} title=${`${clock(v.at)}${v.sha ? ` ${v.sha}` : ''}`}>
    ${v.reviewer}: ${v.verdict} <span class="muted">(round ${v.attempt})</span>
  </li>`;
}

function GateCard({ card }: { card: Card }) {
  return html`<article class=${`gate-card stage-${card.stage}`} data-gate=${card.gate} data-stage=${card.stage}>
    <header>
      <strong class="gate-label">${card.gate}</strong>
      <span class=${`badge stage-${card.stage}`}>${STAGE_WORDS[card.stage] ?? card.stage}</span>
    </header>
    <dl class="facts">
      <dt>builder</dt>
      <dd>${card.builder ?? '—'}</dd>
      <dt>rounds</dt>
      <dd>${card.rounds}</dd>
      <dt>claimed</dt>
      <dd>${clock(card.claimedAt)}</dd>
      <dt>to review</dt>
      <dd>${duration(card.timeToFirstReviewMs)}</dd>
      <dt>to pass</dt>
      <dd>${duration(card.timeToPassMs)}</dd>
      <dt>cost</dt>
      <dd>${usd(card.costUsd)}</dd>
    </dl>
    ${
      card.verdicts.length > 0 &&
      html`<ul class="verdicts">
        ${card.verdicts.map((v, i) => html`<${Verdict} key=${i} v=${v} />`)}
      </ul>`
    }
  </article>`;
}

function Phase({ phase }: { phase: PhaseFlow }) {
  const span =
    phase.startedAt !== null
      ? `${clock(phase.startedAt)} → ${phase.endedAt !== null ? clock(phase.endedAt) : 'now'}`
      : '';
  return html`<section class=${`phase phase-${phase.status}`} data-phase=${phase.id}>
    <h3>${phase.id} <span class="badge">${phase.status}</span> <span class="muted">${span}</span></h3>
    <div class="gate-row">
      ${
        phase.gates.length === 0
          ? html`<p class="muted">No gates claimed.</p>`
          : phase.gates.map((g, i) => html`<${GateCard} key=${`${g.gate}#${i}`} card=${g} />`)
      }
    </div>
  </section>`;
}

export function GateFlow({ phases }: { phases: PhaseFlow[] }) {
  if (phases.length === 0) return html`<p class="muted">No phases known yet.</p>`;
  return html`<div class="phase-flow">${phases.map((p) => html`<${Phase} key=${p.id} phase=${p} />`)}</div>`;
}
