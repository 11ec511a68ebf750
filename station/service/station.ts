import type { CommandReply } from '#core/api/station-api.ts';
import { mintOrderScopedCode, parseCode } from '#core/codes/formats.ts';
import type { Override } from '#core/events/station-events.ts';
import { checkClose, checkOverride, checkProgress } from '../rules/completeness-checks.ts';
import { checkDispatch } from '../rules/shipping.ts';
import type { OrderRecord } from '../rules/replica-lookup.ts';
import { packageLabel } from './package-label.ts';
import { packageSscc, takeSscc } from '#db/sscc-store.ts';
import { refuse, StationService } from './station-service.ts';
import { messageOf } from '#core/errors/message-of.ts';

/**
 * The station's commands beyond a scan: progress, packages and their labels, dispatch and
 * the supervisor's clearance. Each checks its role and the work state, records its event
 * through the outbox, and answers with the new state.
 */
export class Station extends StationService {
  /** A supervisor's override from a command's input, or the refusal that says why not. */
  private override(
    input: { badge: string; reason: string } | undefined,
  ): { ok: true; override: Override | null } | { ok: false; reply: CommandReply } {
    if (!input) return { ok: true, override: null };
    const checked = checkOverride(input, this.options.replica);
    return checked.ok ? checked : { ok: false, reply: { ok: false, error: checked.message } };
  }

  /**
   * Units done through a step of the loaded order. Refused while the step's materials (all of
   * them, for the finished step) are not consumed, unless a supervisor overrides.
   */
  reportProgress(
    step: string,
    unitsDone: number,
    overrideInput?: { badge: string; reason: string },
  ): CommandReply {
    if (this.role !== 'production') return refuse('wrong_role');
    const missing = this.operatorMissing();
    if (missing) return missing;
    if (this.work.lineStop) return refuse('line_stopped');
    const orderCode = this.work.order;
    const order = orderCode ? this.options.replica.order(orderCode) : undefined;
    if (!orderCode || !order) return refuse('no_order_loaded');
    const override = this.override(overrideInput);
    if (!override.ok) return override.reply;
    const checked = checkProgress(order, this.options.replica, step, unitsDone, override.override);
    if (!checked.ok) return { ok: false, error: checked.message };
    const progress = {
      ...this.work.progress,
      [orderCode]: { ...this.work.progress[orderCode], [step]: checked.unitsDone },
    };
    this.record(
      {
        type: 'progress.reported',
        order: orderCode,
        step,
        unitsDone: checked.unitsDone,
        unitsOrdered: checked.unitsOrdered,
        override: override.override,
      },
      { ...this.work, progress },
    );
    this.publish();
    return this.reply(
      override.override
        ? { note: { key: 'override_recorded', params: { reason: override.override.reason } } }
        : {},
    );
  }

  /**
   * Close the gathered units into the next package and print its label. With units of the
   * order still to pack it closes only as a partial package (asked for), or as the last one
   * with a supervisor's override; the last package names the order's package count.
   */
  async closePackage(
    options: { partial?: boolean; override?: { badge: string; reason: string } } = {},
  ): Promise<CommandReply> {
    if (this.role !== 'packing') return refuse('wrong_role');
    const missing = this.operatorMissing();
    if (missing) return missing;
    if (this.work.packing.awaitingVerify) return refuse('verify_label_first');
    const orderCode = this.work.order;
    const units = this.work.packing.units;
    const order = orderCode ? this.options.replica.order(orderCode) : undefined;
    if (!orderCode || !order || units.length === 0) return refuse('nothing_to_close');
    const override = this.override(options.override);
    if (!override.ok) return override.reply;
    const checked = checkClose(order, this.options.replica, units.length, {
      partial: options.partial ?? false,
      override: override.override,
    });
    if (!checked.ok) return { ok: false, error: checked.message };
    const { number, of } = checked;
    const pkg = mintOrderScopedCode('package', orderCode, number);
    this.record(
      {
        type: 'package.closed',
        order: orderCode,
        package: pkg,
        sscc: takeSscc(this.options.db, pkg, this.now()),
        units: [...units],
        number,
        of,
        override: override.override,
      },
      { ...this.work, packing: { units: [], awaitingVerify: { package: pkg, number, of } } },
    );
    this.publish();
    const printed = await this.printLabel(pkg, null);
    if (!printed.ok || of !== null) return printed;
    return this.reply({
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
    if (this.role !== 'packing') return refuse('wrong_role');
    const parsed = parseCode(pkg);
    if (!parsed.valid || parsed.kind !== 'package' || !parsed.order || !parsed.serial) {
      return refuse('unknown_code');
    }
    const order = this.options.replica.order(parsed.order);
    if (!order) return refuse('unknown_code');
    const of = this.options.replica.package(pkg)?.of ?? order.packageCount;
    try {
      const document = await packageLabel(
        order,
        parsed.serial,
        of,
        this.options.devices.printerAccepts(),
        packageSscc(this.options.db, pkg),
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
    const missing = this.operatorMissing();
    if (missing) return missing;
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
        // The dock moves on by itself: free for the next order's first package.
        last ? { ...this.work, order: null, shipping: { scanned: [], blocked: null } } : this.work,
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
  async clearLineStop(badgeCode: string | undefined, reason: string): Promise<CommandReply> {
    if (!this.work.lineStop) return refuse('not_stopped');
    const code = badgeCode ?? this.work.lineStop.supervisorBadge;
    if (!code) return refuse('not_supervisor');
    const badge = this.options.replica.badge(code.trim().toUpperCase());
    if (!badge || badge.revoked || badge.role !== 'supervisor') return refuse('not_supervisor');
    this.record(
      { type: 'line.cleared', supervisor: badge.code, reason },
      { ...this.work, lineStop: null },
      // Cleared with nobody logged in, the supervisor is the one on record.
      this.work.operator?.code ?? badge.code,
    );
    await this.options.devices.signal('clear');
    this.publish();
    return this.reply();
  }

  async testDevice(device: 'scanner' | 'printer' | 'lineStop'): Promise<CommandReply> {
    // A test print carries the current order's ship-to; a line-stop test flips the stack light.
    if (!this.supervisorLoggedIn()) return refuse('supervisor_required');
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
} satisfies OrderRecord;
