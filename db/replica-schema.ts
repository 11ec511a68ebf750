import type { Database } from 'better-sqlite3';

/*
 * The station's local replica (docs/design.md "Storage", "Sync"). Replicated rows keep the exact
 * JSON text the server sent (`data`), so replica checksums match the server's, plus the
 * columns a scan decision looks up. The outbox holds every decision until the server has it.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE orders (
    code TEXT PRIMARY KEY, state TEXT NOT NULL, line_id TEXT, data TEXT NOT NULL
  );
  CREATE TABLE resources (
    code TEXT PRIMARY KEY, order_code TEXT NOT NULL, resource_type TEXT NOT NULL,
    material_name TEXT NOT NULL, step TEXT NOT NULL,
    consumed_at TEXT,            -- as the server knows it
    consumed_locally_at TEXT,    -- as this station decided it, before the server knows
    data TEXT NOT NULL
  );
  CREATE INDEX resources_order ON resources (order_code);
  CREATE TABLE units (
    code TEXT PRIMARY KEY, order_code TEXT NOT NULL, package TEXT, packed_locally_into TEXT, data TEXT NOT NULL
  );
  CREATE INDEX units_order ON units (order_code);
  CREATE TABLE packages (
    code TEXT PRIMARY KEY, order_code TEXT NOT NULL, dispatched_at TEXT, dispatched_locally_at TEXT, data TEXT NOT NULL
  );
  CREATE INDEX packages_order ON packages (order_code);
  CREATE TABLE badges (code TEXT PRIMARY KEY, role TEXT NOT NULL, revoked_at TEXT, data TEXT NOT NULL);
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,     -- per-station sequence, 1, 2, 3… without gaps
    id TEXT NOT NULL UNIQUE,     -- UUIDv7
    event TEXT NOT NULL,         -- the whole StationEvent as JSON
    created_at TEXT NOT NULL,
    acked_at TEXT                -- when the server confirmed it holds it
  );
  `,
  // What is still to send is a short tail of a long history: index just that tail.
  `CREATE INDEX outbox_unacked ON outbox (seq) WHERE acked_at IS NULL;`,
  // The station's line and the rules it enforces (core/sync/replicated-rows.ts lineRowSchema).
  `CREATE TABLE lines (code TEXT PRIMARY KEY, data TEXT NOT NULL);
   -- Packages this station closed that the server has not sent back yet: the station's own
   -- fact, kept apart from the replicated rows so checksums still compare with the server's.
   CREATE TABLE local_packages (
     code TEXT PRIMARY KEY, order_code TEXT NOT NULL, number INTEGER NOT NULL, package_count INTEGER
   );
   CREATE INDEX local_packages_order ON local_packages (order_code);`,
  // The dock scans a package's SSCC as often as its code (db/sscc-store.ts packageOfSscc).
  `CREATE INDEX packages_sscc ON packages (json_extract(data, '$.sscc'));`,
];

export const REPLICA_SCHEMA_VERSION = MIGRATIONS.length;

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
