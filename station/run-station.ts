import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StationSettings } from '#core/api/station-api.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { StationDevices } from './devices/station-devices.ts';
import { readEnrollment, writeEnrollment } from './enrollment-file.ts';
import { loadOrCreateLocalApiToken } from './http/local-api-token.ts';
import { serveStation } from './http/station-http.ts';
import { serveMetrics } from './metrics/serve-metrics.ts';
import { createStationMetrics } from './metrics/station-metrics.ts';
import { stationCommands, type StationCommandMap } from './service/command-map.ts';
import type { Station } from './service/station.ts';
import { SETTINGS_KEY } from './service/settings-keeper.ts';
import { identityOf } from './service/station-context.ts';
import {
  enroll,
  INSECURE_FIRST_USE_WARNING,
  serverUrlsOf,
  withServerUrls,
  type ServerTrust,
} from './sync/enroll.ts';
import { openFreshReplica } from './sync/replica-file-open.ts';
import type { SyncClient } from './sync/sync-client.ts';
import { openSyncParts, stationOver } from './station-parts.ts';

export const DEFAULT_UI_DIR = fileURLToPath(new URL('../renderer/dist', import.meta.url));

export interface RunStationOptions {
  dataDir: string;
  role?: StationRole;
  /**
   * The server's URL, or several instances' (tried in order, failing over). On an enrolled
   * station a different list replaces the saved one: the token and the pinned certificate stay.
   */
  servers?: readonly string[];
  enrollCode?: string;
  /** How enrollment verifies the server (station/sync/enroll.ts); needed with enrollCode. */
  trust?: ServerTrust;
  /** Overrides the saved scanner setting (the runner's --scanner-serial flags). */
  scanner?: StationSettings['scanner'];
  /** 0: any free port. Without a port nothing is served (Electron hosts the service itself). */
  port?: number;
  uiDir?: string;
  pollMs?: number;
  /** Serve Prometheus metrics on their own address, behind this bearer token. */
  metrics?: { token: string; port: number; host: string };
  log?: (line: string) => void;
}

export interface RunningStation {
  station: Station;
  commands: StationCommandMap;
  sync: SyncClient;
  url: string | null;
  /** Where /metrics is served, when it is. */
  metricsUrl: string | null;
  /** Browser mode: the link that opens the UI with the local API secret (print it to the person at the station). */
  openUrl: string | null;
  /** Browser mode: the local API secret (Authorization: Bearer …). */
  localApiToken: string | null;
  close(): Promise<void>;
}

/**
 * The composition root: enrollment (once; afterwards read from the data dir), the replica,
 * the outbox, sync, the devices, the station, and in browser mode its HTTP face.
 */
export async function runStation(options: RunStationOptions): Promise<RunningStation> {
  const log = options.log ?? (() => undefined);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  let enrollment = readEnrollment(options.dataDir);
  const servers = options.servers ?? [];
  if (!enrollment) {
    const [first] = servers;
    if (!first || !options.enrollCode) {
      throw new Error('this station is not enrolled yet: pass --server URL and --enroll CODE once');
    }
    if (options.trust && 'insecureFirstUse' in options.trust) log(INSECURE_FIRST_USE_WARNING);
    enrollment = withServerUrls(await enroll(first, options.enrollCode, options.trust), servers);
    writeEnrollment(options.dataDir, enrollment);
    log(`Enrolled as ${enrollment.stationName} (${enrollment.role}, line ${enrollment.line}).`);
  } else {
    if (options.enrollCode) log(`Already enrolled as ${enrollment.stationName}; --enroll ignored.`);
    const saved = serverUrlsOf(enrollment);
    if (servers.length > 0 && servers.join(' ') !== saved.join(' ')) {
      enrollment = withServerUrls(enrollment, servers);
      writeEnrollment(options.dataDir, enrollment);
      log(
        `Server changed from ${saved.join(', ')} to ${servers.join(', ')}; the certificate pinned at enrollment still applies (instances share it).`,
      );
    }
  }
  if (options.role && options.role !== enrollment.role) {
    throw new Error(`this station is enrolled as ${enrollment.role}, not ${options.role}`);
  }
  // A fresh station makes the server's replica file of its line its replica before opening
  // it (station/sync/replica-file-open.ts); any other opens the replica as it is.
  const { db, recovered, way } = await openFreshReplica({
    file: join(options.dataDir, 'replica.sqlite'),
    enrollment,
    log,
  });
  if (way === 'opened') log(`Loaded line ${enrollment.line} from the server's replica file.`);
  if (recovered) {
    log(
      `The replica was corrupt: moved to ${recovered.movedTo}; ${recovered.outboxSaved} unsent events saved${recovered.outboxLost ? ', some could not be read' : ''}.`,
    );
  }
  const { store, outbox, sync } = openSyncParts(
    db,
    enrollment,
    options.pollMs ? { pollMs: options.pollMs } : {},
  );
  const devices = new StationDevices();
  const identity = identityOf(enrollment);
  const station = stationOver({ db, store, outbox, identity, devices, sync });
  if (options.scanner !== undefined) {
    // Kept, so the station restarts with the same scanner without the flags.
    station.settings = { ...station.settings, scanner: options.scanner };
    store.setMeta(SETTINGS_KEY, JSON.stringify(station.settings));
  }
  await station.start();
  for (const [kind, status] of Object.entries(devices.statuses)) {
    if (!status.ok) log(`${kind}: ${status.message}`);
  }
  sync.start();
  const commands = stationCommands(station);
  const http =
    options.port === undefined
      ? undefined
      : await serveStation({
          service: station,
          commands,
          uiDir: options.uiDir ?? DEFAULT_UI_DIR,
          port: options.port,
          token: loadOrCreateLocalApiToken(options.dataDir),
        });
  const metrics = options.metrics
    ? await serveMetrics({ ...options.metrics, registry: createStationMetrics(station, devices) })
    : undefined;
  return {
    station,
    commands,
    sync,
    url: http?.url ?? null,
    metricsUrl: metrics?.url ?? null,
    openUrl: http?.openUrl ?? null,
    localApiToken: http?.token ?? null,
    async close() {
      station.stop();
      await metrics?.close();
      await http?.close();
      await sync.stop();
      await devices.close();
      db.close();
    },
  };
}
