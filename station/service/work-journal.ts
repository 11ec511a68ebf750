import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import { applyLocalEffect } from '#db/local-effects.ts';
import type { StationOptions } from './station-context.ts';
import { loadWork, saveWork, type WorkState } from './work-state.ts';

/**
 * The station's work state and the one way to change it together with the replica: an event,
 * its replica effect and the new work state are written in one transaction, then sync is
 * asked to push (kick) without waiting for it.
 */
export class WorkJournal {
  #work: WorkState;

  constructor(
    private readonly options: Pick<StationOptions, 'db' | 'store' | 'outbox' | 'identity' | 'sync'>,
    private readonly now: () => Date,
  ) {
    this.#work = loadWork(options.store);
  }

  get work(): WorkState {
    return this.#work;
  }

  /**
   * The effect runs before the envelope exists, so it gets a provisional one with the same
   * body and time (all applyLocalEffect reads).
   */
  record(
    body: StationEventBody,
    next: WorkState = this.#work,
    operator: string | null = this.#work.operator?.code ?? null,
  ): StationEvent {
    const { db, store, outbox, identity } = this.options;
    const { event } = outbox.record(body, operator, () => {
      const provisional: StationEvent = {
        id: '',
        stationId: identity.id,
        seq: 0,
        operator,
        stationTime: this.now().toISOString(),
        body,
      };
      applyLocalEffect(db, provisional);
      // Most decisions leave the work as it was (a resource consumed): rewriting it would
      // add a page to the commit the verdict waits for (docs/performance.md "scan_verdict").
      if (next !== this.#work) saveWork(store, next);
    });
    this.#work = next;
    this.kickSoon();
    return event;
  }

  /**
   * Several events as one commit (a job card's decision and the order it loads): the verdict
   * waits for one `fsync`, not one per event, and a crash keeps both or neither.
   */
  together<T>(work: () => T): T {
    const before = this.#work;
    try {
      return this.options.outbox.durably(work);
    } catch (error) {
      this.#work = before;
      throw error;
    }
  }

  #kickPending: NodeJS.Immediate | null = null;

  /** Push after the verdict is out: reading the outbox for a push is not the operator's wait. */
  private kickSoon(): void {
    if (!this.options.sync || this.#kickPending) return;
    this.#kickPending = setImmediate(() => {
      this.#kickPending = null;
      this.options.sync?.kick();
    });
  }

  /** A change of work that is no event (a login, a dismissed block). */
  update(next: WorkState): void {
    saveWork(this.options.store, next);
    this.#work = next;
  }
}
