/**
 * A view's JSON, kept current: fetched when the view opens, fetched again (rate-limited) when the
 * push channel says a build it shows changed or that pushes may have been missed, and polled
 * while the channel is down.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api.js';
import { listen } from './stream.js';
import { REFETCH_INTERVAL_MS, throttle } from './throttle.js';

export interface ViewData<T> {
  data: T | null;
  /** The last fetch's failure; data, if any, is then the last good answer. */
  error: string | null;
}

/** How often a view refetches while the push channel is closed. */
const POLL_MS = 10_000;

/**
 * `path`'s JSON. `build`: the one build the view shows (refetched only when it changed), or null
 * for a view of every build.
 */
export function useViewData<T>(path: string, build: string | null): ViewData<T> {
  const [state, setState] = useState<ViewData<T>>({ data: null, error: null });
  const latestRequest = useRef(0);

  useEffect(() => {
    setState({ data: null, error: null });
    const fetchView = () => {
      const request = ++latestRequest.current;
      getJson<T>(path).then(
        (data) => {
          if (request === latestRequest.current) setState({ data, error: null });
        },
        (err: unknown) => {
          const error = err instanceof Error ? err.message : String(err);
          if (request === latestRequest.current) setState((s) => ({ data: s.data, error }));
        },
      );
    };
    const refetch = throttle(fetchView, REFETCH_INTERVAL_MS);
    refetch.call();
    const unlisten = listen({
      changed: (builds) => {
        if (build === null || builds.includes(build)) refetch.call();
      },
      resync: () => refetch.call(),
    });
    const poll = setInterval(() => {
      if (document.body.dataset.live !== 'open') refetch.call();
    }, POLL_MS);
    return () => {
      latestRequest.current++; // answers still on their way are for a view no longer shown
      refetch.cancel();
      unlisten();
      clearInterval(poll);
    };
  }, [path, build]);

  return state;
}
