/**
 * The Temporal production stack from its parts, without Docker (docs/deployment.md):
 *
 *   npm run stack:up      # PostgreSQL + schema + Temporal server + namespace and search attributes
 *   npm run stack:down    # stops the server, then PostgreSQL; the data stays in .steward/stack/
 *
 * Versions and ports come from temporal-stack.env; the work is src/client/stack/.
 */
import { DEFAULT_STACK_DIR, readStackSettings, stackDown, stackUp } from '../src/client/stack/stack';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(command: string | undefined): Promise<void> {
  if (command === 'up') {
    const up = await stackUp(DEFAULT_STACK_DIR, readStackSettings(), log);
    log(`stack up in ${up.seconds.total}s: ${JSON.stringify(up.seconds)}`);
    console.log(`TEMPORAL_ADDRESS=${up.address} TEMPORAL_NAMESPACE=${up.namespace}`);
  } else if (command === 'down') {
    await stackDown(DEFAULT_STACK_DIR, log);
  } else {
    throw new Error('usage: scripts/stack.ts up|down');
  }
}

main(process.argv[2]).then(
  () => process.exit(0),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
