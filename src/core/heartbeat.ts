/**
 * How the long activities (`observe`, `launchAgent`) show they are alive. They heartbeat every
 * HEARTBEAT_EVERY_MS for as long as they run, child processes included (a slow `git fetch` too:
 * src/activities/heartbeat-ticker.ts), and the worker sends each heartbeat on at once (its
 * throttle is HEARTBEAT_EVERY_MS, src/workers/worker.ts). So the server can give such an activity
 * up after a few missed beats: HEARTBEAT_TIMEOUT_MS is what a SIGKILLed worker costs a build
 * before its in-flight activity is retried elsewhere (docs/performance.md, "Recovery time").
 */
export const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Three beats: a late timer or a slow round trip to the server is not taken for a dead worker. The
 * longest gap between beats the server received with the cores overloaded (bench:recovery's loaded
 * window, load average 9–13) was 1.58 s, so 1.4 s is to spare. 500 ms beats with a 2 s timeout
 * recovered 0.6 s sooner but took a dev server restart for a dead worker (docs/performance.md,
 * "Recovery time").
 */
export const HEARTBEAT_TIMEOUT_MS = 3 * HEARTBEAT_EVERY_MS;
