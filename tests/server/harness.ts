/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field; the assertions check their shape */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import pino from 'pino';
import type { UserRole } from '#core/api/auth.ts';
import { loadServerConfig } from '#server/config.ts';
import { startServer, type RunningServer } from '#server/server.ts';
import { dropSchema } from '#server/storage/open-storage.ts';
import { createUser } from '#server/auth/users.ts';

export const STORAGES = ['sqlite', 'postgres'] as const;
export type StorageName = (typeof STORAGES)[number];

/** CI's PostgreSQL; a test that needs it fails loudly when it is not there. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type UserClient = ApiClient & { email: string; password: string };

export interface TestServer extends RunningServer {
  dataDir: string;
  /** A client that trusts this server's self-signed certificate (and nothing else). */
  client(): ApiClient;
  /** Create a person straight in storage and return a client logged in as them. */
  userClient(role: UserRole, name?: string): Promise<UserClient>;
  /** One logged-in client per role, in the order asked. */
  userClients<const R extends readonly UserRole[]>(
    ...roles: R
  ): Promise<{ [K in keyof R]: UserClient }>;
  stop(): Promise<void>;
}

/**
 * `env`: more server settings as environment variables (METRICS_TOKEN, MQTT_URL…); `now`:
 * the server's clock, for tests that let time pass (session idle timeouts).
 */
export async function startTestServer(
  storage: StorageName,
  options: { env?: Record<string, string>; now?: () => Date } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-server-'));
  const schema =
    storage === 'postgres' ? `t_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadServerConfig({
    flags: { port: '0', host: '127.0.0.1', 'data-dir': dataDir, 'log-level': 'silent' },
    env: {
      ...(storage === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
      ...options.env,
    },
    cwd: dataDir,
  });
  const server = await startServer(config, {
    ...(schema ? { schema } : {}),
    ...(options.now ? { now: options.now } : {}),
    logger: pino({ level: 'silent' }),
  });
  const agent = new Agent({ connect: { ca: server.tls.cert, servername: 'localhost' } });
  let users = 0;
  const client = () => new ApiClient(server.url.replace('localhost', '127.0.0.1'), agent);
  const userClient = async (role: UserRole, name = `${role} ${++users}`): Promise<UserClient> => {
    const email = `${role}.${users}.${randomBytes(3).toString('hex')}@example.com`;
    const password = 'correct horse battery';
    await createUser(
      server.context,
      { kind: 'system', name: 'test' },
      { email, name, role, password },
    );
    const api = client();
    const login = await api.post('/api/v1/auth/login', { email, password });
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    return Object.assign(api, { email, password });
  };
  return {
    ...server,
    dataDir,
    client,
    userClient,
    userClients: (...roles) => Promise.all(roles.map((role) => userClient(role))) as never,
    async stop() {
      if (schema) await dropSchema(server.context.storage, schema);
      await server.close();
      await agent.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny HTTPS JSON client with one cookie jar, as a browser tab would have. */
export class ApiClient {
  /** The session cookie, as a browser tab keeps it. */
  cookie: string | undefined;
  bearer: string | undefined;

  constructor(
    readonly baseUrl: string,
    readonly agent: Agent,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: { raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: payload,
      dispatcher: this.agent,
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers as unknown as Headers,
    };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {});
}
