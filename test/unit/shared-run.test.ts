import { SharedRun } from '../../src/host/shared-run';

/** A run the test ends by hand, numbered in the order runs started. */
function manualWork() {
  const runs: { n: number; finish: () => void; fail: (e: Error) => void }[] = [];
  const work = () =>
    new Promise<number>((resolve, reject) => {
      const n = runs.length + 1;
      runs.push({ n, finish: () => resolve(n), fail: reject });
    });
  return { runs, work };
}

/** Long enough for SharedRun to start what it was asked for (it waits a turn of the event loop). */
const turn = () => new Promise((r) => setTimeout(r, 10));

describe('SharedRun', () => {
  it('gives callers in the same turn one run', async () => {
    const { runs, work } = manualWork();
    const shared = new SharedRun(work);
    const answers = Promise.all([shared.get(), shared.get(), shared.get()]);
    await turn();
    expect(runs).toHaveLength(1);
    runs[0]!.finish();
    expect(await answers).toEqual([1, 1, 1]);
  });

  it('never answers a caller with a run that started before it asked', async () => {
    const { runs, work } = manualWork();
    const shared = new SharedRun(work);
    const first = shared.get();
    await turn();
    // Run 1 is under way: these two wait for it, then share run 2.
    const later = [shared.get(), shared.get()];
    await turn();
    expect(runs).toHaveLength(1);
    runs[0]!.finish();
    expect(await first).toBe(1);
    await turn();
    expect(runs).toHaveLength(2);
    runs[1]!.finish();
    expect(await Promise.all(later)).toEqual([2, 2]);
  });

  it('passes a failed run to its callers only; the next caller gets a new run', async () => {
    const { runs, work } = manualWork();
    const shared = new SharedRun(work);
    const failing = shared.get();
    await turn();
    runs[0]!.fail(new Error('no tmux'));
    await expect(failing).rejects.toThrow('no tmux');
    const next = shared.get();
    await turn();
    runs[1]!.finish();
    expect(await next).toBe(2);
  });
});
