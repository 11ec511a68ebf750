import type { CommandReply } from '#core/api/station-api.ts';
import { checkProgress } from '../rules/completeness-checks.ts';
import { refuse, type StationContext } from './station-context.ts';

/** What a production station does beyond a scan: report units done through a step. */
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
    if (options.identity.role !== 'production') return refuse('wrong_role');
    const missing = gate.operatorMissing();
    if (missing) return missing;
    const work = journal.work;
    if (work.lineStop) return refuse('line_stopped');
    const orderCode = work.order;
    const order = orderCode ? options.replica.order(orderCode) : undefined;
    if (!orderCode || !order) return refuse('no_order_loaded');
    const override = gate.override(overrideInput);
    if (!override.ok) return override.reply;
    const checked = checkProgress(order, options.replica, step, unitsDone, override.override);
    if (!checked.ok) return { ok: false, error: checked.message };
    const progress = {
      ...work.progress,
      [orderCode]: { ...work.progress[orderCode], [step]: checked.unitsDone },
    };
    journal.record(
      {
        type: 'progress.reported',
        order: orderCode,
        step,
        unitsDone: checked.unitsDone,
        unitsOrdered: checked.unitsOrdered,
        override: override.override,
      },
      { ...work, progress },
    );
    feed.publish();
    return feed.reply(
      override.override
        ? { note: { key: 'override_recorded', params: { reason: override.override.reason } } }
        : {},
    );
  }
}
