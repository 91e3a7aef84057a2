import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { BuildState } from '../core/state/build';
import { webUiUpdate, WebUiView } from '../core/build-details';
import {
  EscalationSearchAttribute,
  PhaseSearchAttribute,
  ProjectSearchAttribute,
  StatusSearchAttribute,
} from './definitions';

/**
 * Publishes the build to the Web UI: search attributes when status, phase or an escalation
 * changed, current details whenever what they show changed (`webUiUpdate` decides). `always`
 * publishes both, as at the start and the end of a run.
 */
export function webUiPublisher(): (state: BuildState, always?: boolean) => void {
  let shown: WebUiView | null = null;
  return (state, always = true) => {
    const update = webUiUpdate(always ? null : shown, state);
    shown = update.view;
    if (update.attributes) {
      upsertSearchAttributes([
        { key: PhaseSearchAttribute, value: update.attributes.phase },
        { key: StatusSearchAttribute, value: update.attributes.status },
        { key: ProjectSearchAttribute, value: update.attributes.project },
        { key: EscalationSearchAttribute, value: update.attributes.escalation },
      ]);
    }
    if (update.details !== null) setCurrentDetails(update.details);
  };
}
