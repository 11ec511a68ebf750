import { randomUUID } from 'node:crypto';
import type { StationView } from '#core/api/stations.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { hashToken, newEnrollmentCode, newToken } from '../auth/tokens.ts';
import type { Caller, ServerContext } from '../context.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import type { StationsTable } from '../storage/schema.ts';
import { DEFAULT_LINE_RULES, type LineRules } from '#core/sync/replicated-rows.ts';
import { lineRow } from '../replication/rows.ts';
import { plainQuery } from '../storage/plain-sql.ts';
import { audit } from '../auth/audit.ts';
import {
  containsText,
  keysetPage,
  namedIn,
  thenId,
  withinTime,
  type Sorts,
} from '../storage/paging.ts';
import type { PageQuery } from '#core/api/paging.ts';
import { appendChanges } from '../replication/change-log.ts';
import { feedEnds } from '../live/live-feeds.ts';
import { replicaFilesOf } from '../replication/replica-file.ts';

export const ENROLLMENT_HOURS = 24;

export async function createLine(
  context: ServerContext,
  caller: Caller,
  name: string,
  plant: string,
) {
  const { db } = context.storage;
  if (await db.selectFrom('lines').select('id').where('name', '=', name).executeTakeFirst()) {
    throw conflict(`A line named ${name} exists already.`);
  }
  const line = { id: randomUUID(), name, plant, rules: JSON.stringify(DEFAULT_LINE_RULES) };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('lines').values(line).execute();
    await appendChanges(trx, context.storage.kind, context.now(), [
      { entity: 'line', key: line.id, lineId: line.id, data: lineRow(line) },
    ]);
    await audit(trx, context.now(), caller, 'line.created', 'line', line.id, { name, plant });
  });
  context.live.publish('changes');
  return { id: line.id, name, plant, rules: DEFAULT_LINE_RULES };
}

export const listLines = async (context: ServerContext) =>
  (await context.storage.db.selectFrom('lines').selectAll().orderBy('name').execute()).map(
    (row) => ({ id: row.id, name: row.name, plant: row.plant, rules: lineRow(row).rules }),
  );

/**
 * Change how a line's stations enforce the guarantees (unknown labels, operator required);
 * every station of the line learns it through sync, and the server checks by it.
 */
export async function setLineRules(
  context: ServerContext,
  caller: Caller,
  ref: string,
  patch: Partial<LineRules>,
) {
  const { db, kind } = context.storage;
  const now = context.now();
  const updated = await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('lines')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
      .executeTakeFirst();
    if (!row) throw notFound(`Production line ${ref}`);
    const rules = { ...lineRow(row).rules, ...patch };
    const next = { ...row, rules: JSON.stringify(rules) };
    await trx.updateTable('lines').set({ rules: next.rules }).where('id', '=', row.id).execute();
    await appendChanges(trx, kind, now, [
      { entity: 'line', key: row.id, lineId: row.id, data: lineRow(next) },
    ]);
    await audit(trx, now, caller, 'line.rules', 'line', row.id, rules);
    return { id: row.id, name: row.name, plant: row.plant, rules };
  });
  context.live.publish('changes');
  return updated;
}

async function stationView(context: ServerContext, row: StationsTable): Promise<StationView> {
  const line = await context.storage.db
    .selectFrom('lines')
    .select('name')
    .where('id', '=', row.line_id)
    .executeTakeFirst();
  return {
    id: row.id,
    name: row.name,
    role: row.role as StationRole,
    line: line?.name ?? row.line_id,
    enrolledAt: row.enrolled_at,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
    outboxDepth: row.outbox_depth,
  };
}

export const STATION_SORTS = ['name', 'newest'] as const;
export type StationSort = (typeof STATION_SORTS)[number];
export const STATION_STATUSES = ['enrolled', 'awaiting_enrollment', 'revoked'] as const;

