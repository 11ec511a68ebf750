import type { CommandReply, StationState } from '#core/api/station-api.ts';
import { checkProgress } from '../rules/completeness-checks.ts';
import { orderCompleteness } from '../rules/replica-lookup.ts';
import { loadedProductionOrder, recordProgress } from './production-commands.ts';
import { refuse, type StationContext } from './station-context.ts';
import type { HeldUnitsEntry, WorkState } from './work-state.ts';

/** How long a "+1 unit done" (or "+N") stays undoable before it is recorded. */
export const UNIT_GRACE_MS = 5_000;

const sameEntry = (a: HeldUnitsEntry, order: string, step: string) =>
  a.order === order && a.step === step;

/** A step named in a message: `step`, and `step_zh` when the order's bill names it in Chinese. */
function stepParams(
  station: StationContext,
  orderCode: string,
  step: string,
): Record<string, string> {
  const { replica } = station.options;
  const order = replica.order(orderCode);
  const zh = order
    ? orderCompleteness(order, replica).steps.find((entry) => entry.step === step)?.stepZh
    : undefined;
  return zh ? { step, step_zh: zh } : { step };
}

/** What the screen shows of the loaded order's held units. */
export const heldUnitsView = (work: WorkState): StationState['pendingUnits'] =>
  work.heldUnits
    .filter((entry) => entry.order === work.order)
    .map(({ step, units, commitAt }) => ({ step, units, commitAt }));

/**
 * Units done, held for a grace period before they go on record (docs/station.md "Undo").
 * A tap adds to the step's held units and moves its deadline; undo drops them, nothing
 * recorded; when the deadline passes they are recorded as one cumulative
 * `progress.reported`, the same event a direct report makes, so the server's checks and
 * its monotone count hold unchanged. The held units live in the work state: the event
 * that records them removes them in the same transaction, so a unit is never counted
 * twice, and a restart records what was held instead of losing it.
 */
export class HeldUnits {
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly station: StationContext,
    private readonly graceMs: number = UNIT_GRACE_MS,
  ) {}

  /** Hold `units` more through `step` of the loaded order; refused as a report would be. */
  add(step: string, units: number): CommandReply {
    const { options, journal, feed, now } = this.station;
    const atHand = loadedProductionOrder(this.station);
    if ('reply' in atHand) return atHand.reply;
    const { work, orderCode, order } = atHand;
    const held = work.heldUnits.find((entry) => sameEntry(entry, orderCode, step));
    const recorded = work.progress[orderCode]?.[step] ?? 0;
    const total = recorded + (held?.units ?? 0) + units;
    const checked = checkProgress(order, options.replica, step, total, null);
    if (!checked.ok) return { ok: false, error: checked.message };
    if (total > checked.unitsOrdered) {
      const remaining = Math.max(0, checked.unitsOrdered - recorded - (held?.units ?? 0));
      return refuse('units_too_many', { remaining, ...stepParams(this.station, orderCode, step) });
    }
    const entry: HeldUnitsEntry = {
      order: orderCode,
      step,
      units: (held?.units ?? 0) + units,
      operator: work.operator?.code ?? null,
      commitAt: new Date(now().getTime() + this.graceMs).toISOString(),
    };
    const others = work.heldUnits.filter((e) => !sameEntry(e, orderCode, step));
    journal.update({ ...work, heldUnits: [...others, entry] });
    this.schedule();
    feed.publish();
    // The screen shows the held units with their undo (state.pendingUnits): no notice over them.
    return feed.reply();
  }

  /** Drop the units held for `step` of the loaded order: nothing of them is recorded. */
  undo(step: string): CommandReply {
    const { journal, feed } = this.station;
    const work = journal.work;
    const held = work.order
      ? work.heldUnits.find((entry) => sameEntry(entry, work.order as string, step))
      : undefined;
    if (!held) return refuse('nothing_to_undo', { step });
    journal.update({ ...work, heldUnits: work.heldUnits.filter((e) => e !== held) });
    feed.publish();
    const params = { units: held.units, ...stepParams(this.station, held.order, step) };
    return feed.reply({ note: { key: 'units_undone', params } });
  }

  /**
   * Record every held entry whose grace period is over (all of them with `all`). Each is
   * recorded as the step's new cumulative count and leaves the held list in that same
   * transaction. Held units a check now refuses (the order was held meanwhile) are dropped
   * and said on the stream, never recorded behind the operator's back.
   */
  commitDue(all = false): void {
    const { options, journal, feed, now } = this.station;
    if (!options.db.open) return;
    const time = now().getTime();
    for (;;) {
      const work = journal.work;
      const due = work.heldUnits.find((e) => all || Date.parse(e.commitAt) <= time);
      if (!due) break;
      const rest = work.heldUnits.filter((e) => e !== due);
      const order = options.replica.order(due.order);
      const recorded = work.progress[due.order]?.[due.step] ?? 0;
      const checked = order
        ? checkProgress(order, options.replica, due.step, recorded + due.units, null)
        : null;
      if (!checked?.ok) {
        journal.update({ ...work, heldUnits: rest });
        feed.notice(checked ? checked.message : { key: 'no_order_loaded', params: {} });
        continue;
      }
      recordProgress(
        journal,
        { ...work, heldUnits: rest },
        { order: due.order, step: due.step, ...checked },
        null,
        due.operator,
      );
    }
    this.schedule();
    feed.publish();
  }

  /** One timer, for the earliest deadline still held. */
  schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const held = this.station.journal.work.heldUnits;
    if (held.length === 0) return;
    const next = Math.min(...held.map((e) => Date.parse(e.commitAt)));
    const wait = Math.max(0, next - this.station.now().getTime());
    this.#timer = setTimeout(() => this.commitDue(), wait + 10);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
