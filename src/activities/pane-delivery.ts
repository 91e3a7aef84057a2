import type { Tmux } from '../host/tmux';
import { permanentFailure } from './failures';
import {
  deliveryStep,
  DeliveryStep,
  parseTypingMark,
  pasteTraceCount,
  SENT_OPTION,
  TYPED_OPTION,
  TYPING_OPTION,
  typingMark,
} from '../core/pane/delivery';
import { CLAUDE_DIALOG_PATTERNS, showsDialog } from '../core/pane/dialog';
import { typeableText } from '../core/pane/typeable-text';
import { maskTypedText } from '../core/pane/typed-echo';

export interface Delivery {
  session: string;
  text: string;
  submitKey: string;
}

/**
 * Nothing is typed into a dialog: its submit key would pick the highlighted answer. The workflow
 * holds messages for an agent it saw blocked; this catches a dialog drawn since it looked. The
 * text being typed is masked first: a subject that quotes a dialog's words is not a dialog.
 * `typed` says whether this delivery's text already sits in the input box: a message then is not
 * kept to be typed again (it would land twice), it fails as `AgentBlockedTyped`.
 */
async function refuseDialog(tmux: Tmux, session: string, text: string, typed: boolean): Promise<void> {
  const screen = await tmux.snapshot(session);
  if (!screen.alive || !showsDialog(maskTypedText(screen.tail, [text]), CLAUDE_DIALOG_PATTERNS)) return;
  if (typed)
    throw permanentFailure(
      'AgentBlockedTyped',
      `session ${session} shows a dialog: the text was typed but not submitted; it waits in the input box`,
    );
  throw permanentFailure('AgentBlocked', `session ${session} shows a dialog: nothing typed`);
}

/**
 * Types a message into an agent's pane once per `deliveryId`, however often it is retried (see
 * `core/pane/delivery.ts`). The id names one delivery: an activity's id within its workflow run,
 * which its retries share. The text is made typeable first (no control characters, bounded).
 * Returns the step it took.
 */
export async function deliverOnce(tmux: Tmux, d: Delivery, deliveryId: string): Promise<DeliveryStep> {
  if (!(await tmux.hasSession(d.session))) throw permanentFailure('AgentGone', `session ${d.session} is not running`);
  const text = typeableText(d.text);
  const marks = {
    sent: await tmux.getOption(d.session, SENT_OPTION),
    typing: await tmux.getOption(d.session, TYPING_OPTION),
  };
  const mark = parseTypingMark(marks.typing);
  const screen =
    mark?.deliveryId !== deliveryId
      ? null
      : 'line' in mark
        ? await tmux.captureSince(d.session, mark.line)
        : await tmux.captureAll(d.session);
  const step = deliveryStep(deliveryId, marks, text, screen);
  if (step === 'done') return step;
  await refuseDialog(tmux, d.session, text, step === 'submit');
  if (step === 'type') {
    await tmux.setOption(
      d.session,
      TYPING_OPTION,
      typingMark(deliveryId, pasteTraceCount(text, await tmux.captureAll(d.session))),
    );
    // Observe masks the echo of what was typed, so its words never pass for the agent's own.
    await tmux.setOption(d.session, TYPED_OPTION, text.replace(/\s+/g, ' ').slice(0, 2000));
    await tmux.paste(d.session, text);
    // A TUI may still be digesting the paste; a short pause keeps the submit key from being eaten.
    await new Promise((r) => setTimeout(r, 150));
    await refuseDialog(tmux, d.session, text, true);
  }
  await tmux.pressKey(d.session, d.submitKey);
  await tmux.setOption(d.session, SENT_OPTION, deliveryId);
  return step;
}
