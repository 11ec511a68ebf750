import type { Database } from 'better-sqlite3';
import {
  PROTOCOL_VERSION,
  REPLICATED_ENTITIES,
  snapshotEndSchema,
  snapshotHeaderSchema,
  snapshotRowSchema,
  type ReplicatedEntity,
} from '#core/api/sync.ts';
import { reapplyUnconfirmedEffects } from '#db/local-effects.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import { forEachLine } from './line-reader.ts';
import { SyncError } from './sync-http.ts';
import type { SyncTransport } from './sync-transport.ts';

const SNAPSHOT_BATCH = 10_000;

const ENTITIES: ReadonlySet<string> = new Set(REPLICATED_ENTITIES);
type SnapshotRow = {
  entity: ReplicatedEntity;
  key: string;
  data: Record<string, unknown>;
  /** The data's JSON text exactly as the server sent it, when the line has the server's layout. */
  text?: string;
};

/** The row's data text, cut out of the line: the exact text the server stores and checksums. */
function dataText(line: string, row: SnapshotRow): string | undefined {
  const prefix = `{"entity":${JSON.stringify(row.entity)},"key":${JSON.stringify(row.key)},"data":`;
  return line.startsWith(prefix) && line.endsWith('}') ? line.slice(prefix.length, -1) : undefined;
}

/**
 * A snapshot row, checked as `snapshotRowSchema` checks it: a plain-object test per row is
 * many times cheaper than the schema on a million rows; anything the test does not accept
 * goes through the schema, which then answers exactly as before.
 */
function snapshotRow(value: unknown): SnapshotRow {
  if (typeof value === 'object' && value !== null) {
    const { entity, key, data } = value as Record<string, unknown>;
    if (
      typeof entity === 'string' &&
      ENTITIES.has(entity) &&
      typeof key === 'string' &&
      key.length >= 1 &&
      key.length <= 64 &&
      typeof data === 'object' &&
      data !== null &&
      Object.getPrototypeOf(data) === Object.prototype
    ) {
      return { entity: entity as ReplicatedEntity, key, data: data as Record<string, unknown> };
    }
  }
  return snapshotRowSchema.parse(value);
}

export interface SnapshotProgress {
  loaded: number;
  total: number;
  /** The server is still building the scope's replica file: `loaded` rows of it so far, total unknown. */
  building?: boolean;
}

/**
 * Load every row of the scope (or of `entities`) from the server's streamed snapshot, in
 * transactions of SNAPSHOT_BATCH rows, check the result against the snapshot's checksums and
 * mark the replica ready (docs/sync.md, bootstrap). A full snapshot also sets the cursor.
 */
export async function bootstrapReplica(
  { http, db, store }: { http: SyncTransport; db: Database; store: ReplicaStore },
  entities: readonly ReplicatedEntity[],
  progress: (snapshot: SnapshotProgress) => void,
): Promise<void> {
  const full = entities.length === REPLICATED_ENTITIES.length;
  const query = full ? '' : entities.map((e) => `&entity=${e}`).join('');
  const response = await http.request(
    'GET',
    `/api/v1/sync/snapshot?protocol=${PROTOCOL_VERSION}${query}`,
    undefined,
    { stream: true },
  );
  if (!response.body) throw new SyncError('the snapshot had no body', 'offline');
  store.setMeta('ready', '0');
  let header: ReturnType<typeof snapshotHeaderSchema.parse> | undefined;
  let ended: ReturnType<typeof snapshotEndSchema.parse> | undefined;
  let pending: SnapshotRow[] = [];
  let loaded = 0;
  const flush = () => {
    const rows = pending;
    pending = [];
    db.transaction(() =>
      rows.forEach((row) => store.put(row.entity, row.key, row.data, row.text)),
    )();
    loaded += rows.length;
    progress({ loaded, total: header?.rows ?? loaded });
  };
  const handle = (line: string) => {
    if (!line) return;
    const value: unknown = JSON.parse(line);
    if (!header) {
      header = snapshotHeaderSchema.parse(value);
      db.transaction(() => store.clear(header?.entities ?? []))();
      return;
    }
    if ((value as { type?: string }).type === 'end') {
      ended = snapshotEndSchema.parse(value);
      return;
    }
    const row = snapshotRow(value);
    // The replica keeps the server's exact text (docs/sync.md); re-serialising a million
    // rows would cost more than storing them.
    row.text = dataText(line, row);
    pending.push(row);
    if (pending.length >= SNAPSHOT_BATCH) flush();
  };
  try {
    await forEachLine(response.body as AsyncIterable<Uint8Array>, handle);
  } catch (error) {
    throw new SyncError(`snapshot interrupted: ${(error as Error).message}`, 'offline');
  }
  flush();
  if (!header || !ended)
    throw new SyncError('the snapshot ended early; it will be fetched again', 'offline');
  const mine = store.checksums(header.entities);
  const diverged = header.entities.filter(
    (entity) => JSON.stringify(mine[entity]) !== JSON.stringify(ended?.checksums[entity]),
  );
  if (diverged.length > 0)
    throw new SyncError(`snapshot checksums differ for ${diverged.join(', ')}`, 'offline');
  const cursor = header.cursor;
  db.transaction(() => {
    reapplyUnconfirmedEffects(db);
    // A repair of some entities keeps the cursor: pulling after it ends on the newest rows anyway.
    if (full) store.setMeta('cursor', String(cursor));
    store.setMeta('ready', '1');
  })();
}
