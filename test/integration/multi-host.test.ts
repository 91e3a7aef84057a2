import { multiHostSuite } from '../helpers/multi-host-suite';

describe('a build whose agents are on two hosts (the dev server)', () => multiHostSuite());
