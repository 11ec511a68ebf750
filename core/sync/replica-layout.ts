import type { ReplicatedEntity } from '../api/sync.ts';

/*
 * The station replica's layout (docs/design.md "Storage", "Sync"): its tables and how a
 * replicated row becomes one. One definition for the station (db/replica-schema.ts,
 * db/replica-store.ts) and for the server building a replica file of a scope
 * (server/replication/replica-file.ts), so a file the server builds is exactly a replica.
 * Replicated rows keep the exact JSON text the server sent (`data`), so replica checksums
 * match the server's, plus the columns a scan decision looks up. The outbox holds every
 * decision until the server has it.
 */
export const REPLICA_MIGRATIONS: readonly string[] = [
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
  // The outbox without the index its `id UNIQUE` made: nothing looks an event up by its id
  // (the server keys events by station and seq, the primary key here), the station's own
  // UUIDv7 generator makes it, and that index was one more page in every decision's commit
  // (docs/performance.md "scan_verdict"). SQLite drops such an index only with its table.
  `CREATE TABLE outbox_next (
     seq INTEGER PRIMARY KEY, id TEXT NOT NULL, event TEXT NOT NULL, created_at TEXT NOT NULL,
     acked_at TEXT
   );
   INSERT INTO outbox_next (seq, id, event, created_at, acked_at)
     SELECT seq, id, event, created_at, acked_at FROM outbox;
   DROP TABLE outbox;
   ALTER TABLE outbox_next RENAME TO outbox;
   CREATE INDEX outbox_unacked ON outbox (seq) WHERE acked_at IS NULL;`,
];

export const REPLICA_SCHEMA_VERSION = REPLICA_MIGRATIONS.length;

export const REPLICA_TABLE: Readonly<Record<ReplicatedEntity, string>> = {
  order: 'orders',
  resource: 'resources',
  unit: 'units',
  package: 'packages',
  badge: 'badges',
  line: 'lines',
};

/** Meta key of a prebuilt replica file: the scope it holds, as `{"line":…,"role":…}`. */
export const REPLICA_FILE_SCOPE_KEY = 'replica_file.scope';

/** Insert-or-replace of one replicated row, named parameters from `replicaRowParameters`. */
export const REPLICA_UPSERT_SQL: Readonly<Record<ReplicatedEntity, string>> = {
  order: `INSERT INTO orders (code, state, line_id, data) VALUES (@key, @state, @lineId, @text)
  ON CONFLICT (code) DO UPDATE SET state = excluded.state, line_id = excluded.line_id, data = excluded.data`,
  resource: `INSERT INTO resources (code, order_code, resource_type, material_name, step, consumed_at, data)
  VALUES (@key, @order, @resourceType, @materialName, @step, @consumedAt, @text)
  ON CONFLICT (code) DO UPDATE SET consumed_at = excluded.consumed_at, data = excluded.data`,
  unit: `INSERT INTO units (code, order_code, package, data) VALUES (@key, @order, @package, @text)
  ON CONFLICT (code) DO UPDATE SET package = excluded.package, data = excluded.data`,
  package: `INSERT INTO packages (code, order_code, dispatched_at, data) VALUES (@key, @order, @dispatchedAt, @text)
  ON CONFLICT (code) DO UPDATE SET dispatched_at = excluded.dispatched_at, data = excluded.data`,
  badge: `INSERT INTO badges (code, role, revoked_at, data) VALUES (@key, @role, @revokedAt, @text)
  ON CONFLICT (code) DO UPDATE SET role = excluded.role, revoked_at = excluded.revoked_at, data = excluded.data`,
  line: `INSERT INTO lines (code, data) VALUES (@key, @text)
  ON CONFLICT (code) DO UPDATE SET data = excluded.data`,
};

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Per table, the columns a decision looks up, taken from the row's data: column, data field,
 * and the value when the field is not a string. `replicaRowParameters` gives them to the
 * upserts above (a station); `replicaInsertSelectSql` has SQLite take them from the data text
 * (the server building a replica file). tests/sync/replica-layout.test.ts holds the two equal.
 */
export const REPLICA_DATA_COLUMNS: Readonly<
  Record<
    ReplicatedEntity,
    readonly (readonly [column: string, field: string, fallback: string | null])[]
  >
> = {
  order: [
    ['state', 'state', 'unknown'],
    ['line_id', 'lineId', null],
  ],
  resource: [
    ['order_code', 'order', ''],
    ['resource_type', 'resourceType', ''],
    ['material_name', 'materialName', ''],
    ['step', 'step', ''],
    ['consumed_at', 'consumedAt', null],
  ],
  unit: [
    ['order_code', 'order', ''],
    ['package', 'package', null],
  ],
  package: [
    ['order_code', 'order', ''],
    ['dispatched_at', 'dispatchedAt', null],
  ],
  badge: [
    ['role', 'role', 'operator'],
    ['revoked_at', 'revokedAt', null],
  ],
  line: [],
};

const sqlText = (value: string | null) =>
  value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`;

/**
 * `INSERT INTO <table> (…) SELECT …` of replicated rows, every column worked out by SQLite
 * from the row's data text (no row passes through JavaScript). `from` is the rest of the
 * SELECT (`FROM … WHERE … ORDER BY …`); it must yield the columns `entity_key` and `data`.
 */
export function replicaInsertSelectSql(entity: ReplicatedEntity, from: string): string {
  const columns = REPLICA_DATA_COLUMNS[entity];
  const values = columns.map(
    ([, field, fallback]) =>
      `CASE json_type(data, '$.${field}') WHEN 'text' THEN data ->> '$.${field}' ELSE ${sqlText(fallback)} END`,
  );
  return `INSERT INTO ${REPLICA_TABLE[entity]} (${['code', ...columns.map(([column]) => column), 'data'].join(', ')})
  SELECT ${['entity_key', ...values, 'data'].join(', ')} ${from}`;
}

/** The statement parameters of a row: its key, its data text and the columns decisions query. */
export function replicaRowParameters(key: string, data: Record<string, unknown>, text: string) {
  return {
    key,
    text,
    state: str(data.state) ?? 'unknown',
    lineId: str(data.lineId),
    order: str(data.order) ?? '',
    resourceType: str(data.resourceType) ?? '',
    materialName: str(data.materialName) ?? '',
    step: str(data.step) ?? '',
    consumedAt: str(data.consumedAt),
    package: str(data.package),
    dispatchedAt: str(data.dispatchedAt),
    role: str(data.role) ?? 'operator',
    revokedAt: str(data.revokedAt),
  };
}
