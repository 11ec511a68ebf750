import { CompiledQuery, PostgresAdapter } from 'kysely';
import type { Db } from '../context.ts';

/*
 * Statements of the push path written as SQL text, run without Kysely's query builder.
 * Building and compiling a query through Kysely cost a push about as much CPU as the server's
 * own work on it (docs/performance.md, flood_isolation): a push runs some twenty fixed
 * statements and every one was built anew. Here the text is written once (`?` for each
 * parameter, turned into PostgreSQL's `$1, $2, …` once per text) and only the values change.
 * For statements whose shape never varies; the rest of the server keeps the builder.
 */

const numbered = new Map<string, string>();

/** `?` → `$n` for PostgreSQL, remembered per text (the texts are few). */
function postgresText(text: string): string {
  let out = numbered.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < 1000) numbered.set(text, out);
  }
  return out;
}

/** Run `text` (placeholders `?`, never inside a literal) with `params`; the rows it answers. */
export async function plainQuery<Row>(
  db: Db,
  text: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const result = await db.executeQuery<Row>(
    CompiledQuery.raw(postgres ? postgresText(text) : text, [...params]),
  );
  return result.rows;
}

/** `?, ?, …` for a list of `count` values (an `IN (…)` or a VALUES row); SQL has no empty list. */
export function placeholders(count: number): string {
  if (count < 1) throw new Error('an SQL list needs at least one value');
  return `?${', ?'.repeat(count - 1)}`;
}
