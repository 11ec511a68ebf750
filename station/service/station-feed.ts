import { EventEmitter } from 'node:events';
import type {
  CommandReply,
  Decision,
  LabelPreview,
  Message,
  StationState,
  StationStreamEvent,
} from '#core/api/station-api.ts';
import type { LabelDesk } from './label-desk.ts';
import type { SettingsKeeper } from './settings-keeper.ts';
import type { StationOptions } from './station-context.ts';
import { heldUnitsView } from './held-units.ts';
import { badgeNeeded } from './operator-gate.ts';
import { stationState } from './state-view.ts';
import type { WorkJournal } from './work-journal.ts';

const LAST_SCANS = 12;

/**
 * What the UI hears of the station: a 'state' after every change, a 'verdict' per decision
 * and a 'notice' for a refusal that is shown but not recorded; and the state a reply carries.
 */
export class StationFeed {
  readonly events = new EventEmitter<{ event: [StationStreamEvent] }>();
  #lastScans: Decision[] = [];

  constructor(
    private readonly options: StationOptions,
    private readonly journal: WorkJournal,
    private readonly settings: SettingsKeeper,
    private readonly labels: LabelDesk,
  ) {}

  state(): StationState {
    const { identity, replica, outbox, sync, devices } = this.options;
    return stationState({
      work: this.journal.work,
      badgeNeeded: badgeNeeded(this.journal.work, replica, identity.line),
      lastScans: this.#lastScans,
      pendingUnits: heldUnitsView(this.journal.work),
      lastLabel: this.labels.lastPrinted(),
      settings: this.settings.current,
      identity,
      replica,
      outbox: outbox.status(),
      sync: sync?.status(),
      devices: devices.statuses,
    });
  }

  #publishPending: NodeJS.Immediate | null = null;

  /**
   * Push the state view to the UI once the current work is done: after a verdict, never
   * before it (docs/performance.md "scan_verdict"). Several changes in one turn of the event
   * loop (a decision, sync's status, a device's) make one state event, read when it goes out.
   */
  publish(): void {
    if (this.#publishPending) return;
    this.#publishPending = setImmediate(() => {
      this.#publishPending = null;
      // The station closed its replica meanwhile (shutting down): nobody is left to show.
      if (this.options.db.open) this.events.emit('event', { type: 'state', state: this.state() });
    });
  }

  reply(
    extra: { decision?: Decision; note?: Message; preview?: LabelPreview | null } = {},
  ): CommandReply {
    return { ok: true, state: this.state(), ...extra };
  }

  verdict(decision: Decision): void {
    this.#lastScans = [decision, ...this.#lastScans].slice(0, LAST_SCANS);
    this.events.emit('event', { type: 'verdict', decision });
  }

  /** A refusal shown on the stream and answered, with nothing recorded. */
  notice(message: Message): CommandReply {
    this.events.emit('event', { type: 'notice', message });
    return { ok: false, error: message };
  }

  /** Good news said on the stream too (a badge scanned at the scanner has no reply to read). */
  told(message: Message): CommandReply {
    this.events.emit('event', { type: 'notice', message, ok: true });
    return this.reply({ note: message });
  }

  /** A line stop cleared: a row among the last scans, so the floor sees when and by whom. */
  cleared(entry: Decision): void {
    this.#lastScans = [entry, ...this.#lastScans].slice(0, LAST_SCANS);
  }
}
