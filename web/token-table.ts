/** Tables of token use: the four counts, their total and the dollars (a model without a price says so). */
import type { TokenRow } from '../src/core/dashboard/types';
import type { EventTokens } from '../src/core/events';
import { count, usd } from './format.js';
import { html } from './html.js';
import { Section } from './view-frame.js';

/** One row: what it is (one cell per head), then its tokens. */
export interface TokenLine {
  key: string;
  labels: string[];
  tokens: EventTokens;
  total: number;
  /** null: the model has no price. */
  costUsd: number | null;
}

/** `heads`: the names of the label columns before the counts. */
export function TokenTable({ heads, lines }: { heads: string[]; lines: TokenLine[] }) {
  return html`<table class="compact">
    <thead>
      <tr>
        ${heads.map((h) => html`<th key=${h}>${h}</th>`)}
        <th class="num">input</th>
        <th class="num">output</th>
        <th class="num">cache write</th>
        <th class="num">cache read</th>
        <th class="num">total</th>
        <th class="num">cost</th>
      </tr>
    </thead>
    <tbody>
      ${lines.map(
        (l) =>
          html`<tr key=${l.key} data-key=${l.key}>
            ${l.labels.map((label, i) => html`<td key=${i}>${label}</td>`)}
            <td class="num">${count(l.tokens.input_tokens)}</td>
            <td class="num">${count(l.tokens.output_tokens)}</td>
            <td class="num">${count(l.tokens.cache_creation_input_tokens)}</td>
            <td class="num">${count(l.tokens.cache_read_input_tokens)}</td>
            <td class="num">${count(l.total)}</td>
            <td class="num">${l.costUsd === null ? html`<span class="unpriced">unpriced</span>` : usd(l.costUsd)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The tokens view's rows of one kind (build, phase, gate, agent, model) under their heading. */
export function TokenSection({ title, kind, rows }: { title: string; kind: string; rows: TokenRow[] }) {
  const lines = rows.map((r) => ({ ...r, labels: [r.key] }));
  return html`<${Section} title=${title}>
    ${rows.length === 0 ? html`<p class="muted">Nothing recorded.</p>` : html`<${TokenTable} heads=${[kind]} lines=${lines} />`}
  </${Section}>`;
}
