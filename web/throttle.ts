/**
 * Rate-limits a refetch: the first call runs at once (an update shows without waiting), later
 * calls within `intervalMs` of the last run fold into one run at the end of that interval.
 */
export interface Throttled {
  call(): void;
  cancel(): void;
}

export function throttle(fn: () => void, intervalMs: number): Throttled {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    lastRun = Date.now();
    fn();
  };
  return {
    call() {
      if (timer !== null) return; // a run is already due: it will see this change too
      const wait = lastRun + intervalMs - Date.now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** At most two refetches a second per view. */
export const REFETCH_INTERVAL_MS = 500;
