import type { Database, Statement } from 'better-sqlite3';
import type { StationEvent } from '#core/events/station-events.ts';

const EFFECT_SQL = {
  consume:
    'UPDATE resources SET consumed_locally_at = ? WHERE code = ? AND consumed_locally_at IS NULL',
  packUnit: 'UPDATE units SET packed_locally_into = ? WHERE code = ?',
  closePackage: `INSERT INTO local_packages (code, order_code, number, package_count) VALUES (?, ?, ?, ?)
     ON CONFLICT (code) DO UPDATE SET package_count = excluded.package_count`,
  countPackages: 'UPDATE local_packages SET package_count = ? WHERE order_code = ?',
  dispatch: 'UPDATE packages SET dispatched_locally_at = ? WHERE code = ?',
} as const;
type EffectStatements = Record<keyof typeof EFFECT_SQL, Statement>;

/** Prepared once per connection: compiling SQL at every decision cost more than running it. */
const prepared = new WeakMap<Database, EffectStatements>();
function statements(db: Database): EffectStatements {
  let found = prepared.get(db);
  if (!found) {
    found = Object.fromEntries(
      Object.entries(EFFECT_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as EffectStatements;
    prepared.set(db, found);
  }
  return found;
}

/**
 * What a station's own decision changes in its replica before the server confirms it:
 * a resource consumed, units packed, a package closed or dispatched. It applies the effect
 * the event carries (what the rule decided), never the scanned text. One function serves
 * both the moment of decision (inside the outbox transaction) and a rebuilt replica
 * (re-applied from events the server has not confirmed), so the two can never disagree.
 */
export function applyLocalEffect(db: Database, event: StationEvent): void {
  const body = event.body;
  const at = event.stationTime;
  switch (body.type) {
    case 'scan.decided': {
      if (body.verdict !== 'accepted' || body.effect?.kind !== 'consume') return;
      statements(db).consume.run(at, body.effect.resource);
      return;
    }
    case 'package.closed': {
      const sql = statements(db);
      for (const unit of body.units) sql.packUnit.run(body.package, unit);
      sql.closePackage.run(body.package, body.order, body.number, body.of);
      // The last package names the count for every package of the order closed here.
      if (body.of !== null) sql.countPackages.run(body.of, body.order);
      return;
    }
    case 'package.dispatched':
      statements(db).dispatch.run(at, body.package);
      return;
    default:
      return;
  }
}

/** After a snapshot replaced replica rows: put back the effects the server does not know yet. */
export function reapplyUnconfirmedEffects(db: Database): number {
  const events = db
    .prepare('SELECT event FROM outbox WHERE acked_at IS NULL ORDER BY seq')
    .pluck()
    .all() as string[];
  for (const text of events) applyLocalEffect(db, JSON.parse(text) as StationEvent);
  return events.length;
}
