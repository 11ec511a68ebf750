import { describe, expect, it } from 'vitest';
import { CoalescedRun } from './coalesced-run.ts';

/** A job whose runs the test finishes one by one. */
function gatedJob() {
  const finishers: (() => void)[] = [];
  const job = new CoalescedRun(() => new Promise<void>((resolve) => finishers.push(resolve)));
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { job, finishers, tick };
}

describe('CoalescedRun', () => {
  it('runs once more after the current run when called during it, however often', async () => {
    const { job, finishers, tick } = gatedJob();
    const first = job.run();
    const second = job.run();
    job.run();
    expect(finishers).toHaveLength(1);
    finishers[0]!();
    await tick();
    expect(finishers).toHaveLength(2);
    finishers[1]!();
    await Promise.all([first, second]);
    expect(finishers).toHaveLength(2);
    expect(job.running).toBe(false);
  });

  it('runs once when nobody calls during the run', async () => {
    const { job, finishers } = gatedJob();
    const only = job.run();
    finishers[0]!();
    await only;
    expect(finishers).toHaveLength(1);
  });

  it('rejects the callers of a failed run and starts afresh on the next call', async () => {
    let calls = 0;
    const job = new CoalescedRun(async () => {
      calls++;
      if (calls === 1) throw new Error('server unreachable');
    });
    await expect(job.run()).rejects.toThrow('server unreachable');
    await job.settled();
    await job.run();
    expect(calls).toBe(2);
  });
});
