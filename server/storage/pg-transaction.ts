import type pg from 'pg';

/**
 * `work` on one pooled PostgreSQL connection between `begin` and COMMIT, for what Kysely's
 * transactions do not offer: a read-only REPEATABLE READ snapshot streamed in batches,
 * bulk inserts through unnest. A failure rolls back and is rethrown; the connection
 * always goes back to the pool.
 */
export async function inPgTransaction<T>(
  pool: pg.Pool,
  begin: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
