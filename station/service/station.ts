import type { CommandReply } from '#core/api/station-api.ts';
import { mintOrderScopedCode, parseCode } from '#core/codes/formats.ts';
import { nextPackageNumber } from '../rules/packing.ts';
import { checkDispatch } from '../rules/shipping.ts';
import { packageLabel } from './package-label.ts';
import { refuse, StationService } from './station-service.ts';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The station's commands beyond a scan: progress, packages and their labels, dispatch and
 * the supervisor's clearance. Each checks its role and the work state, records its event
 * through the outbox, and answers with the new state.
 */
export class Station extends StationService {
  reportProgress(step: string, unitsDone: number): CommandReply {
    if (this.role !== 'production') return refuse('wrong_role');
    if (this.work.lineStop) return refuse('line_stopped');
    const orderCode = this.work.order;
    const order = orderCode ? this.options.replica.order(orderCode) : undefined;
    if (!orderCode || !order) return refuse('no_order_loaded');
    const unitsOrdered = Math.max(1, order.unitsOrdered);
    const done = Math.min(unitsDone, unitsOrdered);
    const progress = {
      ...this.work.progress,
      [orderCode]: { ...this.work.progress[orderCode], [step]: done },
    };
    this.record(
      { type: 'progress.reported', order: orderCode, step, unitsDone: done, unitsOrdered },
      { ...this.work, progress },
    );
    this.publish();
    return this.reply();
  }

  /** Close the gathered units into the next package and print its label. */
  async closePackage(): Promise<CommandReply> {
    if (this.role !== 'packing') return refuse('wrong_role');
    if (this.work.packing.awaitingVerify) return refuse('verify_label_first');
    const orderCode = this.work.order;
    const units = this.work.packing.units;
    const order = orderCode ? this.options.replica.order(orderCode) : undefined;
    if (!orderCode || !order || units.length === 0) return refuse('nothing_to_close');
    const number = nextPackageNumber(orderCode, this.options.replica);
    const of = Math.max(order.packageCount, number);
    const pkg = mintOrderScopedCode('package', orderCode, number);
    this.record(
      {
        type: 'package.closed',
        order: orderCode,
        package: pkg,
        sscc: null,
        units: [...units],
        number,
        of,
      },
      { ...this.work, packing: { units: [], awaitingVerify: { package: pkg, number, of } } },
    );
    this.publish();
    return this.printLabel(pkg, null);
  }

  print(pkg: string): Promise<CommandReply> {
    return this.printLabel(pkg, null);
  }

  reprint(pkg: string, reason: string): Promise<CommandReply> {
    return this.printLabel(pkg, reason);
  }

  private async printLabel(pkg: string, reprintReason: string | null): Promise<CommandReply> {
    if (this.role !== 'packing') return refuse('wrong_role');
    const parsed = parseCode(pkg);
    if (!parsed.valid || parsed.kind !== 'package' || !parsed.order || !parsed.serial) {
      return refuse('unknown_code');
    }
    const order = this.options.replica.order(parsed.order);
    if (!order) return refuse('unknown_code');
    const of = Math.max(order.packageCount, parsed.serial);
    try {
      const document = await packageLabel(
        order,
        parsed.serial,
        of,
        this.options.devices.printerAccepts(),
      );
      await this.options.devices.print(document);
    } catch (error) {
      this.publish();
      return refuse('print_failed', { detail: messageOf(error) });
    }
    this.record({ type: 'label.printed', code: pkg, reprintReason });
    this.publish();
    return this.reply();
  }

  /** Everything scanned leaves together, one event per package; refused as checkDispatch says. */
  dispatch(): CommandReply {
    if (this.role !== 'shipping') return refuse('wrong_role');
    const allowed = checkDispatch(
      { order: this.work.order, ...this.work.shipping },
      this.options.replica,
    );
    if (!allowed.ok) return { ok: false, error: allowed.message };
    const carrier = this.options.replica.order(allowed.order)?.carrier ?? null;
    for (const [index, pkg] of allowed.packages.entries()) {
      const last = index === allowed.packages.length - 1;
      this.record(
        { type: 'package.dispatched', order: allowed.order, package: pkg, carrier },
        last ? { ...this.work, shipping: { scanned: [], blocked: null } } : this.work,
      );
    }
    this.publish();
    return this.reply({
      note: {
        key: 'package_scanned',
        params: { count: allowed.packages.length, expected: allowed.packages.length },
      },
    });
  }

  /** The clerk took the wrong package off the pallet: dispatch may go on. */
  dismissBlock(): CommandReply {
    if (this.role !== 'shipping') return refuse('wrong_role');
    this.updateWork({ ...this.work, shipping: { ...this.work.shipping, blocked: null } });
    this.publish();
    return this.reply();
  }

  /** Only a supervisor's badge, with a reason, lifts a line stop; both go on record. */
  async clearLineStop(badgeCode: string, reason: string): Promise<CommandReply> {
    if (!this.work.lineStop) return refuse('not_stopped');
    const badge = this.options.replica.badge(badgeCode.trim().toUpperCase());
    if (!badge || badge.revoked || badge.role !== 'supervisor') return refuse('not_supervisor');
    this.record(
      { type: 'line.cleared', supervisor: badge.code, reason },
      { ...this.work, lineStop: null },
    );
    await this.options.devices.signal('clear');
    this.publish();
    return this.reply();
  }

  async testDevice(device: 'scanner' | 'printer' | 'lineStop'): Promise<CommandReply> {
    const { devices } = this.options;
    if (device === 'lineStop') {
      const ok =
        (await devices.signal('stop')) &&
        (await devices.signal(this.work.lineStop ? 'stop' : 'clear'));
      return ok
        ? this.reply({ note: { key: 'device_ok', params: {} } })
        : refuse('device_failed', { detail: devices.statuses.lineStop.message });
    }
    if (device === 'printer') {
      const order = this.work.order ? this.options.replica.order(this.work.order) : undefined;
      try {
        const sample = order ?? SAMPLE_ORDER;
        await devices.print(await packageLabel(sample, 1, 1, devices.printerAccepts()));
        return this.reply({ note: { key: 'device_ok', params: {} } });
      } catch (error) {
        return refuse('device_failed', { detail: messageOf(error) });
      }
    }
    const scanner = devices.statuses.scanner;
    return scanner.ok
      ? this.reply({ note: { key: 'device_ok', params: {} } })
      : refuse('device_failed', { detail: scanner.message });
  }
}

/** A test print before any order is loaded. */
const SAMPLE_ORDER = {
  code: 'RDWREKC0W9S',
  state: 'packed' as const,
  lineId: null,
  shipTo: 'Test print 测试打印',
  carrier: null,
  customerReference: null,
  unitsOrdered: 1,
  packageCount: 1,
  lines: [],
};
