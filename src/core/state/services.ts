/** A service's supervision state (see `serviceDecision`). */
export interface ServiceState {
  /** Id of the current launch, so a retried start does not start the service twice. */
  launchId: string;
  startedAt: number | null;
  alive: boolean;
  restarts: number;
}
