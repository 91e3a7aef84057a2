import type { ObserveRequest } from '../../src/core/observe-request';
import { requestForAttempt } from '../../src/core/observe-retry';

const request: ObserveRequest = {
  waitMs: 15_000,
  quiet: { forMs: 120_000, signature: 'sig' },
  config: { file: '/srv/steward/team.toml', knownHash: 'hash-0' },
  tokens: null,
  agents: { builder: 'team-builder' },
  paneDigests: { builder: 'digest-1' },
  repo: {
    dir: '/srv/steward/work',
    sinceSha: 'abc',
    fetch: true,
    statusPath: 'state/STATUS-p1.md',
    doneMarker: '## DONE',
    inboxes: [],
  },
};

describe('requestForAttempt', () => {
  test('the first attempt does as the workflow asked: its wait and its quiet spell', () => {
    expect(requestForAttempt(request, 1)).toBe(request);
  });

  test.each([2, 3, 5])(
    'attempt %i looks at once and reports: no wait, no quiet spell, the rest as asked',
    (attempt) => {
      const { quiet: _spell, ...rest } = request;
      const retry = requestForAttempt(request, attempt);
      expect(retry).toEqual({ ...rest, waitMs: 0 });
      expect('quiet' in retry).toBe(false);
    },
  );

  test('a request without a quiet spell loses only its wait; the request itself is left as it was', () => {
    const plain: ObserveRequest = { ...request };
    delete plain.quiet;
    const retry = requestForAttempt(plain, 2);
    expect(retry).toEqual({ ...plain, waitMs: 0 });
    expect(plain.waitMs).toBe(15_000);
    expect(request.quiet).toEqual({ forMs: 120_000, signature: 'sig' });
  });
});
