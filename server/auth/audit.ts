import type { Selectable } from 'kysely';
import type { PageQuery } from '#core/api/paging.ts';
import { actorName, type Caller, type Db, type ServerContext } from '../context.ts';
import type { AuditLogTable } from '../storage/schema.ts';
import { containsText, keysetPage, withinTime, type Sorts } from '../storage/paging.ts';

/** One line in the audit log: who did what to which thing, and the details. */
export async function audit(
  db: Db,
  at: Date,
  caller: Caller,
  action: string,
  entity: string,
  entityId: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await auditMany(db, at, caller, [{ action, entity, entityId, detail }]);
}

/** Several lines by one caller at once, in order: one statement however many. */
export async function auditMany(
  db: Db,
  at: Date,
  caller: Caller,
  entries: readonly {
    action: string;
    entity: string;
    entityId: string;
    detail: Record<string, unknown>;
  }[],
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((entry) => ({
        at: at.toISOString(),
        actor: actorName(caller),
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId,
        detail: JSON.stringify(entry.detail),
      })),
    )
    .execute();
}

export const AUDIT_SORTS = ['newest', 'oldest'] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];

// PostgreSQL answers a bigserial as a string: Number() reads both engines' ids.
type AuditRow = Selectable<AuditLogTable>;

// The id counts up as entries are written: newest first is highest id first.
const auditSorts: Sorts<AuditRow, AuditSort> = {
  newest: [{ column: 'audit_log.id', direction: 'desc', value: (row) => Number(row.id) }],
  oldest: [{ column: 'audit_log.id', direction: 'asc', value: (row) => Number(row.id) }],
};

export interface AuditFilters {
  entity?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  /** Words in who did it or in the thing's id (a code, an email, a name), any case. */
  q?: string | undefined;
  /** Written at or after `from` and before `to`. */
  from?: string | undefined;
  to?: string | undefined;
}

/** Each filter is an exact match on one column. */
const AUDIT_FILTER_COLUMNS = {
  entity: 'audit_log.entity',
  entityId: 'audit_log.entity_id',
  actor: 'audit_log.actor',
  action: 'audit_log.action',
} as const satisfies Record<Exclude<keyof AuditFilters, 'from' | 'to' | 'q'>, string>;

/** The audit log, filtered, one page at a time. */
export async function listAudit(
  context: ServerContext,
  filters: AuditFilters,
  page: PageQuery<AuditSort>,
) {
  let query = context.storage.db.selectFrom('audit_log').selectAll('audit_log');
  for (const filter of Object.keys(AUDIT_FILTER_COLUMNS) as (keyof typeof AUDIT_FILTER_COLUMNS)[]) {
    const value = filters[filter];
    if (value) query = query.where(AUDIT_FILTER_COLUMNS[filter], '=', value);
  }
  query = withinTime(query, 'audit_log.at', filters);
  const text = filters.q;
  if (text)
    query = query.where((eb) =>
      eb.or([containsText('audit_log.actor', text), containsText('audit_log.entity_id', text)]),
    );
  const { rows, nextCursor } = await keysetPage(query, auditSorts, page);
  return {
    nextCursor,
    entries: rows.map((row) => ({
      id: Number(row.id),
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      detail: JSON.parse(row.detail) as unknown,
    })),
  };
}
