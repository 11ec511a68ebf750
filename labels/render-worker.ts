import { parentPort } from 'node:worker_threads';
import { LabelDataError } from '#core/labels/label-data.ts';
import { renderLabel, renderOrderBatch } from './render-label.ts';
import type { RenderJob, RenderReply } from './render-pool.ts';

/* One render at a time on this thread (labels/render-pool.ts hands out the work). */
parentPort?.on('message', (job: RenderJob) => {
  const render =
    job.kind === 'label'
      ? renderLabel(job.input, job.format, job.options)
      : renderOrderBatch(job.batchKind, job.orderCode, job.items, job.options);
  render.then(
    (bytes) => parentPort?.postMessage({ id: job.id, bytes } satisfies RenderReply),
    (error: unknown) =>
      parentPort?.postMessage({
        id: job.id,
        error: {
          message: (error as Error).message,
          ...(error instanceof LabelDataError ? { problems: error.problems } : {}),
        },
      } satisfies RenderReply),
  );
});
