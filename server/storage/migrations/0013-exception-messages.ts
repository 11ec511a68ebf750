import type { Kysely } from 'kysely';

/*
 * An exception's description by message key with parameters (issue 16, core/api/messages.ts),
 * so the back office shows it in the reader's language. Rows from before keep an empty key
 * and '{}': the screens then show their English `description`, as they always did.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema they create */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('exceptions')
    .addColumn('message_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('exceptions')
    .addColumn('message_params', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}
