import { hostname } from 'node:os';

/** A stable id for this host: agents' tmux sessions live here, so its activity queue is named after it. */
export function hostId(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.STEWARD_HOST_ID || hostname();
  return (
    raw
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '-')
      .slice(0, 63) || 'localhost'
  );
}
