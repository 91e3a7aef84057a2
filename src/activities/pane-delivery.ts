import type { Tmux } from './tmux';
import { permanentFailure } from './failures';
import { deliveryStep, DeliveryStep, parseTypingMark, SENT_OPTION, TYPING_OPTION, typingMark } from '../core/pane/delivery';

export interface Delivery {
  session: string;
  text: string;
  submitKey: string;
}

/**
 * Types a message into an agent's pane once per `deliveryId`, however often it is retried (see
 * `core/pane/delivery.ts`). The id names one delivery: an activity's id within its workflow run,
 * which its retries share. Returns the step it took.
 */
export async function deliverOnce(tmux: Tmux, d: Delivery, deliveryId: string): Promise<DeliveryStep> {
  if (!(await tmux.hasSession(d.session))) throw permanentFailure('AgentGone', `session ${d.session} is not running`);
  const marks = { sent: await tmux.getOption(d.session, SENT_OPTION), typing: await tmux.getOption(d.session, TYPING_OPTION) };
  const typing = parseTypingMark(marks.typing);
  const screen = typing?.deliveryId === deliveryId ? await tmux.captureSince(d.session, typing.line) : null;
  const step = deliveryStep(deliveryId, marks, d.text, screen);
  if (step === 'done') return step;
  if (step === 'type') {
    await tmux.setOption(d.session, TYPING_OPTION, typingMark(deliveryId, await tmux.cursorLine(d.session)));
    await tmux.sendText(d.session, d.text, d.submitKey);
  } else {
    await tmux.pressKey(d.session, d.submitKey);
  }
  await tmux.setOption(d.session, SENT_OPTION, deliveryId);
  return step;
}
