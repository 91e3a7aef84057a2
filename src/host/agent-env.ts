/**
 * The environment a launch gives an agent's session, shared by the launch itself and by `steward
 * doctor`'s probe pane, so the probe sees what an agent will.
 */

/** The Temporal settings agents' hooks need to reach the server (never the API key: the agent could read it). */
export function temporalEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'].flatMap((k) =>
      env[k] ? [[k, env[k]!]] : [],
    ),
  );
}

/** The PATH a launched program gets: Steward's bin dir first, then the backend's PATH or the worker's. */
export function launchPath(binDir: string, backendEnv: Record<string, string>): string {
  return `${binDir}:${backendEnv.PATH ?? process.env.PATH ?? ''}`;
}
