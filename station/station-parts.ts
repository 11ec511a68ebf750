import type { Database } from 'better-sqlite3';
import { Outbox } from '#db/outbox.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { sqliteLookup } from './replica/sqlite-lookup.ts';
import { Station } from './service/station.ts';
import type { StationOptions } from './service/station-context.ts';
import type { Enrollment } from './sync/enroll.ts';
import { SyncClient, type SyncClientOptions } from './sync/sync-client.ts';

/*
 * How a station is put together over its open replica, written once for `ordertrace
 * station` (run-station.ts), the benchmarks and the tests: the replica store, the outbox
 * and the sync client first (a bootstrap may run before the station exists), then the
 * station service, which reads the replica through SQLite lookups.
 */

export type SyncTuning = Omit<SyncClientOptions, 'db' | 'store' | 'outbox' | 'enrollment'>;

export function openSyncParts(db: Database, enrollment: Enrollment, tuning: SyncTuning = {}) {
  const store = new ReplicaStore(db);
  const outbox = new Outbox(db, enrollment.stationId);
  const sync = new SyncClient({ db, store, outbox, enrollment, ...tuning });
  return { store, outbox, sync };
}

export const stationOver = (options: Omit<StationOptions, 'replica'>): Station =>
  new Station({ ...options, replica: sqliteLookup(options.db) });
