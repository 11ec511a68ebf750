import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../context.ts';

/**
 * The server's Prometheus metrics (docs/integration.md). One registry per server, not
 * prom-client's global one, so several servers in one process (tests, the demo plant)
 * never mix their numbers. Counts that live in the database (open line stops, exceptions,
 * webhook deliveries) are read at scrape time, so every instance reports the same truth
 * and a restart resets nothing.
 */
export interface ServerMetrics {
  registry: Registry;
  requestSeconds: Histogram<'method' | 'route' | 'status'>;
  ingestBatches: Counter;
  ingestEvents: Counter;
  pulls: Counter;
  liveFeeds: Gauge<'feed'>;
  webhookAttempts: Counter<'outcome'>;
  mqttPublished: Counter<'outcome'>;
  /** A station pulled changes after `cursor`: its lag is the log's head minus that. */
  stationPulled(stationName: string, cursor: number): void;
}

export function createServerMetrics(db: () => Db): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ordertrace_' });
  const pulledCursor = new Map<string, number>();

  const requestSeconds = new Histogram({
    name: 'ordertrace_http_request_duration_seconds',
    help: 'HTTP request latency by route (the route pattern, not the URL)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const ingestBatches = new Counter({
    name: 'ordertrace_ingest_batches_total',
    help: 'Batches of station events pushed (answered 200)',
    registers: [registry],
  });
  const ingestEvents = new Counter({
    name: 'ordertrace_ingest_events_total',
    help: 'Station events received in answered pushes (duplicates included)',
    registers: [registry],
  });
  const pulls = new Counter({
    name: 'ordertrace_sync_pulls_total',
    help: 'Change pulls answered to stations',
    registers: [registry],
  });
  const liveFeeds = new Gauge({
    name: 'ordertrace_live_feeds',
    help: 'Open live feeds (server-sent events): station change notices and order progress',
    labelNames: ['feed'] as const,
    registers: [registry],
  });
  const webhookAttempts = new Counter({
    name: 'ordertrace_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome (delivered, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const mqttPublished = new Counter({
    name: 'ordertrace_mqtt_messages_total',
    help: 'MQTT messages by outcome (published, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'ordertrace_change_log_head',
    help: 'Id of the newest change-log row (the sync cursor stations chase)',
    registers: [registry],
    async collect() {
      this.set(await changeLogHead(db()));
    },
  });
  new Gauge({
    name: 'ordertrace_station_change_log_lag',
    help: 'Change-log rows a station had not pulled yet at its last pull (head minus its cursor)',
    labelNames: ['station'] as const,
    registers: [registry],
    async collect() {
      const head = await changeLogHead(db());
      this.reset();
      for (const [station, cursor] of pulledCursor)
        this.set({ station }, Math.max(0, head - cursor));
    },
  });
  new Gauge({
    name: 'ordertrace_line_stops_open',
    help: 'Line stops not cleared yet',
    registers: [registry],
    async collect() {
      const row = await db()
        .selectFrom('exceptions')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('kind', '=', 'line_stop')
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      this.set(Number(row.count));
    },
  });
  new Gauge({
    name: 'ordertrace_exceptions',
    help: 'Exceptions by kind and status (line_stop, conflict, receipt_rejected; open, cleared, resolved)',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db()
        .selectFrom('exceptions')
        .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy(['kind', 'status'])
        .execute();
      this.reset();
      for (const row of rows) this.set({ kind: row.kind, status: row.status }, Number(row.count));
    },
  });
  new Gauge({
    name: 'ordertrace_station_outbox_depth',
    help: 'Unsent events each station reported at its last push',
    labelNames: ['station'] as const,
    registers: [registry],
    async collect() {
      const rows = await db()
        .selectFrom('stations')
        .select(['name', 'outbox_depth'])
        .where('revoked_at', 'is', null)
        .where('outbox_depth', 'is not', null)
        .execute();
      this.reset();
      for (const row of rows) this.set({ station: row.name }, Number(row.outbox_depth));
    },
  });

  new Gauge({
    name: 'ordertrace_webhook_deliveries',
    help: 'Webhook deliveries by status (pending, delivered, failed: gave up after a day)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db()
        .selectFrom('webhook_deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('status')
        .execute();
      this.reset();
      for (const status of ['pending', 'delivered', 'failed'])
        this.set({ status }, Number(rows.find((row) => row.status === status)?.count ?? 0));
    },
  });

  return {
    registry,
    requestSeconds,
    ingestBatches,
    ingestEvents,
    pulls,
    liveFeeds,
    webhookAttempts,
    mqttPublished,
    stationPulled(stationName, cursor) {
      pulledCursor.set(stationName, cursor);
    },
  };
}

async function changeLogHead(db: Db): Promise<number> {
  const row = await db
    .selectFrom('change_log')
    .select((eb) => eb.fn.max<number | null>('id').as('head'))
    .executeTakeFirst();
  return Number(row?.head ?? 0);
}
