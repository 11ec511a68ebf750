import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '#server/config.ts';
import { freePort } from '../sync/sync-harness.ts';

const BIN = fileURLToPath(new URL('../../bin/ordertrace.js', import.meta.url));

function ordertrace(
  args: string[],
  input = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

describe('ordertrace server, user and demo, as an operator runs them', () => {
  it('adds the first admin from a password on stdin, and refuses a bad one with the reason', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-cli-'));
    const added = await ordertrace(
      [
        'user',
        'add',
        '--email',
        'Boss@Example.com',
        '--name',
        'Boss',
        '--role',
        'admin',
        '--password-stdin',
        '--data-dir',
        dataDir,
      ],
      'a long enough password\n',
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ email: 'boss@example.com', role: 'admin' });
    const short = await ordertrace(
      [
        'user',
        'add',
        '--email',
        'x@example.com',
        '--name',
        'X',
        '--role',
        'admin',
        '--password-stdin',
        '--data-dir',
        dataDir,
      ],
      'short\n',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/password \(stdin\): a password has at least 10 characters/);
    const role = await ordertrace(
      [
        'user',
        'add',
        '--email',
        'y@example.com',
        '--name',
        'Y',
        '--role',
        'boss',
        '--data-dir',
        dataDir,
      ],
      'a long enough password\n',
    );
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/--role/);
  });

  it('seeds the demo plant into an empty database only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-cli-'));
    const seeded = await ordertrace(['demo', 'seed', '--data-dir', dataDir]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/password: ordertrace-demo/);
    expect(seeded.stdout).toMatch(/1 delivered/);
    const again = await ordertrace(['demo', 'seed', '--data-dir', dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has data already/);
  });

  it('serves HTTPS, prints its certificate fingerprint, and closes on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-cli-'));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'server',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
        '--log-level',
        'warn',
      ],
      {
        env: { ...process.env, DATABASE_URL: '' },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (!/SHA-256 fingerprint: ([0-9A-F:]+)/.test(stdout) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const fingerprint = /SHA-256 fingerprint: ([0-9A-F:]+)/.exec(stdout)?.[1];
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(stdout).toMatch(/TLS certificate made/);
    const agent = new Agent({ connect: { rejectUnauthorized: false } });
    const health = await fetch(`https://127.0.0.1:${port}/api/v1/health`, { dispatcher: agent });
    expect(await health.json()).toMatchObject({ status: 'ok', storage: 'sqlite' });
    const plain = await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(
      (error: Error) => error,
    );
    expect(plain).toBeInstanceOf(Error); // HTTPS only
    await agent.close();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses invalid configuration with a sentence naming the setting', () => {
    const load =
      (env: NodeJS.ProcessEnv, flags = {}) =>
      () =>
        loadServerConfig({ flags, env, cwd: '/tmp' });
    expect(load({ PORT: '99999' })).toThrow(/port: PORT must be 0 to 65535/);
    expect(load({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(load({ TLS_CERT: '/etc/cert.pem' })).toThrow(/set both TLS_CERT and TLS_KEY/);
    expect(load({}, { 'log-level': 'loud' })).toThrow(/logLevel/);
    expect(load({ GS1_COMPANY_PREFIX: '95212' })).toThrow(
      /gs1CompanyPrefix: GS1_COMPANY_PREFIX is the 6 to 12 digits GS1 assigned/,
    );
    expect(load({}, { 'gs1-company-prefix': '952-1234' })).toThrow(/GS1_COMPANY_PREFIX/);
    expect(load({ SESSION_IDLE_MINUTES: '0' })).toThrow(
      /sessionIdleMinutes: SESSION_IDLE_MINUTES must be 1 to 20160/,
    );
    expect(load({ SESSION_IDLE_MINUTES: 'an hour' })).toThrow(/sessionIdleMinutes/);
    expect(
      loadServerConfig({
        flags: { 'gs1-company-prefix': '9521234' },
        env: { GS1_COMPANY_PREFIX: '0614141' },
        cwd: '/srv',
      }),
    ).toMatchObject({ gs1CompanyPrefix: '9521234' });
    expect(
      loadServerConfig({ flags: { port: '9000' }, env: { PORT: '8000' }, cwd: '/srv' }),
    ).toMatchObject({ port: 9000, dataDir: '/srv/data' });
  });
});
