/**
 * One run of a job at a time, and no call lost: a call made while a run is under way is
 * answered by one more run after it (however many calls came in meanwhile). A change notice
 * that arrives while a pull is in flight is such a call — the pull in flight may have read
 * the change log before that change was committed.
 */
export class CoalescedRun {
  private current: Promise<void> | undefined;
  private again = false;

  constructor(private readonly job: () => Promise<void>) {}

  /** Settles when the job has run to completion after this call, or failed. */
  run(): Promise<void> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.current = this.loop();
    return this.current;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Settles (never rejects) once no run is under way. */
  async settled(): Promise<void> {
    await this.current?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.job();
      } while (this.again);
    } finally {
      this.current = undefined;
    }
  }
}
