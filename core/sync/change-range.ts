/*
 * A range of the change log as a station receives it, from a pull or from the live channel:
 * every change of its scope with an id in (after, cursor]. Whether the replica can take it
 * depends only on the replica's own cursor, so pulls and live deliveries may arrive in any
 * order and the replica still ends where one full pull would leave it (docs/sync.md).
 */

export interface ChangeRange<C extends { id: number }> {
  after: number;
  cursor: number;
  changes: readonly C[];
}

/**
 * - `stale`: the replica is at or past the range's cursor already: nothing to do.
 * - `gap`: the range starts after the replica's cursor: changes in between are missing; pull.
 * - `apply`: apply the changes after the replica's cursor (older ones it has, or newer
 *   versions of them) and move the cursor to the range's.
 */
export type RangeFit = 'stale' | 'gap' | 'apply';

export function fitRange(
  replicaCursor: number,
  range: { after: number; cursor: number },
): RangeFit {
  if (range.cursor <= replicaCursor) return 'stale';
  if (range.after > replicaCursor) return 'gap';
  return 'apply';
}

/** The changes of an applicable range that the replica does not hold yet. */
export function changesAfter<C extends { id: number }>(
  replicaCursor: number,
  range: ChangeRange<C>,
): readonly C[] {
  return range.changes.filter((change) => change.id > replicaCursor);
}
