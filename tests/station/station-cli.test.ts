import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/harness.ts';

/*
 * `ordertrace station` as an operator runs it: enrolls once with a code, serves the
 * StationApi on 127.0.0.1, stops cleanly on SIGTERM, and starts again without --enroll.
 */
const BIN = fileURLToPath(new URL('../../bin/ordertrace.js', import.meta.url));

interface Served {
  url: string;
  token: string;
}

function start(args: string[]): {
  child: ChildProcess;
  url: Promise<Served>;
  output: () => string;
} {
  const child = spawn(process.execPath, [BIN, 'station', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<Served>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /on (http:\/\/127\.0\.0\.1:\d+\/)\?token=(\S+)/.exec(output);
      if (found?.[1] && found[2]) resolve({ url: found[1], token: decodeURIComponent(found[2]) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`station exited ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

const state = async ({ url, token }: Served) => {
  const response = await fetch(`${url}api/commands/state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
  });
  return (await response.json()) as {
    ok: boolean;
    state: { station: { role: string; name: string } };
  };
};

describe('ordertrace station', () => {
  let server: TestServer;
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-station-cli-'));
  }, 30_000);

  afterAll(async () => {
    for (const child of children) await stop(child);
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('enrolls once, serves its API on 127.0.0.1, and restarts without --enroll', async () => {
    const admin = await server.userClient('admin');
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    const created = await admin.post('/api/v1/stations', {
      name: 'cli-production',
      role: 'production',
      line: 'L1',
    });
    const first = start([
      '--role',
      'production',
      '--server',
      server.url,
      '--enroll',
      created.body.enrollmentCode,
      '--fingerprint',
      server.tls.fingerprint,
      '--data-dir',
      dataDir,
      '--port',
      '0',
    ]);
    children.push(first.child);
    const served = await first.url;
    expect((await state(served)).state.station).toMatchObject({
      role: 'production',
      name: 'cli-production',
    });
    expect(statSync(join(dataDir, 'enrollment.json')).mode & 0o777).toBe(0o600);
    // The local API secret: its own file, readable by the station's user only, required.
    expect(statSync(join(dataDir, 'local-api.token')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'local-api.token'), 'utf8').trim()).toBe(served.token);
    const anonymous = await fetch(`${served.url}api/commands/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ordertrace-station': '1' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    expect(await stop(first.child)).toBe(0);

    const wrongRole = start(['--role', 'packing', '--data-dir', dataDir, '--port', '0']);
    children.push(wrongRole.child);
    await expect(wrongRole.url).rejects.toThrow(/enrolled as production, not packing/);

    const again = start(['--data-dir', dataDir, '--port', '0']);
    children.push(again.child);
    const restarted = await again.url;
    // Kept across restarts: the secret is the data dir's, not the process's.
    expect(restarted.token).toBe(served.token);
    expect((await state(restarted)).ok).toBe(true);
    expect(await stop(again.child)).toBe(0);
  }, 60_000);

  it('refuses to start unenrolled without a code', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ordertrace-station-cli-'));
    const run = start(['--role', 'production', '--data-dir', empty, '--port', '0']);
    children.push(run.child);
    await expect(run.url).rejects.toThrow(/not enrolled yet: pass --server URL and --enroll CODE/);
    rmSync(empty, { recursive: true, force: true });
  }, 30_000);
});
