import type { Database, Statement } from 'better-sqlite3';
import type { Change, Checksums, ReplicatedEntity } from '#core/api/sync.ts';
import { REPLICATED_ENTITIES } from '#core/api/sync.ts';
import { addRow, emptyChecksum } from '#core/sync/checksum.ts';
import {
  changesAfter,
  fitRange,
  type ChangeRange,
  type RangeFit,
} from '#core/sync/change-range.ts';

type Data = Record<string, unknown>;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const TABLE: Readonly<Record<ReplicatedEntity, string>> = {
  order: 'orders',
  resource: 'resources',
  unit: 'units',
  package: 'packages',
  badge: 'badges',
  line: 'lines',
};

/**
 * Writes the server's rows into the replica. Each entity keeps the server's JSON text
 * (`data`) plus the columns decisions query; the station's own not-yet-confirmed effects
 * live in separate columns (`consumed_locally_at`…) so a pull never erases them.
 */
export class ReplicaStore {
  private readonly upserts: Record<ReplicatedEntity, Statement>;
  private readonly deletes: Record<ReplicatedEntity, Statement>;
  private readonly getMeta: Statement;
  private readonly setMetaStatement: Statement;

  constructor(private readonly db: Database) {
    this.upserts = {
      order: db.prepare(
        `INSERT INTO orders (code, state, line_id, data) VALUES (@key, @state, @lineId, @text)
         ON CONFLICT (code) DO UPDATE SET state = excluded.state, line_id = excluded.line_id, data = excluded.data`,
      ),
      resource: db.prepare(
        `INSERT INTO resources (code, order_code, resource_type, material_name, step, consumed_at, data)
         VALUES (@key, @order, @resourceType, @materialName, @step, @consumedAt, @text)
         ON CONFLICT (code) DO UPDATE SET consumed_at = excluded.consumed_at, data = excluded.data`,
      ),
      unit: db.prepare(
        `INSERT INTO units (code, order_code, package, data) VALUES (@key, @order, @package, @text)
         ON CONFLICT (code) DO UPDATE SET package = excluded.package, data = excluded.data`,
      ),
      package: db.prepare(
        `INSERT INTO packages (code, order_code, dispatched_at, data) VALUES (@key, @order, @dispatchedAt, @text)
         ON CONFLICT (code) DO UPDATE SET dispatched_at = excluded.dispatched_at, data = excluded.data`,
      ),
      badge: db.prepare(
        `INSERT INTO badges (code, role, revoked_at, data) VALUES (@key, @role, @revokedAt, @text)
         ON CONFLICT (code) DO UPDATE SET role = excluded.role, revoked_at = excluded.revoked_at, data = excluded.data`,
      ),
      line: db.prepare(
        `INSERT INTO lines (code, data) VALUES (@key, @text)
         ON CONFLICT (code) DO UPDATE SET data = excluded.data`,
      ),
    };
    this.deletes = Object.fromEntries(
      REPLICATED_ENTITIES.map((entity) => [
        entity,
        db.prepare(`DELETE FROM ${TABLE[entity]} WHERE code = ?`),
      ]),
    ) as Record<ReplicatedEntity, Statement>;
    this.getMeta = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setMetaStatement = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  meta(key: string): string | undefined {
    return this.getMeta.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.setMetaStatement.run(key, value);
  }

  get cursor(): number {
    return Number(this.meta('cursor') ?? 0);
  }

  /** Write one row (no transaction of its own: callers batch). */
  put(entity: ReplicatedEntity, key: string, data: Data, text = JSON.stringify(data)): void {
    this.upserts[entity].run({
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
    });
  }

  /**
   * Take a range of the change log, pulled or delivered live (core/sync/change-range.ts):
   * when it fits the replica's cursor, apply the changes the replica lacks and advance the
   * cursor in one transaction, so a scan never sees half a batch; a stale range changes
   * nothing; a gap changes nothing and says so, and the caller pulls. Synchronous: a pull's
   * batch and a live delivery can never interleave inside it.
   */
  applyRange(range: ChangeRange<Change>): RangeFit {
    const cursor = this.cursor;
    const fit = fitRange(cursor, range);
    if (fit !== 'apply') return fit;
    const changes = changesAfter(cursor, range);
    // A received batch commits without waiting for the disk (WAL, synchronous = NORMAL): a
    // power cut can only take the last batches back together with their cursor, and they
    // are pulled again. Decisions (the outbox) keep synchronous = FULL, and their next
    // commit makes these frames durable too. Synchronous code: nothing runs in between.
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        for (const change of changes) {
          if (change.data) this.put(change.entity, change.key, change.data);
          else this.deletes[change.entity].run(change.key);
        }
        this.setMeta('cursor', String(range.cursor));
      })();
    } finally {
      this.db.pragma(`synchronous = ${synchronous}`);
    }
    return fit;
  }

  /** Replace every row of these entities (a snapshot, or repairing a diverged scope). */
  clear(entities: readonly ReplicatedEntity[]): void {
    for (const entity of entities) this.db.prepare(`DELETE FROM ${TABLE[entity]}`).run();
  }

  checksums(entities: readonly ReplicatedEntity[] = REPLICATED_ENTITIES): Checksums {
    const result: Checksums = {};
    for (const entity of entities) {
      const checksum = emptyChecksum();
      for (const row of this.db
        .prepare(`SELECT code, data FROM ${TABLE[entity]}`)
        .iterate() as Iterable<{ code: string; data: string }>) {
        addRow(checksum, row.code, row.data);
      }
      result[entity] = checksum;
    }
    return result;
  }
}
