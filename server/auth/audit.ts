import { actorName, type Caller, type Db } from '../context.ts';

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
  await db
    .insertInto('audit_log')
    .values({
      at: at.toISOString(),
      actor: actorName(caller),
      action,
      entity,
      entity_id: entityId,
      detail: JSON.stringify(detail),
    })
    .execute();
}
