import type { CommandReply, DeviceStatus, StationSettings } from '#core/api/station-api.ts';
import { messageOf } from '#core/errors/message-of.ts';
import type { OrderRecord } from '../rules/replica-lookup.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { packageLabelJob } from './package-label.ts';
import { refuse, type StationContext } from './station-context.ts';

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

/** What needs a supervisor at any station: lifting a line stop, the devices and their tests. */
export class SupervisorCommands {
  constructor(private readonly station: StationContext) {}

  /** Only a supervisor's badge, with a reason, lifts a line stop; both go on record. */
  async clearLineStop(badgeCode: string | undefined, reason: string): Promise<CommandReply> {
    const { options, journal, feed } = this.station;
    const work = journal.work;
    if (!work.lineStop) return refuse('not_stopped');
    const code = badgeCode ?? work.lineStop.supervisorBadge;
    if (!code) return refuse('not_supervisor');
    const badge = options.replica.badge(code.trim().toUpperCase());
    if (!badge || badge.revoked || badge.role !== 'supervisor') return refuse('not_supervisor');
    const event = journal.record(
      { type: 'line.cleared', supervisor: badge.code, reason },
      { ...work, lineStop: null },
      // Cleared with nobody logged in, the supervisor is the one on record.
      work.operator?.code ?? badge.code,
    );
    const message = { key: 'line_cleared' as const, params: { name: badge.name, reason } };
    feed.cleared({
      seq: event.seq,
      at: event.stationTime,
      verdict: 'accepted',
      scanned: '',
      scannedOrder: work.lineStop.scannedOrder,
      message,
      cleared: { supervisor: badge.name },
    });
    await options.devices.signal('clear');
    feed.publish();
    return feed.reply({ note: message });
  }

  /** Anyone may switch the language; the devices (where labels and stop signals go) need a supervisor. */
  async saveSettings(patch: Partial<StationSettings>): Promise<CommandReply> {
    const { options, journal, feed, gate, settings } = this.station;
    const devicesTouched = Object.keys(patch).some((key) => key !== 'language');
    if (devicesTouched && !gate.supervisorLoggedIn()) return refuse('supervisor_required');
    await settings.save(patch);
    // A stopped line stays red on the devices just applied.
    if (journal.work.lineStop) await options.devices.signal('stop');
    return feed.reply();
  }

  async testDevice(device: 'scanner' | 'printer' | 'lineStop'): Promise<CommandReply> {
    // A test print carries the current order's ship-to; a line-stop test flips the stack light.
    const { options, journal, feed, gate, labels } = this.station;
    if (!gate.supervisorLoggedIn()) return refuse('supervisor_required');
    const { devices, replica } = options;
    const deviceOk = () => feed.reply({ note: { key: 'device_ok', params: {} } });
    if (device === 'lineStop') {
      const ok =
        (await devices.signal('stop')) &&
        (await devices.signal(journal.work.lineStop ? 'stop' : 'clear'));
      return ok ? deviceOk() : deviceFailed(devices.statuses.lineStop);
    }
    if (device === 'printer') {
      const order = journal.work.order ? replica.order(journal.work.order) : undefined;
      try {
        const sample = order ?? SAMPLE_ORDER;
        await labels.print(
          packageLabelJob(sample, 1, 1, mintOrderScopedCode('package', sample.code, 1)),
        );
        return deviceOk();
      } catch (error) {
        const printer = devices.statuses.printer;
        return printer.ok
          ? refuse('device_failed', { detail: messageOf(error) })
          : deviceFailed(printer);
      }
    }
    const scanner = devices.statuses.scanner;
    return scanner.ok ? deviceOk() : deviceFailed(scanner);
  }
}

/**
 * A device test that failed, with the device's status by key and parameters beside the
 * driver's English sentence, so a Chinese screen words it in Chinese.
 */
const deviceFailed = (status: DeviceStatus): CommandReply =>
  refuse('device_failed', {
    ...status.said.params,
    detail: status.message,
    status: status.said.key,
  });
