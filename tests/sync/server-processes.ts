import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agent } from 'undici';
import { loadOrCreateTls, type TlsMaterial } from '#server/tls.ts';
import { ApiClient, TEST_DATABASE_URL } from '../server/harness.ts';
import { freePort } from './sync-harness.ts';

/*
 * `ordertrace server` as operators run it: separate processes on one PostgreSQL database
 * (a scratch database of its own, dropped afterwards) or on one SQLite data dir, one
 * certificate given to all of them (TLS_CERT/TLS_KEY), each killable with SIGKILL.
 */
const BIN = fileURLToPath(new URL('../../bin/ordertrace.js', import.meta.url));

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database next to the test one. */
export async function scratchDatabase(): Promise<ScratchDatabase> {
  const name = `ot_instances_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** One certificate (self-signed, as a server makes it) for every instance. */
export async function sharedCertificate(): Promise<TlsMaterial & { keyPath: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ordertrace-shared-tls-'));
  const tls = await loadOrCreateTls({ dataDir: dir });
  return { ...tls, keyPath: join(dir, 'tls', 'server.key'), dir };
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Ends the process with `signal` and waits for it to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Where a server process keeps its data: a PostgreSQL URL (the process gets a scratch data
 * dir of its own), or SQLite in a data dir that outlives the process, so a restart finds
 * what the killed process committed.
 */
export type ProcessStorage = string | { dataDir: string };

/** The environment for an `ordertrace` process on `storage`: DATABASE_URL only for PostgreSQL. */
function storageEnv(storage: ProcessStorage): NodeJS.ProcessEnv {
  const { DATABASE_URL: _inherited, ...env } = process.env;
  return typeof storage === 'string' ? { ...env, DATABASE_URL: storage } : env;
}

export async function startServerProcess(
  storage: ProcessStorage,
  tls: { certPath: string; keyPath: string },
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const ownDataDir = typeof storage === 'string';
  const dataDir = ownDataDir
    ? mkdtempSync(join(tmpdir(), 'ordertrace-instance-'))
    : storage.dataDir;
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, 'server', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
    {
      env: {
        ...storageEnv(storage),
        TLS_CERT: tls.certPath,
        TLS_KEY: tls.keyPath,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!/SHA-256 fingerprint/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the server did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `https://127.0.0.1:${port}`,
    child,
    output: () => output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A person made with `ordertrace user add`, as an operator would. */
export async function addUser(
  storage: ProcessStorage,
  role: 'admin' | 'customer' | 'planner',
): Promise<{ email: string; password: string }> {
  const email = `${role}.${randomBytes(4).toString('hex')}@example.com`;
  const password = 'correct horse battery';
  const where = typeof storage === 'string' ? [] : ['--data-dir', storage.dataDir];
  const child = spawn(
    process.execPath,
    [
      BIN,
      'user',
      'add',
      '--email',
      email,
      '--name',
      role,
      '--role',
      role,
      '--password-stdin',
      ...where,
    ],
    { env: storageEnv(storage), stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(`${password}\n`);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`user add failed: ${output}`);
  return { email, password };
}

/** A logged-in HTTPS client of one instance, trusting the shared certificate. */
export async function loggedIn(
  url: string,
  certPem: string,
  user: { email: string; password: string },
): Promise<ApiClient> {
  const api = new ApiClient(url, new Agent({ connect: { ca: certPem, servername: 'localhost' } }));
  const login = await api.post('/api/v1/auth/login', user);
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return api;
}
