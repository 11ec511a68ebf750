/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, stationCommands } from '#station/service/command-map.ts';
import { enrollmentPath } from '#station/enrollment-file.ts';
import { runStation } from '#station/run-station.ts';
import { enroll, withServerUrls } from '#station/sync/enroll.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import type { ApiClient } from '../server/harness.ts';
import {
  addUser,
  loggedIn,
  scratchDatabase,
  sharedCertificate,
  startServerProcess,
  type ScratchDatabase,
  type ServerProcess,
} from './server-processes.ts';
import { eventually, openStation, stationOn, type TestReplica } from './sync-harness.ts';

/*
 * Several instances (docs/operations.md): two `ordertrace server` processes on one
 * PostgreSQL database, sharing one certificate. A station given both URLs keeps deciding
 * and syncing when the one it talks to is killed; nothing is lost or stored twice.
 */
describe('a station with two server instances', () => {
  let database: ScratchDatabase;
  let tls: Awaited<ReturnType<typeof sharedCertificate>>;
  let a: ServerProcess;
  let b: ServerProcess;
  let adminA: ApiClient;
  let adminB: ApiClient;
  let customerA: ApiClient;
  let customerB: ApiClient;
  let product: string;
  let replica: TestReplica | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    database = await scratchDatabase();
    tls = await sharedCertificate();
    // The first start migrates the database; the second finds it done.
    a = await startServerProcess(database.url, tls);
    b = await startServerProcess(database.url, tls);
    const [admin, customer] = [
      await addUser(database.url, 'admin'),
      await addUser(database.url, 'customer'),
    ];
    adminA = await loggedIn(a.url, tls.cert, admin);
    adminB = await loggedIn(b.url, tls.cert, admin);
    customerA = await loggedIn(a.url, tls.cert, customer);
    customerB = await loggedIn(b.url, tls.cert, customer);
    await adminA.post('/api/v1/lines', { name: 'L1' });
    product = (await adminA.post('/api/v1/products', OAK_TABLE)).body.code;
  });
  afterAll(async () => {
    await replica?.close();
    await a?.kill();
    await b?.kill();
    await database?.drop();
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const release = async (customer: ApiClient, admin: ApiClient, quantity: number) => {
    const order = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity }],
      shipTo: '苏州工业园区星湖街 1 号',
    });
    const released = await admin.post(`/api/v1/orders/${order.body.id}/release`, { line: 'L1' });
    if (released.status !== 200) throw new Error(JSON.stringify(released.body));
    return {
      code: order.body.code as string,
      resources: (released.body.resources as { code: string }[]).map((r) => r.code),
    };
  };

  it('keeps deciding and syncing through one instance being killed, losing and doubling nothing', async () => {
    const created = await adminA.post('/api/v1/stations', {
      name: 'failover-station',
      role: 'production',
      line: 'L1',
    });
    const operator = (await adminA.post('/api/v1/badges', { name: 'Zhao', role: 'operator' })).body
      .code as string;
    const enrolled = await enroll(a.url, created.body.enrollmentCode, {
      fingerprint: tls.fingerprint,
    });
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-failover-'));
    dirs.push(dir);
    replica = openStation(join(dir, 'replica.sqlite'), withServerUrls(enrolled, [a.url, b.url]));
    replica.sync.start();
    await eventually(() => replica!.sync.ready, 60_000, 'the replica through A');
    const order = await release(customerA, adminA, 4);
    await eventually(
      () => replica!.db.prepare('SELECT 1 FROM orders WHERE code = ?').get(order.code),
      30_000,
      'the released order',
    );
    const station = stationOn(replica, 'production');
    await station.start();
    const commands = stationCommands(station);
    await runCommand(commands, 'login', { badge: operator });
    await runCommand(commands, 'loadOrder', { order: order.code });
    const scan = async (code: string) => {
      const reply = await runCommand(commands, 'scan', { text: code });
      expect(reply.ok && reply.decision?.verdict).toBe('accepted');
    };
    const half = Math.floor(order.resources.length / 2);
    for (const code of order.resources.slice(0, half)) await scan(code);
    await eventually(() => replica!.outbox.status().depth === 0, 30_000, 'pushed through A');

    // A dies without a word; the station decides on, locally, and syncs through B.
    await a.kill('SIGKILL');
    for (const code of order.resources.slice(half)) await scan(code);
    await eventually(() => replica!.outbox.status().depth === 0, 60_000, 'pushed through B');
    // And down: an order released through B reaches it.
    const later = await release(customerB, adminB, 1);
    await eventually(
      () => replica!.db.prepare('SELECT 1 FROM orders WHERE code = ?').get(later.code),
      60_000,
      'the order released through B',
    );
    await eventually(() => replica!.sync.status().link === 'live', 60_000, 'live again, on B');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const held = await client.query<{ seq: number; id: string }>(
        'SELECT seq, id FROM events WHERE station_id = $1 ORDER BY seq',
        [enrolled.stationId],
      );
      const local = replica.db.prepare('SELECT seq, id FROM outbox ORDER BY seq').all();
      expect(held.rows.map((r) => ({ seq: Number(r.seq), id: r.id }))).toEqual(local);
      expect(local.map((_, i) => i + 1)).toEqual(local.map((e: any) => e.seq));
      const consumed = await client.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM resources WHERE code = ANY($1) AND consumed_at IS NOT NULL',
        [order.resources],
      );
      expect(Number(consumed.rows[0]!.n)).toBe(order.resources.length);
    } finally {
      await client.end();
    }
  });

  it('moves an enrolled station to another server when --server changes, the pin kept', async () => {
    // Enrolled through B alone (A is gone by now); then started again with B's other address.
    const created = await adminB.post('/api/v1/stations', {
      name: 'moved-station',
      role: 'production',
      line: 'L1',
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-moved-'));
    dirs.push(dataDir);
    const lines: string[] = [];
    const first = await runStation({
      dataDir,
      servers: [b.url],
      enrollCode: created.body.enrollmentCode,
      trust: { fingerprint: tls.fingerprint },
      log: (line) => lines.push(line),
    });
    await first.close();
    const otherAddress = b.url.replace('127.0.0.1', 'localhost');
    const moved = await runStation({
      dataDir,
      servers: [otherAddress, a.url],
      log: (line) => lines.push(line),
    });
    try {
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `Server changed from ${b.url} to ${otherAddress}, ${a.url}; the certificate pinned`,
        ),
      );
      const saved = JSON.parse(readFileSync(enrollmentPath(dataDir), 'utf8'));
      expect(saved).toMatchObject({ serverUrl: otherAddress, serverUrls: [otherAddress, a.url] });
      expect(saved.fingerprint).toBe(tls.fingerprint);
      await eventually(() => moved.sync.ready, 60_000, 'the replica through the new address');
    } finally {
      await moved.close();
    }
  });
});
