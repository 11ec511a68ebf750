import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

/*
 * A station deletes from its outbox what the server acknowledged, so the server's SQLite
 * must have the event on disk before it answers: WAL with synchronous = FULL (2), read on
 * the very connection the server writes through, after it has served a push.
 */
describe('the server’s SQLite durability', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await server.stop();
  });

  const pragma = async (name: 'synchronous' | 'journal_mode') => {
    const { rows } = await sql
      .raw<Record<string, unknown>>(`PRAGMA ${name}`)
      .execute(server.context.storage.db);
    return rows[0]?.[name];
  };

  it('commits with synchronous = FULL in WAL mode on the connection that acknowledges pushes', async () => {
    // A request through the server first, so the connection read is the one in service.
    const health = await server.client().get('/api/v1/health');
    expect(health.status).toBe(200);
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
  });
});
