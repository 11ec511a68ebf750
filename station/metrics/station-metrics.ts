import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StationDevices } from '../devices/station-devices.ts';
import type { StationStream } from '../service/station.ts';

const SYNC_LINKS = ['live', 'polling', 'offline', 'stopped'] as const;

/**
 * A station's Prometheus metrics (docs/integration.md): how fast it decides, what it has
 * not sent yet, how it is linked to the server, and whether its devices work. Read from the
 * service's own state at scrape time; the decision path only stamps a time.
 */
export function createStationMetrics(service: StationStream, devices: StationDevices): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ordertrace_station_' });

  const verdictSeconds = new Histogram({
    name: 'ordertrace_station_verdict_seconds',
    help: 'From a scanner read to the recorded verdict (decision, outbox write, replica effect)',
    labelNames: ['verdict'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  const verdicts = new Counter({
    name: 'ordertrace_station_verdicts_total',
    help: 'Scan decisions by verdict (accepted, line_stop, misread…)',
    labelNames: ['verdict'] as const,
    registers: [registry],
  });
  // A scanner read is decided synchronously inside the 'scan' listener, so the verdict
  // that follows a read is that read's.
  let readAt: bigint | undefined;
  devices.prependListener('scan', () => (readAt = process.hrtime.bigint()));
  devices.prependListener('unreadable', () => (readAt = process.hrtime.bigint()));
  service.on('event', (event) => {
    if (event.type !== 'verdict') return;
    const verdict = event.decision.verdict;
    verdicts.inc({ verdict });
    if (readAt !== undefined) {
      verdictSeconds.observe({ verdict }, Number(process.hrtime.bigint() - readAt) / 1e9);
      readAt = undefined;
    }
  });

  new Gauge({
    name: 'ordertrace_station_outbox_depth',
    help: 'Events the server has not confirmed yet',
    registers: [registry],
    collect() {
      this.set(service.state().sync.outboxDepth);
    },
  });
  new Gauge({
    name: 'ordertrace_station_outbox_oldest_age_seconds',
    help: 'Age of the oldest unconfirmed event (0 when the outbox is empty)',
    registers: [registry],
    collect() {
      this.set((service.state().sync.oldestAgeMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'ordertrace_station_sync_link',
    help: 'The link to the server: 1 for the current state (live, polling, offline, stopped)',
    labelNames: ['link'] as const,
    registers: [registry],
    collect() {
      const link = service.state().sync.link;
      for (const state of SYNC_LINKS) this.set({ link: state }, state === link ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ordertrace_station_line_stopped',
    help: '1 while this station holds its line stopped',
    registers: [registry],
    collect() {
      this.set(service.state().lineStop ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ordertrace_station_device_ok',
    help: 'Whether each device works (1) or not (0), with the kind opened',
    labelNames: ['device', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [device, status] of Object.entries(devices.statuses))
        this.set({ device, kind: status.kind }, status.ok ? 1 : 0);
    },
  });
  return registry;
}
