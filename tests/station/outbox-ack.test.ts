import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintOrderCode } from '#core/codes/formats.ts';
import { openReplica } from '#db/open-replica.ts';
import { Outbox } from '#db/outbox.ts';
import { PROTOCOL_VERSION, pushRequestSchema } from '#core/api/sync.ts';
import { pushBody } from '#station/sync/push.ts';

/*
 * The outbox's acknowledgement bookkeeping on a real replica file. Its status and its
 * acknowledgement read the start of the unacknowledged rows only (so pushing a deep backlog
 * is not quadratic, docs/performance.md "push"); these cases pin what they must still say:
 * the acknowledged prefix, the depth, the oldest waiting event, and a server that holds
 * less than it acknowledged before (restored from a backup) getting those events again.
 */
describe('outbox acknowledgements', () => {
  let dir: string;
  let clock: number;
  let replica: ReturnType<typeof openReplica>;
  let outbox: Outbox;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ordertrace-outbox-'));
    clock = Date.parse('2026-12-03T08:00:00.000Z');
    replica = openReplica(join(dir, 'station.sqlite'));
    outbox = new Outbox(replica.db, 'station-1', () => new Date(clock));
  });

  afterEach(() => {
    replica.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Record `count` decisions a second apart. */
  function record(count: number): void {
    for (let i = 0; i < count; i++) {
      outbox.record({ type: 'order.loaded', order: mintOrderCode() }, null);
      clock += 1000;
    }
  }

  it('starts empty', () => {
    expect(outbox.status()).toEqual({ depth: 0, oldestAgeMs: null, ackedThrough: 0, lastSeq: 0 });
  });

  it('reports the acknowledged prefix, the depth and the oldest waiting event as pushes are answered', () => {
    record(10);
    expect(outbox.status()).toEqual({
      depth: 10,
      oldestAgeMs: 10_000,
      ackedThrough: 0,
      lastSeq: 10,
    });
    outbox.acknowledge(4);
    expect(outbox.status()).toEqual({ depth: 6, oldestAgeMs: 6000, ackedThrough: 4, lastSeq: 10 });
    const waiting = outbox.pending(100);
    expect(waiting.map((event) => event.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    // Each as recorded: the event's JSON, sent as it is.
    for (const { seq, text } of waiting) expect(JSON.parse(text)).toMatchObject({ seq });
    // The same answer again (a retried push) changes nothing.
    outbox.acknowledge(4);
    expect(outbox.status().ackedThrough).toBe(4);
    outbox.acknowledge(10);
    expect(outbox.status()).toEqual({
      depth: 0,
      oldestAgeMs: null,
      ackedThrough: 10,
      lastSeq: 10,
    });
    expect(outbox.pending(100)).toEqual([]);
    record(2);
    expect(outbox.status()).toEqual({ depth: 2, oldestAgeMs: 2000, ackedThrough: 10, lastSeq: 12 });
  });

  it('sends again what a server restored from a backup no longer holds', () => {
    record(8);
    outbox.acknowledge(8);
    outbox.acknowledge(3);
    expect(outbox.status()).toMatchObject({ depth: 5, ackedThrough: 3, lastSeq: 8 });
    expect(outbox.pending(100).map((event) => event.seq)).toEqual([4, 5, 6, 7, 8]);
    // What stays acknowledged keeps its mark; only 4..8 were cleared.
    const marked = replica.db
      .prepare('SELECT seq FROM outbox WHERE acked_at IS NOT NULL ORDER BY seq')
      .pluck()
      .all();
    expect(marked).toEqual([1, 2, 3]);
    outbox.acknowledge(0);
    expect(outbox.status()).toMatchObject({ depth: 8, ackedThrough: 0 });
  });

  it('keeps an answer beyond what it holds to what it holds', () => {
    record(3);
    outbox.acknowledge(7);
    expect(outbox.status()).toEqual({ depth: 0, oldestAgeMs: null, ackedThrough: 3, lastSeq: 3 });
  });

  it('pushes the events as recorded, in a body the push schema takes', () => {
    record(3);
    const pending = outbox.pending(100);
    const body = pushBody(3, pending);
    const request = pushRequestSchema.parse(JSON.parse(body.text));
    expect(request).toEqual({
      protocol: PROTOCOL_VERSION,
      outboxDepth: 3,
      events: pending.map((event) => JSON.parse(event.text)),
    });
    // Whoever serialises it again (a test's transport) gets the same request.
    expect(JSON.parse(JSON.stringify(body))).toEqual(request);
  });

  it('finds the acknowledged prefix through the index, not by reading the backlog', () => {
    // The statements behind status and acknowledge: none reads the backlog row by row.
    const plans = [
      'SELECT seq, created_at AS createdAt FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT 1',
      'SELECT seq FROM outbox WHERE seq < 5 AND acked_at IS NOT NULL ORDER BY seq DESC LIMIT 1',
      'UPDATE outbox SET acked_at = 1 WHERE seq <= 5 AND acked_at IS NULL',
      'UPDATE outbox SET acked_at = NULL WHERE seq > 3 AND seq <= 5 AND acked_at IS NOT NULL',
    ].map((statement) =>
      (replica.db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all() as { detail: string }[])
        .map((row) => row.detail)
        .join('; '),
    );
    // The first unacknowledged row is the partial index's first entry; the rest are ranges
    // of sequence numbers, never a walk over every row.
    expect(plans).toEqual([
      'SCAN outbox USING INDEX outbox_unacked',
      'SEARCH outbox USING INTEGER PRIMARY KEY (rowid<?)',
      'SEARCH outbox USING INDEX outbox_unacked (seq<?)',
      'SEARCH outbox USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)',
    ]);
  });
});
