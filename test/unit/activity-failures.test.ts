import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../src/activities';
import { activityFailure, mapHostErrors } from '../../src/activities/failures';
import { HostError, InvalidInputError } from '../../src/host/errors';
import { Tmux } from '../../src/host/tmux';
import { quietLogger } from './support/quiet-logger';

/** Host code throws plain errors with a stable code; the activities turn them into the failures the workflow reads. */
describe('host errors at the activity boundary', () => {
  it('tmux refuses an unsafe session name with a plain InvalidInputError, before running tmux', async () => {
    const err = await new Tmux('steward-never-started').hasSession('a:b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err).toBeInstanceOf(HostError);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({
      code: 'InvalidInput',
      message: expect.stringMatching(/^unsafe session name: `a:b` is not a safe name/),
    });
  });

  it('a host error becomes a non-retryable ApplicationFailure of its code, message and stack kept', () => {
    const err = new InvalidInputError('unsafe session name: `a:b` is not a safe name');
    const failure = activityFailure(err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'InvalidInput', nonRetryable: true, message: err.message });
    expect((failure as ApplicationFailure).stack).toBe(err.stack);
  });

  it('anything else passes unchanged: a plain Error stays retryable, an ApplicationFailure keeps its type', () => {
    const plain = new Error('tmux new-session x: no server');
    const gone = ApplicationFailure.nonRetryable('session x is not running', 'AgentGone');
    expect(activityFailure(plain)).toBe(plain);
    expect(activityFailure(gone)).toBe(gone);
    expect(activityFailure('a string')).toBe('a string');
  });

  it('mapHostErrors keeps results and names, and maps what each function throws', async () => {
    const wrapped = mapHostErrors({
      ok: async (n: number) => n + 1,
      unsafe: async () => {
        throw new InvalidInputError('unsafe');
      },
      plain: async () => {
        throw new Error('flaky');
      },
    });
    expect(Object.keys(wrapped)).toEqual(['ok', 'unsafe', 'plain']);
    await expect(wrapped.ok(1)).resolves.toBe(2);
    await expect(wrapped.unsafe()).rejects.toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
      message: 'unsafe',
    });
    await expect(wrapped.plain()).rejects.toThrow(new Error('flaky'));
  });

  it('a real activity fails with the same failure as before the move: InvalidInput, not retried', async () => {
    const activities = createActivities({ tmux: new Tmux('steward-never-started'), binDir: '/nonexistent' });
    const failure = await new MockActivityEnvironment(undefined, { logger: quietLogger })
      .run(activities.sendToAgent, { session: 'no:colons', text: 'hello', submitKey: 'Enter' })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
      message: expect.stringMatching(/^unsafe session name: /),
    });
  });
});
