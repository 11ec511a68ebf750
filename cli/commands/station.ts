import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scannerConfigSchema, SUFFIXES, type Suffix } from '#core/devices/scanner-config.ts';
import { STATION_ROLES, type StationRole } from '#core/orders/state-machine.ts';
import { MIN_METRICS_TOKEN_LENGTH } from '#core/api/metrics-token.ts';
import { parseServerUrls, type ServerTrust } from '#station/sync/enroll.ts';
import { UsageError } from '../usage-error.ts';

export const stationUsage = `ordertrace station --role production|packing|shipping --server URL[,URL…] --enroll CODE
                   (--fingerprint SHA256 | --ca FILE | --insecure-first-use)
                   [--data-dir DIR] [--port N]
                   [--scanner-serial PATH --baud N --suffix cr|lf|crlf|tab|none]
  Run a station headless and serve its UI on http://127.0.0.1:PORT (browser mode).
  Enrolled once (the token is kept in DIR/enrollment.json), it restarts without --enroll;
  --server on an enrolled station changes its server (the pinned certificate stays).
  Several URLs: instances of one server sharing its certificate; the station fails over.
  The printed link carries the local API secret (DIR/local-api.token, mode 0600, or
  ORDERTRACE_STATION_TOKEN): only whoever holds it can drive the station.
  Enrolling verifies the server first: --fingerprint with the certificate's SHA-256 as the
  back office shows it (with the whole command), or --ca with the CA that signed it.
  --insecure-first-use trusts whatever answers first: anyone on the network path could
  pose as the server and take the station's token.`;

/** METRICS_TOKEN turns the station's /metrics on (METRICS_PORT, METRICS_HOST: where). */
function stationMetricsSettings(env: NodeJS.ProcessEnv) {
  const token = env.METRICS_TOKEN;
  if (!token) return {};
  if (token.length < MIN_METRICS_TOKEN_LENGTH)
    throw new UsageError(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  const port = Number(env.METRICS_PORT ?? 9464);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError('METRICS_PORT must be a port number');
  return { metrics: { token, port, host: env.METRICS_HOST ?? '0.0.0.0' } };
}

/** --fingerprint, --ca or --insecure-first-use: exactly one way to trust the server at enrollment. */
function serverTrust(values: {
  fingerprint?: string | undefined;
  ca?: string | undefined;
  'insecure-first-use'?: boolean | undefined;
}): ServerTrust | undefined {
  const given = [values.fingerprint, values.ca, values['insecure-first-use']].filter(Boolean);
  if (given.length > 1)
    throw new UsageError('give one of --fingerprint, --ca and --insecure-first-use');
  if (values.fingerprint) return { fingerprint: values.fingerprint };
  if (values.ca) {
    try {
      return { caPem: readFileSync(values.ca, 'utf8') };
    } catch (error) {
      throw new UsageError(`--ca ${values.ca}: ${(error as Error).message}`);
    }
  }
  return values['insecure-first-use'] ? { insecureFirstUse: true } : undefined;
}

export async function stationCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      server: { type: 'string', multiple: true },
      enroll: { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      fingerprint: { type: 'string' },
      ca: { type: 'string' },
      'insecure-first-use': { type: 'boolean' },
      'scanner-serial': { type: 'string' },
      baud: { type: 'string' },
      suffix: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const role = values.role as StationRole | undefined;
  if (role !== undefined && !STATION_ROLES.includes(role)) {
    throw new UsageError(`--role must be one of ${STATION_ROLES.join(', ')}`);
  }
  const port = Number(values.port ?? 7400);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError('--port must be a port number');
  const suffix = (values.suffix ?? 'cr') as Suffix;
  if (!SUFFIXES.includes(suffix))
    throw new UsageError(`--suffix must be one of ${SUFFIXES.join(', ')}`);
  const baudRate = Number(values.baud ?? 9600);
  const dataDir = values['data-dir'] ?? join(process.cwd(), 'data', `station-${role ?? 'default'}`);
  const trust = serverTrust(values);
  let servers: string[];
  try {
    servers = parseServerUrls(values.server ?? []);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { runStation } = await import('#station/run-station.ts');
  const running = await runStation({
    dataDir,
    ...(role ? { role } : {}),
    ...(servers.length > 0 ? { servers } : {}),
    ...(values.enroll ? { enrollCode: values.enroll } : {}),
    ...(trust ? { trust } : {}),
    ...(values['scanner-serial']
      ? {
          scanner: scannerConfigSchema.parse({
            kind: 'serial',
            path: values['scanner-serial'],
            baudRate,
            suffix,
          }),
        }
      : {}),
    port,
    ...stationMetricsSettings(process.env),
    log: (line) => console.log(line),
  });
  const identity = running.station.state().station;
  // The link carries the local API secret: it is for the person at this station's screen.
  console.log(
    `Station ${identity.name} (${identity.role}, line ${identity.line}) on ${running.openUrl}`,
  );
  if (running.metricsUrl) console.log(`Metrics on ${running.metricsUrl} (bearer METRICS_TOKEN)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await running.close();
  return 0;
}
