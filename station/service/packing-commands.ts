import type { CommandReply } from '#core/api/station-api.ts';
import { mintOrderScopedCode, parseCode } from '#core/codes/formats.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { packageSscc, takeSscc } from '#db/sscc-store.ts';
import { checkClose } from '../rules/completeness-checks.ts';
import { checkUnitLabel } from '../rules/unit-label.ts';
import type { LabelJob } from './label-desk.ts';
import { packageLabelJob, unitLabelJob } from './package-label.ts';
import { refuse, type StationContext } from './station-context.ts';

/** What a packing station does beyond a scan: close packages, print their labels and unit labels. */
export class PackingCommands {
  constructor(private readonly station: StationContext) {}

  /**
   * Close the gathered units into the next package and print its label. With units of the
   * order still to pack it closes only as a partial package (asked for), or as the last one
   * with a supervisor's override; the last package names the order's package count.
   */
  async closePackage(
    options: { partial?: boolean; override?: { badge: string; reason: string } } = {},
  ): Promise<CommandReply> {
    const { options: station, now, journal, feed, gate } = this.station;
    if (station.identity.role !== 'packing') return refuse('wrong_role');
    const missing = gate.operatorMissing();
    if (missing) return missing;
    const work = journal.work;
    if (work.packing.awaitingVerify) return refuse('verify_label_first');
    const orderCode = work.order;
    const units = work.packing.units;
    const order = orderCode ? station.replica.order(orderCode) : undefined;
    if (!orderCode || !order || units.length === 0) return refuse('nothing_to_close');
    const override = gate.override(options.override);
    if (!override.ok) return override.reply;
    const checked = checkClose(order, station.replica, units.length, {
      partial: options.partial ?? false,
      override: override.override,
    });
    if (!checked.ok) return { ok: false, error: checked.message };
    const { number, of } = checked;
    const pkg = mintOrderScopedCode('package', orderCode, number);
    journal.record(
      {
        type: 'package.closed',
        order: orderCode,
        package: pkg,
        sscc: takeSscc(station.db, pkg, now()),
        units: [...units],
        number,
        of,
        override: override.override,
      },
      { ...work, packing: { units: [], awaitingVerify: { package: pkg, number, of } } },
    );
    feed.publish();
    const printed = await this.printLabel(pkg, null);
    if (!printed.ok || of !== null) return printed;
    return feed.reply({
      note: { key: 'package_partial', params: { number, remaining: checked.remaining } },
    });
  }

  print(pkg: string): Promise<CommandReply> {
    return this.printLabel(pkg, null);
  }

  reprint(pkg: string, reason: string): Promise<CommandReply> {
    return this.printLabel(pkg, reason);
  }

  private async printLabel(pkg: string, reprintReason: string | null): Promise<CommandReply> {
    const { options } = this.station;
    if (options.identity.role !== 'packing') return refuse('wrong_role');
    const parsed = parseCode(pkg);
    if (!parsed.valid || parsed.kind !== 'package' || !parsed.order || !parsed.serial) {
      return refuse('unknown_code');
    }
    const order = options.replica.order(parsed.order);
    if (!order) return refuse('unknown_code');
    const of = options.replica.package(pkg)?.of ?? order.packageCount;
    const sscc = packageSscc(options.db, pkg);
    return this.printJob(packageLabelJob(order, parsed.serial, of, pkg, sscc), reprintReason);
  }

  /** One unit's label (lost or damaged), checked by the rules, printed and on record. */
  async printUnitLabel(unit: string): Promise<CommandReply> {
    const { options, gate } = this.station;
    if (options.identity.role !== 'packing') return refuse('wrong_role');
    const missing = gate.operatorMissing();
    if (missing) return missing;
    const checked = checkUnitLabel(unit, options.replica);
    if (!checked.ok) return { ok: false, error: checked.message };
    return this.printJob(unitLabelJob(checked.order, checked.unit, checked.serial), null);
  }

  /** Send a label through the desk; a label that went out is on record (label.printed). */
  private async printJob(job: LabelJob, reprintReason: string | null): Promise<CommandReply> {
    const { labels, journal, feed } = this.station;
    try {
      await labels.print(job);
    } catch (error) {
      feed.publish();
      return refuse('print_failed', { detail: messageOf(error) });
    }
    journal.record({ type: 'label.printed', code: job.code, reprintReason });
    feed.publish();
    return feed.reply();
  }
}
