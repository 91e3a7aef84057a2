import type { ObserveRequest } from './observe-request';

/**
 * What attempt `attempt` of an observe is to do. The first does as the workflow asked. A retry
 * (the attempt before it died with its worker, or failed) looks at once and reports what it sees:
 * the tick's wait went by while that attempt ran and was given up, and the workflow, which has
 * heard nothing from the host since, must see its state now. So no wait, and no quiet spell
 * (looking on, unreported) either: a worker SIGKILL costs the heartbeat timeout and the retry
 * interval, not another whole tick (docs/performance.md, "Recovery time"). Pure.
 */
export function requestForAttempt(req: ObserveRequest, attempt: number): ObserveRequest {
  if (attempt <= 1) return req;
  const retry: ObserveRequest = { ...req, waitMs: 0 };
  delete retry.quiet;
  return retry;
}
