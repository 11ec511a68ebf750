import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/*
 * The replica's WAL checkpoints on a thread of their own (docs/sync.md "Sync never delays a
 * verdict"). SQLite checkpoints in the commit that crosses `wal_autocheckpoint` pages: on the
 * station's one thread that commit (a pull's slice, or a scan's) then copies thousands of
 * pages and waits for two fsyncs, and every scan behind it waits too (up to 114 ms measured
 * during a 100,000-row pull). Here the station's connection never checkpoints; a second
 * connection on a worker thread runs PASSIVE checkpoints every `everyMs`, which never block
 * the station's writers or readers, and its fsync of the WAL also writes the pull's frames
 * (committed without waiting for the disk) through, so a scan's durable commit does not
 * have to. Stopped, the station's connection checkpoints as before.
 */

/** SQLite's default: checkpoint when the WAL holds this many pages. */
const DEFAULT_AUTOCHECKPOINT = 1000;

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const run = () => {
  try {
    checkpoint.run();
  } catch {
    // Busy or gone: the next turn tries again; stopping checkpoints on the station's side.
  }
};
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  run();
  db.close();
  parentPort.postMessage('stopped');
});
`;

export class WalCheckpointer {
  private worker: Worker | undefined;

  constructor(
    private readonly db: Database,
    private readonly everyMs = 200,
  ) {}

  /** Take checkpoints off the connection's thread (a file database in WAL mode only). */
  start(): void {
    if (this.worker || this.db.memory) return;
    if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { driver, file: this.db.name, everyMs: this.everyMs },
    });
    // A worker that cannot open the file changes nothing: the connection keeps checkpointing.
    this.worker.once('error', () => this.giveBack());
    this.worker.unref();
    this.db.pragma('wal_autocheckpoint = 0');
  }

  /** Checkpoint once more on the worker, end it, and let the connection checkpoint again. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
      worker.once('error', () => resolve());
      worker.postMessage('stop');
    });
    await worker.terminate();
    this.giveBack();
  }

  private giveBack(): void {
    this.worker = undefined;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  }
}
