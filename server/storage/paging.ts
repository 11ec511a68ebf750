import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely';
import {
  encodeCursor,
  type CursorValue,
  type PageQuery,
  type TimeRange,
} from '#core/api/paging.ts';
import { invalid } from '../errors.ts';

/** One key of a list's sort: a column, its direction and how to read it from a row. */
export interface SortKey<Row> {
  column: string;
  direction: 'asc' | 'desc';
  value: (row: Row) => CursorValue;
}

/** A list's sorts by name; each must end in a unique column so rows never tie. */
export type Sorts<Row, Name extends string = string> = Record<Name, readonly SortKey<Row>[]>;

export interface Page<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/** The cursor fits this sort, or a 400 that says what to do. */
function cursorAfter<Row>(page: PageQuery, keys: readonly SortKey<Row>[]): CursorValue[] | null {
  if (!page.cursor) return null;
  if (page.cursor.sort !== page.sort || page.cursor.after.length !== keys.length)
    throw invalid(
      `This cursor belongs to a list sorted by ${page.cursor.sort}, not ${page.sort}; ask for the first page again.`,
      'querystring.cursor',
    );
  return page.cursor.after;
}

/**
 * Rows strictly after the cursor in the sort's order: (a, b, id) > (x, y, z) spelled out
 * as a disjunction, since SQLite and PostgreSQL only share the long form for mixed
 * directions.
 */
function afterCondition<Row>(
  keys: readonly SortKey<Row>[],
  after: CursorValue[],
): Expression<SqlBool> {
  const branches = keys.map((key, index) => {
    const equalBefore = keys
      .slice(0, index)
      .map((earlier, i) => sql`${sql.ref(earlier.column)} = ${after[i]}`);
    const beyond =
      key.direction === 'asc'
        ? sql`${sql.ref(key.column)} > ${after[index]}`
        : sql`${sql.ref(key.column)} < ${after[index]}`;
    return sql.join([...equalBefore, beyond], sql` and `);
  });
  return sql<SqlBool>`(${sql.join(
    branches.map((branch) => sql`(${branch})`),
    sql` or `,
  )})`;
}

/**
 * One page of a keyset-paged query: ordered by the sort, starting after the cursor, one
 * row more than asked to know whether a next page exists.
 */
export async function keysetPage<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  sorts: Sorts<Row>,
  page: PageQuery,
): Promise<Page<Row>> {
  const keys = sorts[page.sort];
  if (!keys) throw invalid(`Unknown sort ${page.sort}.`, 'querystring.sort');
  const after = cursorAfter(page, keys);
  let ordered = after ? query.where(afterCondition(keys, after)) : query;
  for (const key of keys) ordered = ordered.orderBy(sql.ref(key.column), key.direction);
  const rows = await ordered.limit(page.limit + 1).execute();
  return pageOf(rows, keys, page);
}

/** Page a list already in memory (ranked search results) the same way. */
export function memoryPage<Row>(rows: Row[], sorts: Sorts<Row>, page: PageQuery): Page<Row> {
  const keys = sorts[page.sort];
  if (!keys) throw invalid(`Unknown sort ${page.sort}.`, 'querystring.sort');
  const after = cursorAfter(page, keys);
  const compare = (a: CursorValue[], b: CursorValue[]) => {
    for (const [index, key] of keys.entries()) {
      const x = a[index] as CursorValue;
      const y = b[index] as CursorValue;
      if (x === y) continue;
      const less = x < y ? -1 : 1;
      return key.direction === 'asc' ? less : -less;
    }
    return 0;
  };
  const valuesOf = (row: Row) => keys.map((key) => key.value(row));
  const sorted = [...rows].sort((a, b) => compare(valuesOf(a), valuesOf(b)));
  const rest = after ? sorted.filter((row) => compare(valuesOf(row), after) > 0) : sorted;
  return pageOf(rest.slice(0, page.limit + 1), keys, page);
}

function pageOf<Row>(rows: Row[], keys: readonly SortKey<Row>[], page: PageQuery): Page<Row> {
  if (rows.length <= page.limit) return { rows, nextCursor: null };
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1] as Row;
  return {
    rows: shown,
    nextCursor: encodeCursor({ sort: page.sort, after: keys.map((key) => key.value(last)) }),
  };
}

/** `lower(column) LIKE %text%`, with the user's % and _ taken literally, on both engines. */
export function containsText(column: string, text: string): Expression<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

/** `column` names a line or station given by its name or its id (filters take either). */
export function namedIn(
  column: string,
  table: 'lines' | 'stations',
  nameOrId: string,
): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (select id from ${sql.table(table)} where id = ${nameOrId} or name = ${nameOrId})`;
}

/**
 * A sort by one column then the row's id (unique, so rows never tie): `thenId('orders',
 * 'created_at', 'desc')` is newest first.
 */
export function thenId<Row extends { id: string }, Column extends keyof Row & string>(
  table: string,
  column: Column,
  direction: 'asc' | 'desc',
): SortKey<Row>[] {
  return [
    { column: `${table}.${column}`, direction, value: (row) => row[column] as CursorValue },
    { column: `${table}.id`, direction, value: (row) => row.id },
  ];
}

/**
 * `from <= column < to` for a column holding UTC ISO text (`toISOString()`, as the server
 * writes its own times): a bound sent with an offset is turned into UTC first, so the text
 * comparison is exact on both engines.
 */
export function withinTime<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  column: string,
  range: TimeRange,
): SelectQueryBuilder<DB, TB, Row> {
  let narrowed = query;
  if (range.from)
    narrowed = narrowed.where(
      sql<SqlBool>`${sql.ref(column)} >= ${new Date(range.from).toISOString()}`,
    );
  if (range.to)
    narrowed = narrowed.where(
      sql<SqlBool>`${sql.ref(column)} < ${new Date(range.to).toISOString()}`,
    );
  return narrowed;
}
