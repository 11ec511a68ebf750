import type { CommandReply } from '#core/api/station-api.ts';
import { checkDispatch } from '../rules/shipping.ts';
import { refuse, type StationContext } from './station-context.ts';

/** What a shipping station does beyond a scan: dispatch what was scanned, or drop a block. */
export class ShippingCommands {
  constructor(private readonly station: StationContext) {}

  /** Everything scanned leaves together, one event per package; refused as checkDispatch says. */
  dispatch(): CommandReply {
    const { options, journal, feed, gate } = this.station;
    if (options.identity.role !== 'shipping') return refuse('wrong_role');
    const missing = gate.operatorMissing();
    if (missing) return missing;
    const allowed = checkDispatch(
      { order: journal.work.order, ...journal.work.shipping },
      options.replica,
    );
    if (!allowed.ok) return { ok: false, error: allowed.message };
    const carrier = options.replica.order(allowed.order)?.carrier ?? null;
    for (const [index, pkg] of allowed.packages.entries()) {
      const last = index === allowed.packages.length - 1;
      const work = journal.work;
      journal.record(
        { type: 'package.dispatched', order: allowed.order, package: pkg, carrier },
        // The dock moves on by itself: free for the next order's first package.
        last ? { ...work, order: null, shipping: { scanned: [], blocked: null } } : work,
      );
    }
    feed.publish();
    const count = allowed.packages.length;
    return feed.reply({ note: { key: 'dispatched', params: { count, order: allowed.order } } });
  }

  /** The clerk took the wrong package off the pallet: dispatch may go on. */
  dismissBlock(): CommandReply {
    const { options, journal, feed } = this.station;
    if (options.identity.role !== 'shipping') return refuse('wrong_role');
    const work = journal.work;
    journal.update({ ...work, shipping: { ...work.shipping, blocked: null } });
    feed.publish();
    return feed.reply();
  }
}
