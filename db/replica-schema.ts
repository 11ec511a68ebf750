import type { Database } from 'better-sqlite3';
import { REPLICA_MIGRATIONS } from '#core/sync/replica-layout.ts';

/* The station's local replica: its layout is core/sync/replica-layout.ts, migrated here. */
const MIGRATIONS = REPLICA_MIGRATIONS;

export { REPLICA_SCHEMA_VERSION } from '#core/sync/replica-layout.ts';

export function migrateReplica(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `the replica has schema version ${version}, newer than this station software (${MIGRATIONS.length}); update the station`,
    );
  }
  for (let next = version; next < MIGRATIONS.length; next++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next] ?? '');
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}
