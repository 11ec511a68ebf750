import { PROTOCOL_VERSION, pullResponseSchema } from '#core/api/sync.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import type { SyncTransport } from './sync-transport.ts';

const PULL_LIMIT = 1000;

/**
 * Pull the change log after the replica's cursor until the server has no more, applying
 * each batch with its cursor in one transaction (docs/sync.md, down). A live delivery may
 * have moved the cursor while the request was out: the batch then applies only what the
 * replica still lacks (ReplicaStore.applyRange). `applied` runs after each batch.
 */
export async function pullChanges(
  http: SyncTransport,
  store: ReplicaStore,
  applied: () => void,
): Promise<void> {
  for (;;) {
    const after = store.cursor;
    const batch = pullResponseSchema.parse(
      await http.json(
        'GET',
        `/api/v1/sync/changes?protocol=${PROTOCOL_VERSION}&after=${after}&limit=${PULL_LIMIT}`,
      ),
    );
    // In slices: a scan never waits for a whole batch (docs/sync.md).
    await store.applyRangeInSlices({ after, cursor: batch.cursor, changes: batch.changes });
    applied();
    if (!batch.more) return;
  }
}
