/**
 * The operator's controls: pause / resume / advance a build, nudge / restart an agent. Each
 * shows the workflow's reply (or the error) beside its buttons. A read-only dashboard renders none.
 */
import { useState } from 'preact/hooks';
import { type ActionName, type ActionOutcome, postAction } from './api.js';
import { html } from './html.js';
import { readOnly } from './page-meta.js';

interface ActionState {
  busy: boolean;
  outcome: ActionOutcome | null;
  send: (action: ActionName, body: object) => Promise<boolean>;
}

/** One action at a time per control group; `send` answers whether it succeeded. */
function useAction(build: string): ActionState {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const send = async (action: ActionName, body: object) => {
    setBusy(true);
    setOutcome(null);
    const result = await postAction(build, action, body);
    setOutcome(result);
    setBusy(false);
    return result.ok;
  };
  return { busy, outcome, send };
}

function Reply({ outcome }: { outcome: ActionOutcome | null }) {
  if (!outcome) return null;
  return html`<span class=${`action-reply ${outcome.ok ? 'ok' : 'error'}`} role="status">${outcome.text}</span>`;
}

/** A button for `action`; without `onClick` it sends the action with `body` (default `{}`). */
function ActionButton(props: {
  act: ActionState;
  action: ActionName;
  label: string;
  body?: object;
  onClick?: () => void;
  title?: string;
}) {
  const { act, action } = props;
  const onClick = props.onClick ?? (() => void act.send(action, props.body ?? {}));
  return html`<button type="button" data-action=${action} disabled=${act.busy} title=${props.title} onClick=${onClick}>
    ${props.label}
  </button>`;
}

/** The optional text an action carries (a pause's reason, a nudge's text). */
function TextBox(props: { input: string; placeholder: string; value: string; set: (v: string) => void }) {
  const onInput = (e: Event) => props.set((e.currentTarget as HTMLInputElement).value);
  return html`<input
    type="text"
    data-input=${props.input}
    placeholder=${props.placeholder}
    value=${props.value}
    onInput=${onInput}
  />`;
}

/** Pause when the build runs, resume when it is paused: nothing for a build that ended. */
export function PauseResume({ build, status }: { build: string; status: string }) {
  const act = useAction(build);
  if (readOnly) return null;
  return html`<span class="actions">
    ${status === 'running' && html`<${ActionButton} act=${act} action="pause" label="Pause" />`}
    ${status === 'paused' && html`<${ActionButton} act=${act} action="resume" label="Resume" />`}
    <${Reply} outcome=${act.outcome} />
  </span>`;
}

/** Controls with a text box: the text (trimmed, left out when empty) goes with the action and is cleared once it succeeded. */
function useTextAction(build: string) {
  const act = useAction(build);
  const [text, setText] = useState('');
  /** `field`: the body's name for the text; JSON leaves out an undefined one. */
  const sendWithText = async (action: ActionName, field: string, body: object = {}) => {
    if (await act.send(action, { ...body, [field]: text.trim() || undefined })) setText('');
  };
  return { act, text, setText, sendWithText };
}

/** The build view's controls: pause with a reason, resume, advance to the next phase. */
export function BuildActions({ build, status }: { build: string; status: string }) {
  const { act, text, setText, sendWithText } = useTextAction(build);
  if (readOnly) return null;
  const advanceTitle = 'End the current phase and start the next';
  return html`<div class="actions">
    ${
      status === 'running' &&
      html`<${TextBox} input="pause-reason" placeholder="reason (optional)" value=${text} set=${setText} />
        <${ActionButton}
          act=${act}
          action="pause"
          label="Pause"
          onClick=${() => void sendWithText('pause', 'reason')}
        />`
    }
    ${status === 'paused' && html`<${ActionButton} act=${act} action="resume" label="Resume" />`}
    ${
      (status === 'running' || status === 'paused') &&
      html`<${ActionButton} act=${act} action="advance" label="Advance phase" title=${advanceTitle} />`
    }
    <${Reply} outcome=${act.outcome} />
  </div>`;
}

/** The agent view's controls: nudge (with an optional text) and restart. */
export function AgentActions({ build, agent }: { build: string; agent: string }) {
  const { act, text, setText, sendWithText } = useTextAction(build);
  if (readOnly) return null;
  const nudge = () => void sendWithText('nudge', 'text', { agent });
  const restartTitle = "Kill the agent's session and start it again";
  return html`<div class="actions">
    <${TextBox} input="nudge-text" placeholder="nudge text (optional)" value=${text} set=${setText} />
    <${ActionButton} act=${act} action="nudge" label="Nudge" onClick=${nudge} />
    <${ActionButton} act=${act} action="restart" label="Restart" body=${{ agent }} title=${restartTitle} />
    <${Reply} outcome=${act.outcome} />
  </div>`;
}
