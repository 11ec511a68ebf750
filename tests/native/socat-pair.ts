import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * A pty pair through socat: `device` is the end a test writes into as if it were the
 * scanner (or reads, as if it were a relay board); `port` is the end the real SerialPort
 * opens. Killing socat is unplugging the device; starting it again on the same link path is
 * plugging it back. socat is required: a missing socat fails the test, it does not skip it.
 */
/** A serial scanner on the pty's port, as tests configure one: CR suffix, no double-read window. */
export const ptyScanner = (port: string) => ({
  kind: 'serial' as const,
  path: port,
  baudRate: 9600,
  dataBits: 8 as const,
  parity: 'none' as const,
  stopBits: 1 as const,
  suffix: 'cr' as const,
  interByteTimeoutMs: 60,
  suffixTimeoutMs: 1000,
  doubleReadWindowMs: 0,
  maxScanBytes: 4096,
  reconnectIntervalMs: 100,
});

export interface SocatPair {
  dir: string;
  device: string;
  port: string;
  unplug(): Promise<void>;
  plug(): Promise<void>;
  dispose(): Promise<void>;
}

export function requireSocat(): void {
  const found = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (found.error || found.status !== 0) {
    throw new Error(
      'socat is required for the serial tests (Debian package socat, installed by .ci/run)',
    );
  }
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function socatPair(): Promise<SocatPair> {
  requireSocat();
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-socat-'));
  const device = join(dir, 'device');
  const port = join(dir, 'port');
  let child: ChildProcess | undefined;

  const plug = async () => {
    child = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${port}`], {
      stdio: 'ignore',
    });
    await waitFor(() => existsSync(device) && existsSync(port), 'socat to create its ptys');
  };
  const unplug = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(port), 'socat to remove its links');
  };
  await plug();
  return {
    dir,
    device,
    port,
    plug,
    unplug,
    async dispose() {
      await unplug();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
