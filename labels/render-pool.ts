import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LabelDataError, type LabelDataInput } from '#core/labels/label-data.ts';
import type { ResourceLabelData, UnitLabelData } from '#core/labels/label-data.ts';
import type { LabelFormat, LabelOptions } from './render-label.ts';

/*
 * Label renders on worker threads (labels/render-worker.ts), so that a large preview or a
 * PDF of thousands of labels never holds the event loop of the process asking for it: the
 * server answers health and stations' pushes while one renders (docs/labels.md "Limits").
 * The same renderLabel/renderOrderBatch run there; only the bytes come back.
 */
export type RenderJob = { id: number } & (
  | { kind: 'label'; input: LabelDataInput; format: LabelFormat; options: LabelOptions }
  | {
      kind: 'batch';
      batchKind: 'resource' | 'unit';
      orderCode: string;
      items: readonly (ResourceLabelData | UnitLabelData)[];
      options: LabelOptions;
    }
);
type JobOf<K> = K extends { kind: infer _ } ? Omit<K, 'id'> : never;
export type RenderRequest = JobOf<RenderJob>;

export type RenderReply =
  | { id: number; bytes: Uint8Array }
  | { id: number; error: { message: string; problems?: string[] } };

/** More renders than this waiting: refused (RenderPoolBusyError) rather than queued without end. */
export const MAX_WAITING_RENDERS = 32;

export class RenderPoolBusyError extends Error {
  override name = 'RenderPoolBusyError';
}

/*
 * The worker runs the TypeScript sources through tsx (a dependency, as for the CLI's
 * fallback), whether the caller is the bundled CLI, a test or a benchmark.
 */
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx)
  .then((tsx) => tsx.register())
  .then(() => import(workerData.entry));
`;

interface Pending {
  job: RenderJob;
  resolve: (bytes: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | undefined;
}

export class LabelRenderPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 1;

  constructor(readonly size = Math.max(1, Math.min(2, availableParallelism() - 1))) {}

  render(request: RenderRequest): Promise<Buffer> {
    if (this.waiting.length >= MAX_WAITING_RENDERS)
      return Promise.reject(
        new RenderPoolBusyError(`${MAX_WAITING_RENDERS} label renders are waiting already`),
      );
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.push({ job: { ...request, id: this.nextId++ } as RenderJob, resolve, reject });
      this.dispatch();
    });
  }

  /** End the workers; renders under way or waiting fail. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const pending of this.waiting.splice(0)) pending.reject(new Error('render pool closed'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((candidate) => !candidate.busy) ?? this.spawn();
      if (!slot) return;
      const pending = this.waiting.shift() as Pending;
      slot.busy = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.job);
    }
  }

  private spawn(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    const worker = new Worker(WORKER_BOOT, {
      eval: true,
      workerData: {
        tsx: import.meta.resolve('tsx/esm/api'),
        entry: new URL('./render-worker.ts', import.meta.url).href,
      },
    });
    // An idle pool does not keep a process alive.
    worker.unref();
    const slot: Slot = { worker, busy: undefined };
    worker.on('message', (reply: RenderReply) => {
      const pending = slot.busy;
      slot.busy = undefined;
      slot.worker.unref();
      if (pending && pending.job.id === reply.id) {
        if ('bytes' in reply) pending.resolve(Buffer.from(reply.bytes));
        else
          pending.reject(
            reply.error.problems
              ? new LabelDataError(reply.error.problems)
              : new Error(reply.error.message),
          );
      }
      this.dispatch();
    });
    const lost = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.busy?.reject(error);
      slot.busy = undefined;
      this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`label render worker exited (${code})`)));
    this.slots.push(slot);
    return slot;
  }
}
