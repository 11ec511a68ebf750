import type { Database } from 'better-sqlite3';
import type { StationEvent } from '#core/events/station-events.ts';

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
      db.prepare(
        'UPDATE resources SET consumed_locally_at = ? WHERE code = ? AND consumed_locally_at IS NULL',
      ).run(at, body.effect.resource);
      return;
    }
    case 'package.closed': {
      const update = db.prepare('UPDATE units SET packed_locally_into = ? WHERE code = ?');
      for (const unit of body.units) update.run(body.package, unit);
      db.prepare(
        `INSERT INTO local_packages (code, order_code, number, package_count) VALUES (?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET package_count = excluded.package_count`,
      ).run(body.package, body.order, body.number, body.of);
      // The last package names the count for every package of the order closed here.
      if (body.of !== null)
        db.prepare('UPDATE local_packages SET package_count = ? WHERE order_code = ?').run(
          body.of,
          body.order,
        );
      return;
    }
    case 'package.dispatched':
      db.prepare('UPDATE packages SET dispatched_locally_at = ? WHERE code = ?').run(
        at,
        body.package,
      );
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
