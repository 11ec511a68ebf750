import type { Database } from 'better-sqlite3';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { ssccBlockResponseSchema } from '#core/api/sscc-blocks.ts';
import { SSCC_REFILL_BELOW } from '#core/gs1/sscc-blocks.ts';
import { addSsccBlocks, heldSsccBlocks, ssccReferencesLeft } from '#db/sscc-store.ts';
import type { SyncTransport } from './sync-transport.ts';

const NO_PREFIX_RETRY_MS = 5 * 60_000;
const noPrefixUntil = new WeakMap<Database, number>();

/**
 * A packing station's SSCC blocks, topped up during sync (docs/decisions/0006-sscc-blocks.md):
 * when fewer than SSCC_REFILL_BELOW references are left it names every block it holds and
 * stores what the server grants. Returns the references left afterwards.
 */
export async function refillSsccBlocks(
  http: SyncTransport,
  db: Database,
  now: () => Date,
): Promise<number> {
  const left = ssccReferencesLeft(db);
  if (left >= SSCC_REFILL_BELOW || now().getTime() < (noPrefixUntil.get(db) ?? 0)) return left;
  const answer = ssccBlockResponseSchema.parse(
    await http.json('POST', '/api/v1/sync/sscc-blocks', {
      protocol: PROTOCOL_VERSION,
      held: heldSsccBlocks(db),
    }),
  );
  // A server without a company prefix gives no SSCCs: ask again in a while, not every cycle.
  if (answer.companyPrefix === null) noPrefixUntil.set(db, now().getTime() + NO_PREFIX_RETRY_MS);
  addSsccBlocks(db, answer.granted, now());
  return ssccReferencesLeft(db);
}