const stationSorts: Sorts<StationsTable, StationSort> = {
  name: thenId('stations', 'name', 'asc'),
  newest: thenId('stations', 'created_at', 'desc'),
};

export interface StationFilters {
  /** A line by name or id. */
  line?: string | undefined;
  role?: string | undefined;
  status?: (typeof STATION_STATUSES)[number] | undefined;
  /** Words in the station's name. */
  q?: string | undefined;
  /** When the station was created. */
  from?: string | undefined;
  to?: string | undefined;
}

export async function listStations(
  context: ServerContext,
  filters: StationFilters,
  page: PageQuery<StationSort>,
): Promise<{ stations: StationView[]; nextCursor: string | null }> {
  let query = context.storage.db.selectFrom('stations').selectAll('stations');
  if (filters.line) query = query.where(namedIn('stations.line_id', 'lines', filters.line));

  if (filters.role) query = query.where('stations.role', '=', filters.role);
  if (filters.status === 'revoked') query = query.where('stations.revoked_at', 'is not', null);
  if (filters.status === 'enrolled')
    query = query
      .where('stations.revoked_at', 'is', null)
      .where('stations.enrolled_at', 'is not', null);
  if (filters.status === 'awaiting_enrollment')
    query = query
      .where('stations.revoked_at', 'is', null)
      .where('stations.enrolled_at', 'is', null);
  if (filters.q) query = query.where(containsText('stations.name', filters.q));
  query = withinTime(query, 'stations.created_at', filters);
  const { rows, nextCursor } = await keysetPage(query, stationSorts, page);
  return { stations: await Promise.all(rows.map((row) => stationView(context, row))), nextCursor };
}

/** Admin creates a station; the one-time enrollment code is returned once and stored hashed. */
export async function createStation(
  context: ServerContext,
  caller: Caller,
  input: { name: string; role: StationRole; line: string },
) {
  const { db } = context.storage;
  const line = await db
    .selectFrom('lines')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', input.line), eb('name', '=', input.line)]))
    .executeTakeFirst();
  if (!line) throw notFound(`Production line ${input.line}`);
  if (
    await db.selectFrom('stations').select('id').where('name', '=', input.name).executeTakeFirst()
  ) {
    throw conflict(`A station named ${input.name} exists already.`);
  }
  const now = context.now();
  const enrollmentCode = newEnrollmentCode();
  const expiresAt = new Date(now.getTime() + ENROLLMENT_HOURS * 3_600_000).toISOString();
  const row: StationsTable = {
    id: randomUUID(),
    name: input.name,
    role: input.role,
    line_id: line.id,
    enrollment_code_hash: hashToken(enrollmentCode),
    enrollment_expires_at: expiresAt,
    token_hash: null,
    enrolled_at: null,
    revoked_at: null,
    last_seen_at: null,
    outbox_depth: null,
    created_at: now.toISOString(),
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('stations').values(row).execute();
    await audit(trx, now, caller, 'station.created', 'station', row.id, {
      name: row.name,
      role: row.role,
    });
  });
  return {
    station: await stationView(context, row),
    enrollmentCode,
    expiresAt,
    serverFingerprint: context.fingerprint,
  };
}

/** A new enrollment code for an existing station (e.g. a replaced PC); the old token stops working. */
export async function reissueEnrollment(context: ServerContext, caller: Caller, id: string) {
  const { db } = context.storage;
  const row = await db.selectFrom('stations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Station ${id}`);
  const now = context.now();
  const enrollmentCode = newEnrollmentCode();
  const expiresAt = new Date(now.getTime() + ENROLLMENT_HOURS * 3_600_000).toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('stations')
      .set({
        enrollment_code_hash: hashToken(enrollmentCode),
        enrollment_expires_at: expiresAt,
        token_hash: null,
        revoked_at: null,
      })
      .where('id', '=', id)
      .execute();
    await audit(trx, now, caller, 'station.enrollment_reissued', 'station', id);
  });
  // The old token stopped working: so does a feed it opened.
  context.live.publish(feedEnds.station(id));
  return {
    station: await stationView(context, { ...row, token_hash: null, revoked_at: null }),
    enrollmentCode,
    expiresAt,
    serverFingerprint: context.fingerprint,
  };
}

