/** Token use and dollars across builds: by build, phase, gate, agent and model; models without a price named. */
import type { TokensView } from '../src/core/dashboard/types';
import { apiPaths } from './api.js';
import { html } from './html.js';
import { TokenSection, TokenTable } from './token-table.js';
import { useViewData } from './use-view-data.js';
import { ViewFrame } from './view-frame.js';

function Totals({ view }: { view: TokensView }) {
  const line = { key: 'total', labels: [], ...view.total };
  return html`<${TokenTable} heads=${[]} lines=${[line]} />`;
}

function Tokens({ view }: { view: TokensView }) {
  return html`<h1>Tokens</h1>
    <${Totals} view=${view} />
    ${
      view.unpriced.length > 0 &&
      html`<p class="notice" data-unpriced=${view.unpriced.join(' ')}>
        No price for ${view.unpriced.join(', ')}: their tokens are in the totals, not in the dollars.
      </p>`
    }
    <${TokenSection} title="By build" kind="build" rows=${view.byBuild} />
    <${TokenSection} title="By phase" kind="phase" rows=${view.byPhase} />
    <${TokenSection} title="By gate" kind="gate" rows=${view.byGate} />
    <${TokenSection} title="By agent" kind="agent" rows=${view.byAgent} />
    <${TokenSection} title="By model" kind="model" rows=${view.byModel} />`;
}

export function TokensPage() {
  const state = useViewData<TokensView>(apiPaths.tokens(), null);
  const render = (view: TokensView) => html`<${Tokens} view=${view} />`;
  return html`<${ViewFrame} view="tokens" state=${state} render=${render} />`;
}
