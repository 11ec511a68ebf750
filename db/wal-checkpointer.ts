import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { setAutocheckpoint } from './autocheckpoint.ts';

/*
 * The replica's WAL checkpoints on a thread of their own (docs/sync.md "Sync never delays a
 * verdict"). SQLite checkpoints in the commit that crosses `wal_autocheckpoint` pages: on the
 * station's one thread that commit (a pull's slice, or a scan's) then copies thousands of
 * pages and waits for two fsyncs, and every scan behind it waits too (up to 114 ms measured
 * during a 100,000-row pull). Here the station's connection never checkpoints; a second
 * connection on a worker thread runs PASSIVE checkpoints every `everyMs` while the WAL holds
 * at least CHECKPOINT_MIN_PAGES new pages, which never block the station's writers or
 * readers, and its fsync of the WAL also writes the pull's frames (committed without waiting
 * for the disk) through, so a scan's durable commit does not have to. Stopped, the
 * station's connection checkpoints as before.
 */

/** SQLite's default: checkpoint when the WAL holds this many pages. */
const DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * A turn of the worker checkpoints a replica only when its WAL holds at least this many
 * pages not yet copied into the file (256 KB at 4 KB pages). A pull writes that many
 * between two turns, so during sync it checkpoints every turn as before; a live delivery
 * writes a few pages, and checkpointing (two fsyncs, about 0.5 ms of CPU) after each one
 * cost more than the delivery. A scan's durable commit writes the few pages left through.
 */
export const CHECKPOINT_MIN_PAGES = 64;

/*
 * One worker thread for every replica of the process (a station has one; a benchmark
 * hosting 500 stations in four processes had 500 threads, each an isolate waking five times
 * a second). Per replica its own connection, and a turn every `everyMs`.
 *
 * The pages not yet checkpointed are read from the wal-index header (the -shm file,
 * https://www.sqlite.org/walformat.html: mxFrame at byte 16, nBackfill at byte 96, in the
 * machine's byte order), one read of 100 bytes: cheaper than asking SQLite to checkpoint.
 * A torn read costs one turn's checkpoint too many or too few, never a page.
 */
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { endianness } = require('node:os');
const Database = require(workerData.driver);
const header = Buffer.alloc(100);
const little = endianness() === 'LE';
const replicas = new Map();
const turns = new Map();
const pendingPages = (replica) => {
  if (replica.shm === undefined) return Infinity;
  try {
    if (readSync(replica.shm, header, 0, 100, 0) < 100) return Infinity;
    return little
      ? header.readUInt32LE(16) - header.readUInt32LE(96)
      : header.readUInt32BE(16) - header.readUInt32BE(96);
  } catch {
    return Infinity;
  }
};
const checkpoint = (replica) => {
  try {
    replica.checkpoint.run();
  } catch {
    // Busy or gone: the next turn tries again; stopping checkpoints on the station's side.
  }
};
const turn = (everyMs) => {
  for (const replica of turns.get(everyMs).replicas)
    if (pendingPages(replica) >= workerData.minPages) checkpoint(replica);
};
const open = ({ id, file, everyMs }) => {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('synchronous = FULL');
  let shm;
  try {
    shm = openSync(file + '-shm', 'r');
  } catch {
    shm = undefined; // no wal-index to read: checkpoint every turn
  }
  const replica = { db, shm, everyMs, checkpoint: db.prepare('PRAGMA wal_checkpoint(PASSIVE)') };
  replicas.set(id, replica);
  let group = turns.get(everyMs);
  if (!group) {
    group = { replicas: new Set(), timer: setInterval(() => turn(everyMs), everyMs) };
    turns.set(everyMs, group);
  }
  group.replicas.add(replica);
};
const stop = (id) => {
  const replica = replicas.get(id);
  if (!replica) return;
  replicas.delete(id);
  const group = turns.get(replica.everyMs);
  group.replicas.delete(replica);
  if (group.replicas.size === 0) {
    clearInterval(group.timer);
    turns.delete(replica.everyMs);
  }
  checkpoint(replica);
  if (replica.shm !== undefined) closeSync(replica.shm);
  replica.db.close();
};
parentPort.on('message', (message) => {
  try {
    if (message.type === 'open') open(message);
    else stop(message.id);
    if (message.type === 'stop') parentPort.postMessage({ type: 'stopped', id: message.id });
  } catch {
    // A file the worker cannot open changes nothing: that connection keeps checkpointing.
    parentPort.postMessage({ type: 'failed', id: message.id });
  }
});
`;

interface Member {
  /** The worker stopped this replica's checkpoints, or could not take them on. */
  settle(outcome: 'stopped' | 'failed'): void;
}

interface SharedWorker {
  worker: Worker;
  members: Map<number, Member>;
}

let shared: SharedWorker | undefined;
let nextId = 1;

function sharedWorker(): SharedWorker {
  if (shared) return shared;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { driver, minPages: CHECKPOINT_MIN_PAGES },
  });
  const pool: SharedWorker = { worker, members: new Map() };
  worker.on('message', (message: { type: 'stopped' | 'failed'; id: number }) =>
    pool.members.get(message.id)?.settle(message.type),
  );
  const gone = () => {
    if (shared === pool) shared = undefined;
    for (const member of pool.members.values()) member.settle('failed');
    pool.members.clear();
  };
  worker.once('error', gone);
  worker.once('exit', gone);
  worker.unref();
  shared = pool;
  return pool;
}

export class WalCheckpointer {
  private joined: { pool: SharedWorker; id: number; member: Member } | undefined;

  constructor(
    private readonly db: Database,
    private readonly everyMs = 200,
  ) {}

  /** Take checkpoints off the connection's thread (a file database in WAL mode only). */
  start(): void {
    if (this.joined || this.db.memory) return;
    if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') return;
    const pool = sharedWorker();
    const id = nextId++;
    const member: Member = {
      settle: (outcome) => {
        if (outcome === 'failed') this.giveBack();
      },
    };
    this.joined = { pool, id, member };
    pool.members.set(id, member);
    pool.worker.postMessage({ type: 'open', id, file: this.db.name, everyMs: this.everyMs });
    setAutocheckpoint(this.db, 0);
  }

  /** Checkpoint once more on the worker, stop there, and let the connection checkpoint again. */
  async stop(): Promise<void> {
    const joined = this.joined;
    if (!joined) return;
    const { pool, id, member } = joined;
    if (pool.members.has(id)) {
      await new Promise<void>((resolve) => {
        member.settle = () => resolve();
        pool.worker.postMessage({ type: 'stop', id });
      });
    }
    pool.members.delete(id);
    if (pool.members.size === 0 && shared === pool) {
      shared = undefined;
      await pool.worker.terminate();
    }
    this.giveBack();
  }

  private giveBack(): void {
    const joined = this.joined;
    this.joined = undefined;
    if (joined) joined.pool.members.delete(joined.id);
    if (this.db.open) setAutocheckpoint(this.db, DEFAULT_AUTOCHECKPOINT);
  }
}
