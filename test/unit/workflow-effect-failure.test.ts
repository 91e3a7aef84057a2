import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { effectFailure } from '../../src/workflows/activity-failures';
import { HOST_UNREACHABLE } from '../../src/core/state/effects';

/** An activity's failure as the workflow gets it: an ActivityFailure wrapping what went wrong. */
const failed = (cause: Error) =>
  new ActivityFailure('Activity task failed', 'sendToAgent', '7', undefined as never, undefined, cause);

describe("effectFailure: what the workflow keeps of an effect's failure", () => {
  test('no worker of its host took it in time: HostUnreachable (it never ran)', () => {
    const timeout = new TimeoutFailure('activity ScheduleToStart timeout', undefined, 'SCHEDULE_TO_START');
    expect(effectFailure(failed(timeout))).toEqual({
      type: HOST_UNREACHABLE,
      message: 'activity ScheduleToStart timeout',
    });
  });

  test('a timeout once it ran is no such thing: it may have done its work', () => {
    const timeout = new TimeoutFailure('activity StartToClose timeout', undefined, 'START_TO_CLOSE');
    expect(effectFailure(failed(timeout))).toEqual({ type: undefined, message: 'activity StartToClose timeout' });
  });

  test("an activity's own failure keeps its type", () => {
    const gone = ApplicationFailure.create({ type: 'AgentGone', message: 'session x is not running' });
    expect(effectFailure(failed(gone))).toEqual({ type: 'AgentGone', message: 'session x is not running' });
  });
});
