/** Horizontal bars: a phase's progress and a budget's use (yellow past its warn ratio, red past the limit). */
import type { BudgetGauge as Budget } from '../src/core/dashboard/types';
import { count, percent, usd } from './format.js';
import { html } from './html.js';

export function Bar(props: { ratio: number; level?: 'ok' | 'warn' | 'over'; label: string; title?: string }) {
  const width = `${Math.round(Math.min(1, Math.max(0, props.ratio)) * 100)}%`;
  return html`<span class="gauge" title=${props.title ?? props.label}>
    <span class=${`gauge-fill ${props.level ?? 'ok'}`} style=${{ width }}></span>
    <span class="gauge-label">${props.label}</span>
  </span>`;
}

function budgetLimits(b: Budget): string {
  const limits = [
    b.limitUsd !== null ? `${usd(b.usedUsd)} of ${usd(b.limitUsd)}` : null,
    b.limitTokens !== null ? `${count(b.usedTokens)} of ${count(b.limitTokens)} tokens` : null,
  ];
  return limits.filter((l) => l !== null).join(', ');
}

export function BudgetGauge({ budget }: { budget: Budget }) {
  if (budget.ratio === null) return html`<span class="muted">no budget</span>`;
  const level =
    budget.ratio >= 1 ? 'over' : budget.warnRatio !== null && budget.ratio >= budget.warnRatio ? 'warn' : 'ok';
  return html`<${Bar}
    ratio=${budget.ratio}
    level=${level}
    label=${percent(budget.ratio)}
    title=${budgetLimits(budget)}
  />`;
}
