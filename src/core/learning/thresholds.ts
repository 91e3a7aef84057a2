/**
 * The default thresholds of `steward retro`'s rules (`[learning.thresholds]` overrides each);
 * docs/learning.md says what each one means.
 */
import type { RetroThresholds } from './types';

export const DEFAULT_RETRO_THRESHOLDS: Readonly<RetroThresholds> = Object.freeze({
  success_drop_points: 15,
  velocity_drop: 0.3,
  duration_creep: 0.5,
  type_failure_rate: 0.5,
  long_type_multiple: 3,
  outlier_z: 3.5,
  outlier_cluster: 3,
  reviewer_rejection: 0.6,
  agent_cost_multiple: 2,
  rate_limit_share: 0.2,
  min_samples: 5,
});
