import { writeFileSync } from 'node:fs';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { socatPair } from '../tests/native/socat-pair.ts';
import { median, percentile, round, type Benchmark } from './harness.ts';
import { benchStation } from './scan-verdict-station.ts';

/*
 * Verdict latency (issue 7; docs/design.md "Station rules": a verdict takes microseconds): scan text in → verdict
 * event out, the durable outbox write (synchronous FULL) included; and the same from bytes
 * written into a serial pty (socat) through the real serial scanner driver. Scans alternate
 * between consumable resources and refusals (misread, unknown) as a line sees them.
 */
const toUs = (ms: number) => round(ms * 1000, 1);

function scanText(legs: readonly string[], order: string, index: number): string {
  if (index % 10 === 7) return `${legs[index]?.slice(0, -1)}#`; // misread
  if (index % 10 === 9) return mintOrderScopedCode('resource', order, 90_000_000 + index); // unknown
  return legs[index] ?? '';
}

export const scanVerdictBenchmark: Benchmark = {
  name: 'scan_verdict',
  description:
    'Scan text → verdict event (outbox write included); bytes into a serial pty → verdict',
  async run({ quick }) {
    const direct = quick ? 200 : 5000;
    const viaPty = quick ? 20 : 300;
    const bench = benchStation(direct + viaPty + 40);
    try {
      let verdictAt = 0;
      bench.station.on('event', (event) => {
        if (event.type === 'verdict') verdictAt = performance.now();
      });
      const times: number[] = [];
      const warmup = 20;
      for (let i = 0; i < direct + warmup; i++) {
        const text = scanText(bench.legs, bench.order, i);
        const start = performance.now();
        bench.station.scan(text);
        if (i >= warmup) times.push(verdictAt - start);
      }

      const pty = await socatPair();
      const ptyTimes: number[] = [];
      try {
        bench.station.settings = {
          ...bench.station.settings,
          scanner: {
            kind: 'serial',
            path: pty.port,
            baudRate: 115200,
            dataBits: 8,
            parity: 'none',
            stopBits: 1,
            suffix: 'cr',
            interByteTimeoutMs: 60,
            suffixTimeoutMs: 1000,
            doubleReadWindowMs: 0,
            maxScanBytes: 4096,
            reconnectIntervalMs: 100,
          },
        };
        // start() wires the scanner to the rules, as the station does at boot.
        await bench.station.start();
        await new Promise((resolve) => setTimeout(resolve, 200));
        for (let i = 0; i < viaPty; i++) {
          const text = scanText(bench.legs, bench.order, direct + warmup + i);
          const decided = new Promise<number>((resolve) => {
            const off = () => bench.station.off('event', listener);
            const listener = (event: { type: string }) => {
              if (event.type !== 'verdict') return;
              off();
              resolve(performance.now());
            };
            bench.station.on('event', listener);
          });
          const start = performance.now();
          writeFileSync(pty.device, `${text}\r`);
          ptyTimes.push((await decided) - start);
        }
      } finally {
        await bench.devices.close();
        await pty.dispose();
      }
      return {
        metrics: {
          scans: direct,
          p50_us: toUs(median(times)),
          p99_us: toUs(percentile(times, 0.99)),
          pty_scans: viaPty,
          pty_p50_us: toUs(median(ptyTimes)),
          pty_p99_us: toUs(percentile(ptyTimes, 0.99)),
        },
        // Far below a person's next scan (~500 ms) even on a loaded 2-core box.
        targets: { p99_us: 20_000, pty_p99_us: 50_000 },
      };
    } finally {
      await bench.close();
    }
  },
};
