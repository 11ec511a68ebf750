import type { CommandReply } from '#core/api/station-api.ts';
import { checkProgress } from '../rules/completeness-checks.ts';
import type { Override } from '#core/events/station-events.ts';
import { refuse, type StationContext } from './station-context.ts';
import type { WorkJournal } from './work-journal.ts';
import type { WorkState } from './work-state.ts';

/**
 * Units through a step on record: one cumulative `progress.reported` and the work's count,
 * written together; `work` is the work state to change (held units already taken out).
 */
export function recordProgress(
  journal: WorkJournal,
  work: WorkState,
  report: { order: string; step: string; unitsDone: number; unitsOrdered: number },
  override: Override | null,
  operator?: string | null,
): void {
  const { order, step, unitsDone, unitsOrdered } = report;
  const progress = { ...work.progress, [order]: { ...work.progress[order], [step]: unitsDone } };
  journal.record(
    { type: 'progress.reported', order, step, unitsDone, unitsOrdered, override },
    { ...work, progress },
    ...(operator === undefined ? [] : [operator]),
  );
}

/** What a production station does beyond a scan: report units done through a step. */
/**
 * What a report of units done needs before its own rule: a production station, an operator,
 * a line not stopped and an order loaded that the replica knows. Else the refusal to answer.
 */
export function loadedProductionOrder(station: StationContext):
  | { reply: CommandReply }
  | {
      work: WorkState;
      orderCode: string;
      order: NonNullable<ReturnType<StationContext['options']['replica']['order']>>;
    } {
  const { options, journal, gate } = station;
  if (options.identity.role !== 'production') return { reply: refuse('wrong_role') };
  const missing = gate.operatorMissing();
  if (missing) return { reply: missing };
  const work = journal.work;
  if (work.lineStop) return { reply: refuse('line_stopped') };
  const orderCode = work.order;
  const order = orderCode ? options.replica.order(orderCode) : undefined;
  if (!orderCode || !order) return { reply: refuse('no_order_loaded') };
  return { work, orderCode, order };
}

export class ProductionCommands {
  constructor(private readonly station: StationContext) {}

  /**
   * Units done through a step of the loaded order. Refused while the step's materials (all of
   * them, for the finished step) are not consumed, unless a supervisor overrides.
   */
  reportProgress(
    step: string,
    unitsDone: number,
    overrideInput?: { badge: string; reason: string },
  ): CommandReply {
    const { options, journal, feed, gate } = this.station;
    const atHand = loadedProductionOrder(this.station);
    if ('reply' in atHand) return atHand.reply;
    const { work, orderCode, order } = atHand;
    const override = gate.override(overrideInput);
    if (!override.ok) return override.reply;
    const checked = checkProgress(order, options.replica, step, unitsDone, override.override);
    if (!checked.ok) return { ok: false, error: checked.message };
    recordProgress(journal, work, { order: orderCode, step, ...checked }, override.override);
    feed.publish();
    return feed.reply(
      override.override
        ? { note: { key: 'override_recorded', params: { reason: override.override.reason } } }
        : {},
    );
  }
}
