/**
 * A build's (or agent's) latest events with the pushed ones on top: the view's fetched list
 * (newest first) plus the events pushed since that are newer than its newest, at most `cap`.
 * A refetch brings the pushed ones in itself, so they fold away by seq.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FeedEvent } from '../src/core/dashboard/types';
import type { StewardEvent } from '../src/core/events';
import { listen } from './stream.js';

/** At most this many rows of events in a build or agent view. */
export const LIVE_EVENTS_CAP = 500;

export function useLiveEvents(
  fetched: StewardEvent[],
  build: string,
  agent: string | null,
  cap = LIVE_EVENTS_CAP,
): StewardEvent[] {
  const [pushed, setPushed] = useState<StewardEvent[]>([]);
  const newestFetched = fetched[0]?.seq ?? 0;
  const newestRef = useRef(newestFetched);
  newestRef.current = newestFetched;

  useEffect(() => {
    setPushed([]);
    return listen({
      events: (batch: FeedEvent[]) => {
        const mine = batch.filter((e) => e.build === build && (agent === null || e.agent === agent)).reverse();
        if (mine.length === 0) return;
        // Newest first; those the fetched list holds by now are dropped here too, so this stays small.
        const seqs = new Set(mine.map((e) => e.seq));
        const kept = (old: StewardEvent[]) => old.filter((p) => p.seq > newestRef.current && !seqs.has(p.seq));
        setPushed((old) => [...mine, ...kept(old)].slice(0, cap));
      },
    });
  }, [build, agent, cap]);

  return useMemo(() => {
    const fresh = pushed.filter((e) => e.seq > newestFetched).sort((a, b) => b.seq - a.seq);
    return fresh.length === 0 ? fetched.slice(0, cap) : [...fresh, ...fetched].slice(0, cap);
  }, [pushed, fetched, newestFetched, cap]);
}
