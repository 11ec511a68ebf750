import type {
  CommandReply,
  Decision,
  Message,
  StationSettings,
  StationState,
  StationStreamEvent,
} from '#core/api/station-api.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import type { ReplicaLookup } from '../rules/replica-lookup.ts';
import { HeldUnits } from './held-units.ts';
import { LabelDesk } from './label-desk.ts';
import { OperatorGate } from './operator-gate.ts';
import { PackingCommands } from './packing-commands.ts';
import { ProductionCommands } from './production-commands.ts';
import { ScanDecisions } from './scan-decisions.ts';
import { SettingsKeeper } from './settings-keeper.ts';
import { ShippingCommands } from './shipping-commands.ts';
import type { StationContext, StationOptions } from './station-context.ts';
import { StationFeed } from './station-feed.ts';
import { SupervisorCommands } from './supervisor-commands.ts';
import { WorkJournal } from './work-journal.ts';

type Listener = (event: StationStreamEvent) => void;
type OverrideInput = { badge: string; reason: string };

/**
 * One station (docs/station.md), built from parts with one job each:
 * - work-journal.ts: the work state; every event written with its replica effect in one
 *   transaction, then pushed;
 * - scan-decisions.ts: scans and badges decided by the role's rule (station/rules/);
 * - production-, packing-, shipping-, supervisor-commands.ts: the commands beyond a scan;
 * - operator-gate.ts: who may act now; settings-keeper.ts: settings and devices;
 * - station-feed.ts: what the UI hears (state, verdicts, notices) and the state replies carry;
 * - label-desk.ts: every label printed, in the printer's format, and its preview.
 * This class only wires them and is the StationApi's one face (command-map.ts).
 */
export class Station {
  readonly replica: ReplicaLookup;
  readonly role: StationRole;
  readonly #parts: StationContext;
  readonly #scans: ScanDecisions;
  readonly #production: ProductionCommands;
  readonly #packing: PackingCommands;
  readonly #shipping: ShippingCommands;
  readonly #supervisor: SupervisorCommands;
  readonly #held: HeldUnits;

  constructor(options: StationOptions) {
    const now = options.now ?? (() => new Date());
    const journal = new WorkJournal(options, now);
    const settings = new SettingsKeeper(options.store, options.devices);
    const labels = new LabelDesk(options.devices, now, () => settings.current.language);
    const feed = new StationFeed(options, journal, settings, labels);
    const gate = new OperatorGate(options, journal, feed, now);
    this.#parts = { options, now, journal, feed, settings, gate, labels };
    this.#scans = new ScanDecisions(this.#parts);
    this.#production = new ProductionCommands(this.#parts);
    this.#packing = new PackingCommands(this.#parts);
    this.#shipping = new ShippingCommands(this.#parts);
    this.#supervisor = new SupervisorCommands(this.#parts);
    this.#held = new HeldUnits(this.#parts, options.unitGraceMs);
    this.replica = options.replica;
    this.role = options.identity.role;
  }

  /** Scanners and sync feed the station; the saved settings go to the devices. */
  async start(): Promise<void> {
    const { options, journal, feed, settings } = this.#parts;
    const { devices, sync } = options;
    devices.on('scan', (text) => void this.#scans.decideScan(text));
    devices.on('unreadable', (what) => this.#scans.unreadable(what));
    devices.on('status', () => feed.publish());
    sync?.on('status', () => feed.publish());
    await devices.apply(settings.current);
    // A line stop survives a restart: the stack light goes red again before anything else.
    if (journal.work.lineStop) await devices.signal('stop');
    // Units held when the station went down are recorded now (or when their time comes).
    this.#held.commitDue();
    feed.publish();
  }

  /** Stop the held units' timer (the replica is about to close); they stay held on file. */
  stop(): void {
    this.#held.stop();
  }

  on(event: 'event', listener: Listener): this {
    this.#parts.feed.events.on(event, listener);
    return this;
  }

  off(event: 'event', listener: Listener): this {
    this.#parts.feed.events.off(event, listener);
    return this;
  }

  /** In memory only: settings-keeper.ts writes them; the devices take them at start(). */
  get settings(): StationSettings {
    return this.#parts.settings.current;
  }

  set settings(next: StationSettings) {
    this.#parts.settings.current = next;
  }

  state(): StationState {
    return this.#parts.feed.state();
  }

  reply(extra: { decision?: Decision; note?: Message } = {}): CommandReply {
    return this.#parts.feed.reply(extra);
  }

  scan(text: string): CommandReply {
    return this.#scans.scan(text);
  }

  /** A scanner's scan: the decision only, the state view follows on the feed. */
  decideScan(text: string): Decision | CommandReply {
    return this.#scans.decideScan(text);
  }

  unreadable(what: string): Decision | null {
    return this.#scans.unreadable(what);
  }

  login(badge: string): CommandReply {
    return this.#scans.login(badge);
  }

  loadOrder(code: string): CommandReply {
    return this.#scans.loadOrder(code);
  }

  logout(): CommandReply {
    return this.#scans.logout();
  }

  reportProgress(step: string, unitsDone: number, override?: OverrideInput): CommandReply {
    return this.#production.reportProgress(step, unitsDone, override);
  }

  addUnits(step: string, units: number): CommandReply {
    return this.#held.add(step, units);
  }

  undoUnits(step: string): CommandReply {
    return this.#held.undo(step);
  }

  /** Record held units whose grace period is over (all of them with `all`). */
  commitHeldUnits(all = false): void {
    this.#held.commitDue(all);
  }

  closePackage(
    options: { partial?: boolean; override?: OverrideInput } = {},
  ): Promise<CommandReply> {
    return this.#packing.closePackage(options);
  }

  print(pkg: string): Promise<CommandReply> {
    return this.#packing.print(pkg);
  }

  reprint(pkg: string, reason: string): Promise<CommandReply> {
    return this.#packing.reprint(pkg, reason);
  }

  printUnitLabel(unit: string): Promise<CommandReply> {
    return this.#packing.printUnitLabel(unit);
  }

  /** The last label sent to the printer, as an image of the same layout. */
  labelPreview(): CommandReply {
    return this.#parts.feed.reply({ preview: this.#parts.labels.preview() });
  }

  dispatch(): CommandReply {
    return this.#shipping.dispatch();
  }

  dismissBlock(): CommandReply {
    return this.#shipping.dismissBlock();
  }

  clearLineStop(badge: string | undefined, reason: string): Promise<CommandReply> {
    return this.#supervisor.clearLineStop(badge, reason);
  }

  saveSettings(patch: Partial<StationSettings>): Promise<CommandReply> {
    return this.#supervisor.saveSettings(patch);
  }

  testDevice(device: 'scanner' | 'printer' | 'lineStop'): Promise<CommandReply> {
    return this.#supervisor.testDevice(device);
  }
}

/** What the HTTP transport and the metrics need of a station: its state and its stream. */
export type StationStream = Pick<Station, 'on' | 'off' | 'state'>;
