import { multiHostSuite } from '../helpers/multi-host-suite';
import { useStack } from '../helpers/stack';

/** The multi-host tests again, on the production stack (PostgreSQL, the Temporal server from its parts). */
describe('a build whose agents are on two hosts, on the production stack', () => {
  const stack = useStack('stack-hosts');
  multiHostSuite(() => stack.address);
});
