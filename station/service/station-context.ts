import type { Database } from 'better-sqlite3';
import type { CommandReply, Message } from '#core/api/station-api.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import type { Outbox } from '#db/outbox.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import type { StationDevices } from '../devices/station-devices.ts';
import type { ReplicaLookup } from '../rules/replica-lookup.ts';
import type { Enrollment } from '../sync/enroll.ts';
import type { SyncStatus } from '../sync/sync-client.ts';
import type { LabelDesk } from './label-desk.ts';
import type { OperatorGate } from './operator-gate.ts';
import type { SettingsKeeper } from './settings-keeper.ts';
import type { StationFeed } from './station-feed.ts';
import type { WorkJournal } from './work-journal.ts';

/*
 * What the parts of a station (station.ts composes them) are given: the things outside it
 * (replica, outbox, devices, sync) and the four parts every command leans on.
 */

export interface StationIdentity {
  id: string;
  name: string;
  role: StationRole;
  line: string;
  serverUrl: string;
}

/** The station an enrollment made (station/sync/enroll.ts). */
export const identityOf = (enrollment: Enrollment): StationIdentity => ({
  id: enrollment.stationId,
  name: enrollment.stationName,
  role: enrollment.role,
  line: enrollment.line,
  serverUrl: enrollment.serverUrl,
});

/** What the station needs of the sync client (station/sync/sync-client.ts). */
export interface SyncLink {
  kick(): void;
  status(): SyncStatus;
  on(event: 'status', listener: (status: SyncStatus) => void): unknown;
}

export interface StationOptions {
  db: Database;
  store: ReplicaStore;
  outbox: Outbox;
  replica: ReplicaLookup;
  identity: StationIdentity;
  devices: StationDevices;
  sync?: SyncLink;
  now?: () => Date;
  /** How long "+1 unit done" stays undoable (held-units.ts; 5 s by default). */
  unitGraceMs?: number;
}

export interface StationContext {
  readonly options: StationOptions;
  readonly now: () => Date;
  /** The work state, and every event recorded with its effect (work-journal.ts). */
  readonly journal: WorkJournal;
  /** What the UI hears: state, verdicts, notices (station-feed.ts). */
  readonly feed: StationFeed;
  readonly settings: SettingsKeeper;
  /** Who may do what now: operator, supervisor, line rules (operator-gate.ts). */
  readonly gate: OperatorGate;
  /** Every label the station prints goes out, and is previewed, here (label-desk.ts). */
  readonly labels: LabelDesk;
}

export const refuse = (key: Message['key'], params: Message['params'] = {}): CommandReply => ({
  ok: false,
  error: { key, params },
});
