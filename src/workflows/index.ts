/** The workflow bundle's entry point: every workflow type a Steward worker serves. */
export { buildWorkflow } from './build';
export { retroWorkflow } from './retro';