/** The station trades its one-time code for a token; the code cannot be used again. */
export async function enrollStation(context: ServerContext, code: string) {
  const { db } = context.storage;
  const now = context.now();
  const token = newToken();
  const row = await db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('stations')
      .selectAll()
      .where('enrollment_code_hash', '=', hashToken(code))
      .executeTakeFirst();
    if (
      !found ||
      !found.enrollment_expires_at ||
      found.enrollment_expires_at < now.toISOString() ||
      found.revoked_at
    ) {
      throw new AppError('OT_ERR_ENROLLMENT');
    }
    await trx
      .updateTable('stations')
      .set({
        token_hash: hashToken(token),
        enrollment_code_hash: null,
        enrollment_expires_at: null,
        enrolled_at: now.toISOString(),
      })
      .where('id', '=', found.id)
      .execute();
    await audit(
      trx,
      now,
      {
        kind: 'station',
        id: found.id,
        name: found.name,
        role: found.role as StationRole,
        lineId: found.line_id,
      },
      'station.enrolled',
      'station',
      found.id,
    );
    return { ...found, enrolled_at: now.toISOString() };
  });
  // The station bootstraps next: have its scope's replica file built before it asks
  // (docs/sync.md "Bootstrap from a database file"); a failed build is logged there.
  replicaFilesOf(context)
    ?.prepareOnEnrolment({ lineId: row.line_id, role: row.role as StationRole })
    .catch(() => undefined);
  return {
    token,
    station: await stationView(context, row),
    serverFingerprint: context.fingerprint,
  };
}

export async function revokeStation(
  context: ServerContext,
  caller: Caller,
  id: string,
): Promise<StationView> {
  const { db } = context.storage;
  const now = context.now();
  const row = await db.selectFrom('stations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Station ${id}`);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('stations')
      .set({ revoked_at: now.toISOString(), token_hash: null, enrollment_code_hash: null })
      .where('id', '=', id)
      .execute();
    await audit(trx, now, caller, 'station.revoked', 'station', id);
  });
  // Its live feed ends now, not at its next pull.
  context.live.publish(feedEnds.station(id));
  return stationView(context, { ...row, revoked_at: now.toISOString() });
}

/** The station behind a bearer token, or undefined when the token is unknown or revoked. */
export async function stationForToken(
  context: ServerContext,
  token: string,
): Promise<Caller | undefined> {
  // Every station request asks this: plain SQL, not built anew each time (plain-sql.ts).
  const [row] = await plainQuery<
    Pick<StationsTable, 'id' | 'name' | 'role' | 'line_id' | 'revoked_at'>
  >(
    context.storage.db,
    'SELECT id, name, role, line_id, revoked_at FROM stations WHERE token_hash = ?',
    [hashToken(token)],
  );
  if (!row || row.revoked_at) return undefined;
  return {
    kind: 'station',
    id: row.id,
    name: row.name,
    role: row.role as StationRole,
    lineId: row.line_id,
  };
}

export async function touchStation(
  context: ServerContext,
  id: string,
  outboxDepth?: number,
): Promise<void> {
  const seenAt = context.now().toISOString();
  // Once per push: plain SQL (plain-sql.ts).
  if (outboxDepth === undefined)
    await plainQuery(context.storage.db, 'UPDATE stations SET last_seen_at = ? WHERE id = ?', [
      seenAt,
      id,
    ]);
  else
    await plainQuery(
      context.storage.db,
      'UPDATE stations SET last_seen_at = ?, outbox_depth = ? WHERE id = ?',
      [seenAt, outboxDepth, id],
    );
}
