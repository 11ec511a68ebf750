import { join } from 'node:path';
import { z } from 'zod';
import { MIN_METRICS_TOKEN_LENGTH } from '#core/api/metrics-token.ts';
import { COMPANY_PREFIX_PATTERN } from '#core/gs1/sscc-blocks.ts';
import { DEFAULT_PUSH_QUOTA } from './stations/push-quota.ts';

/** A session's absolute end, however busy it is. */
export const SESSION_LIFETIME_DAYS = 14;
/** A session's end after no use: an hour, so a PC left logged in does not stay so for long. */
export const DEFAULT_SESSION_IDLE_MINUTES = 60;

/** The server's settings, from flags first, then environment, then defaults. */
export const serverConfigSchema = z.strictObject({
  port: z.coerce
    .number()
    .int()
    .min(0, 'PORT must be 0 to 65535')
    .max(65535, 'PORT must be 0 to 65535'),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Bearer token for GET /metrics; without it metrics are off. */
  metricsToken: z
    .string()
    .min(
      MIN_METRICS_TOKEN_LENGTH,
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`,
    )
    .optional(),
  /** MQTT broker to publish plant-floor events to (docs/integration.md); off without it. */
  mqttUrl: z
    .string()
    .regex(/^mqtts?:\/\/[^\s]+$/, 'MQTT_URL must be an mqtt:// or mqtts:// URL')
    .optional(),
  /** Open connections per client address; 0 turns the cap off (behind a reverse proxy). */
  connectionsPerAddress: z.coerce
    .number()
    .int()
    .min(0, 'CONNECTIONS_PER_ADDRESS must be 0 (off) or more'),
  /** A person's session ends after this many minutes without a request (docs/security.md). */
  sessionIdleMinutes: z.coerce
    .number()
    .int()
    .min(1, 'SESSION_IDLE_MINUTES must be 1 to 20160 (14 days)')
    .max(SESSION_LIFETIME_DAYS * 24 * 60, 'SESSION_IDLE_MINUTES must be 1 to 20160 (14 days)'),
  /** Per-station push quota (docs/api.md "Limits"): pushes a second… */
  stationPushesPerSecond: z.coerce.number().positive('STATION_PUSHES_PER_S must be more than 0'),
  /** …and request-body bytes a second; over either, 429 with Retry-After. */
  stationPushBytesPerSecond: z.coerce
    .number()
    .int()
    .positive('STATION_PUSH_BYTES_PER_S must be more than 0'),
  /** The plant's GS1 company prefix: every package gets an SSCC under it (docs/codes.md). */
  gs1CompanyPrefix: z
    .string()
    .regex(COMPANY_PREFIX_PATTERN, 'GS1_COMPANY_PREFIX is the 6 to 12 digits GS1 assigned')
    .optional(),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

export interface ConfigSources {
  flags: Partial<
    Record<
      'port' | 'host' | 'data-dir' | 'database-url' | 'log-level' | 'gs1-company-prefix',
      string
    >
  >;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const blankToUndefined = (value: string | undefined) => (value === '' ? undefined : value);

export function loadServerConfig({ flags, env, cwd }: ConfigSources): ServerConfig {
  const result = serverConfigSchema.safeParse({
    port: flags.port ?? env.PORT ?? 8443,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    dataDir: flags['data-dir'] ?? env.DATA_DIR ?? join(cwd, 'data'),
    databaseUrl: blankToUndefined(flags['database-url'] ?? env.DATABASE_URL),
    tlsCert: blankToUndefined(env.TLS_CERT),
    tlsKey: blankToUndefined(env.TLS_KEY),
    logLevel: flags['log-level'] ?? env.LOG_LEVEL ?? 'info',
    metricsToken: blankToUndefined(env.METRICS_TOKEN),
    connectionsPerAddress: blankToUndefined(env.CONNECTIONS_PER_ADDRESS) ?? 128,
    mqttUrl: blankToUndefined(env.MQTT_URL),
    stationPushesPerSecond:
      blankToUndefined(env.STATION_PUSHES_PER_S) ?? DEFAULT_PUSH_QUOTA.pushesPerSecond,
    stationPushBytesPerSecond:
      blankToUndefined(env.STATION_PUSH_BYTES_PER_S) ?? DEFAULT_PUSH_QUOTA.bytesPerSecond,
    gs1CompanyPrefix: blankToUndefined(flags['gs1-company-prefix'] ?? env.GS1_COMPANY_PREFIX),
    sessionIdleMinutes: blankToUndefined(env.SESSION_IDLE_MINUTES) ?? DEFAULT_SESSION_IDLE_MINUTES,
  });
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`invalid server configuration: ${problems.join('; ')}`);
  }
  if (Boolean(result.data.tlsCert) !== Boolean(result.data.tlsKey)) {
    throw new Error('invalid server configuration: set both TLS_CERT and TLS_KEY, or neither');
  }
  return result.data;
}
