import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from './fixtures/child.ts';
import { startPlant } from './fixtures/plant.ts';
import { generateReleasedOrders } from './fixtures/released-orders.ts';
import type { ScanVerdictInput } from './fixtures/scan-verdict-child.ts';
import { round, type Benchmark } from './harness.ts';

/*
 * Verdict latency (issue 14; docs/performance.md "scan_verdict"): a production station on a
 * replica of `orders` released orders (10 resource codes each) bootstrapped from the real
 * server, in a child process, scanning as a line does (job card, resources, a repeat, a
 * misread). Scan text → verdict event with the durable commit (synchronous = FULL) beside the
 * same run's bare commit of one outbox-sized row; bytes into a socat pty → verdict; the same
 * while the station pulls `pullRows` new rows; the same decision asked of the server over
 * HTTPS per scan (keep-alive, loopback), as ERP systems do; and scans with the server down.
 */
const FULL = { orders: 100_000, pullOrders: 8_334, direct: 5000, ptyScans: 300, roundtrips: 1000 };
const QUICK = { orders: 150, pullOrders: 100, direct: 200, ptyScans: 20, roundtrips: 50 };

export const scanVerdictBenchmark: Benchmark = {
  name: 'scan_verdict',
  description:
    'Scan → verdict with the durable commit (vs a bare commit); from a pty; during a big pull; offline; vs an HTTPS round trip',
  async run({ quick }) {
    const size = quick ? QUICK : FULL;
    // The round-trip phase asks the server once per scan, as fast as it answers: far more
    // than a station's default push quota (100 a second), which would answer 429.
    const plant = await startPlant('sqlite', { env: { STATION_PUSHES_PER_S: '100000' } });
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-bench-verdict-'));
    let child: Child | undefined;
    let serverUp = true;
    try {
      const released = await generateReleasedOrders(plant, { orders: size.orders });
      const input: ScanVerdictInput = {
        enrollment: await plant.station('production'),
        roundtripEnrollment: await plant.station('production'),
        orderCodes: released.orderCodes,
        resourcesPerOrder: released.resourcesPerOrder,
        dir,
        direct: size.direct,
        ptyScans: size.ptyScans,
        roundtrips: size.roundtrips,
      };
      child = new Child('scanVerdict', input);
      await child.next('ready-to-pull', 1_800_000);
      const pulled = await generateReleasedOrders(plant, { orders: size.pullOrders });
      child.send({ type: 'pull' });
      await child.next('ready-for-offline', 1_800_000);
      await plant.close();
      serverUp = false;
      child.send({ type: 'offline' });
      const m = await child.done;
      const ratio = (a: string, b: string) => round((m[a] ?? NaN) / (m[b] ?? NaN), 2);
      return {
        metrics: {
          orders: size.orders,
          resource_codes: size.orders * released.resourcesPerOrder,
          pull_rows: pulled.rows,
          ...m,
          p50_over_commit: ratio('p50_us', 'commit_p50_us'),
          p99_over_commit: ratio('p99_us', 'commit_p99_us'),
          roundtrip_over_local: ratio('roundtrip_p50_us', 'p50_us'),
        },
        targets: {
          p50_over_commit: 2,
          p99_over_commit: 5,
          p99_us: 1000,
          offline_p99_us: 1000,
          during_sync_p99_us: 1000,
          pty_p99_us: 1000,
        },
        floors: { roundtrip_over_local: 2 },
      };
    } finally {
      if (child) await child.finish();
      if (serverUp) await plant.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
