import { CoalescedRun } from '#core/sync/coalesced-run.ts';
import { sseMessage, type SseMessage } from '#web/sse.ts';
import type { ServerContext } from '../context.ts';
import {
  inReadSnapshot,
  readChangeCursor,
  readChangeRange,
  rowInScope,
  type ChangeLogRow,
  type ChangeScope,
} from '../replication/pull.ts';

/*
 * The live channel's changes (docs/sync.md, live): when a change commits, this server reads
 * the new change-log rows once, up to the same safe cursor a pull stops at, splits them by
 * the scopes of the stations connected to it, serialises and encodes each scope's share once
 * (an SSE `changes` event, framed as an HTTP chunk) and writes those same bytes to every
 * station of the scope. A station applies it when it follows its
 * own cursor and pulls when it does not, so a message dropped or skipped costs a pull,
 * never a row.
 *
 * Each scope remembers the cursor it was last told (`announced`): no row of the scope lies
 * between that and the rows read since, so its next message starts there. A scope with
 * nothing new gets no message at all.
 */

/** Rows per read (and so at most per message), as a pull's batch. */
const LIVE_BATCH = 1000;

export type LiveSend = (message: SseMessage) => void;

interface ScopeFeeds {
  scope: ChangeScope;
  /** The cursor this scope's stations were last told: every row of the scope up to it is sent. */
  announced: number;
  sends: Set<LiveSend>;
}

export interface LiveChanges {
  /**
   * Deliver the changes of `scope` to `send` as SSE `changes` events (liveChangesSchema
   * JSON), starting with an
   * empty range at the scope's announced cursor (a station below it pulls at once). Returns
   * the function that stops delivering.
   */
  subscribe(scope: ChangeScope, send: LiveSend): Promise<() => void>;
}

/** One live message; each row's data is the stored JSON text, not parsed again. */
function liveMessage(after: number, cursor: number, rows: readonly ChangeLogRow[]): SseMessage {
  const changes = rows.map(
    (row) =>
      `{"id":${row.id},"entity":${JSON.stringify(row.entity)},"key":${JSON.stringify(row.key)},"data":${row.data ?? 'null'}}`,
  );
  return sseMessage(
    'changes',
    `{"after":${after},"cursor":${cursor},"changes":[${changes.join(',')}]}`,
  );
}

const scopeKey = (scope: ChangeScope) => `${scope.lineId}\u0000${scope.role}`;

function createLiveChanges(context: ServerContext): LiveChanges {
  const scopes = new Map<string, ScopeFeeds>();
  /** How far this server has read the change log. */
  let position = 0;
  /** After a failed read the rows in between are unknown: every scope is told to pull. */
  let lost = false;

  const readAndAnnounce = async (): Promise<void> => {
    for (;;) {
      if (scopes.size === 0) {
        // Nobody to tell: keep up with the log without reading its rows, unless a station
        // connected meanwhile: its scope starts at the old position, so read the rows.
        const cursor = await inReadSnapshot(context, readChangeCursor);
        if (scopes.size > 0) continue;
        position = cursor;
        return;
      }
      const range = await inReadSnapshot(context, (snapshot) =>
        readChangeRange(snapshot, position, LIVE_BATCH, null),
      );
      position = range.cursor;
      for (const feeds of scopes.values()) {
        const rows = range.rows.filter((row) => rowInScope(row, feeds.scope));
        if (rows.length === 0) continue;
        const message = liveMessage(feeds.announced, range.cursor, rows);
        feeds.announced = range.cursor;
        for (const send of feeds.sends) send(message);
      }
      if (!range.more) return;
    }
  };

  /** An empty range at the current position: a station below it has a gap and pulls. */
  const tellEveryoneToCatchUp = () => {
    for (const feeds of scopes.values()) {
      feeds.announced = position;
      const message = liveMessage(position, position, []);
      for (const send of feeds.sends) send(message);
    }
  };

  const reads = new CoalescedRun(async () => {
    try {
      if (lost) {
        position = await inReadSnapshot(context, readChangeCursor);
        lost = false;
        tellEveryoneToCatchUp();
      }
      await readAndAnnounce();
    } catch (error) {
      // Stations fall back on their poll meanwhile; the next change tries again.
      lost = true;
      context.log.warn({ err: error }, 'live changes could not be read');
    }
  });
  const started = reads.run();
  context.live.subscribe('changes', () => void reads.run());

  return {
    async subscribe(scope, send) {
      await started;
      const key = scopeKey(scope);
      let feeds = scopes.get(key);
      if (!feeds) scopes.set(key, (feeds = { scope, announced: position, sends: new Set() }));
      feeds.sends.add(send);
      send(liveMessage(feeds.announced, feeds.announced, []));
      const joined = feeds;
      return () => {
        joined.sends.delete(send);
        if (joined.sends.size === 0 && scopes.get(key) === joined) scopes.delete(key);
      };
    },
  };
}

const perContext = new WeakMap<ServerContext, LiveChanges>();

/** This server's live changes, started with the first station that connects. */
export function liveChanges(context: ServerContext): LiveChanges {
  let live = perContext.get(context);
  if (!live) perContext.set(context, (live = createLiveChanges(context)));
  return live;
}
