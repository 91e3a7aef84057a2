import { privateServer, useHarness } from '../helpers/harness';
import { buildCarriesOnThrough } from '../helpers/disruption';

describe('Temporal server restart mid-build', () => {
  const server = privateServer('restart');
  const h = useHarness('restart', { address: () => server.address });

  it('the server stops and starts again on the same SQLite file; the build carries on', async () => {
    await buildCarriesOnThrough(h, { down: server.stop, up: server.start });
  });
});
