import { EventEmitter } from 'node:events';
import type pg from 'pg';

/**
 * Tells whoever listens that something changed: 'changes' for station sync, 'order:<id>'
 * for a customer's live progress. Messages carry no data; listeners re-read what they show,
 * so a lost or merged notification never leaves anyone with stale state for long.
 */
export interface LiveBus {
  publish(topic: string): void;
  subscribe(topic: string, listener: () => void): () => void;
  close(): Promise<void>;
}

export function createMemoryBus(): LiveBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (topic) => void emitter.emit(topic),
    subscribe(topic, listener) {
      emitter.on(topic, listener);
      return () => void emitter.off(topic, listener);
    },
    close: async () => void emitter.removeAllListeners(),
  };
}

const CHANNEL = 'ordertrace_live';

/**
 * Several server instances on one PostgreSQL: a change made through one reaches listeners
 * on every other through LISTEN/NOTIFY. Each instance hears its own notifications too, so
 * local and remote changes take the same path.
 */
export async function createPostgresBus(
  pool: pg.Pool,
  onError: (error: Error) => void,
): Promise<LiveBus> {
  const local = createMemoryBus();
  let client: pg.PoolClient | undefined;
  let closed = false;

  const connect = async () => {
    client = await pool.connect();
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) local.publish(message.payload);
    });
    client.on('error', (error) => {
      onError(error);
      client?.release(true);
      client = undefined;
      // Reconnect so live updates resume; stations poll meanwhile.
      if (!closed) setTimeout(() => void connect().catch(onError), 1000).unref();
    });
    await client.query(`LISTEN ${CHANNEL}`);
  };
  await connect();

  // The topics published during one turn of the event loop go out in one statement: a push
  // publishes its orders and 'changes', and each statement takes a pool connection that the
  // pushes themselves wait for (docs/performance.md, flood_isolation). PostgreSQL would fold
  // a repeated topic within a transaction anyway.
  const pending = new Set<string>();
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    const topics = [...pending];
    pending.clear();
    if (topics.length === 0) return;
    flushing = pool
      .query('SELECT pg_notify($1, topic) FROM unnest($2::text[]) AS topic', [CHANNEL, topics])
      .then(
        () => undefined,
        (error: Error) => onError(error),
      );
  };
  return {
    publish(topic) {
      if (pending.size === 0) setImmediate(flush);
      pending.add(topic);
    },
    subscribe: local.subscribe,
    async close() {
      closed = true;
      flush();
      await flushing;
      await local.close();
      client?.release();
    },
  };
}
