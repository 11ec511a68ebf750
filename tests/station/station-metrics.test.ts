import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createStationMetrics } from '#station/metrics/station-metrics.ts';
import { serveMetrics, type MetricsListener } from '#station/metrics/serve-metrics.ts';
import { parsePrometheusText, sampleValue } from '../server/prometheus-text.ts';
import { stationFixture } from './station-fixture.ts';

const TOKEN = 'station-scrape-secret-42';

describe("a station's /metrics", () => {
  let fixture: ReturnType<typeof stationFixture> | undefined;
  let listener: MetricsListener | undefined;
  afterEach(async () => {
    await listener?.close();
    await fixture?.close();
  });

  it('times scanner reads to verdicts and reports outbox, sync, line stop and devices, behind its token', async () => {
    fixture = stationFixture('production');
    const f = fixture;
    await f.station.start();
    const registry = createStationMetrics(f.station, f.devices());
    listener = await serveMetrics({ registry, token: TOKEN, port: 0, host: '127.0.0.1' });
    // Reads arrive from the scanner as device events, as a real scanner's do.
    f.devices().emit('scan', f.operator);
    f.devices().emit('scan', f.order);
    f.devices().emit('scan', f.resource(1));
    f.devices().emit('scan', mintOrderScopedCode('resource', f.other, 1));

    expect((await fetch(listener.url)).status).toBe(401);
    expect((await fetch(listener.url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    const answer = await fetch(listener.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(200);
    const families = parsePrometheusText(await answer.text());
    const latency = 'ordertrace_station_verdict_seconds';
    expect(families.get(latency)?.type).toBe('histogram');
    expect(sampleValue(families, latency, `${latency}_count`, { verdict: 'accepted' })).toBe(2);
    expect(sampleValue(families, latency, `${latency}_count`, { verdict: 'line_stop' })).toBe(1);
    expect(
      sampleValue(families, latency, `${latency}_sum`, { verdict: 'accepted' }),
    ).toBeGreaterThan(0);
    const stopped = 'ordertrace_station_line_stopped';
    expect(sampleValue(families, stopped, stopped)).toBe(1);
    const depth = 'ordertrace_station_outbox_depth';
    // Nothing was sent (no server): every decision waits in the outbox.
    expect(sampleValue(families, depth, depth)).toBe(f.events().length);
    const age = 'ordertrace_station_outbox_oldest_age_seconds';
    expect(sampleValue(families, age, age)).toBeGreaterThanOrEqual(0);
    const link = 'ordertrace_station_sync_link';
    expect(
      families
        .get(link)
        ?.samples.map((s) => s.labels.link)
        .sort(),
    ).toEqual(['live', 'offline', 'polling', 'stopped']);
    const device = 'ordertrace_station_device_ok';
    expect(sampleValue(families, device, device, { device: 'lineStop', kind: 'dry-run' })).toBe(1);
  });
});
