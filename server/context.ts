import type { Kysely } from 'kysely';
import type { UserRole } from '#core/api/auth.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import type { Logger } from 'pino';
import type { LiveBus } from './live/live-bus.ts';
import type { ServerMetrics } from './metrics/server-metrics.ts';
import type { Storage } from './storage/open-storage.ts';
import type { Database } from './storage/schema.ts';

export type Db = Kysely<Database>;

/** What every service needs: storage, the live bus, a clock and a logger. */
export interface ServerContext {
  storage: Storage;
  live: LiveBus;
  now: () => Date;
  log: Logger;
  /** SHA-256 of the TLS certificate stations pin at enrollment. */
  fingerprint: string;
  /** Prometheus metrics (served at /metrics when METRICS_TOKEN is set). */
  metrics: ServerMetrics;
  /** How long people's sessions last (docs/security.md, "Sessions"). */
  sessions: SessionPolicy;
  /** SSCCs for packages (docs/decisions/0006-sscc-blocks.md); none without a company prefix. */
  sscc?: SsccSettings;
}

export interface SessionPolicy {
  /** The absolute end after login. */
  lifetimeMs: number;
  /** The end after this long without a request. */
  idleMs: number;
}

export interface SsccSettings {
  companyPrefix: string | undefined;
  /** Outside the database: the highest reference handed out, which a restore cannot undo. */
  highWaterFile: string;
}

/** Who is calling: a person with a session, or an enrolled station with its token. */
export type Caller =
  | {
      kind: 'user';
      id: string;
      role: UserRole;
      name: string;
      email: string;
      /** The session the cookie named: its id (the token's hash) and when it ends. */
      session?: { id: string; expiresAt: string };
    }
  | {
      kind: 'station';
      id: string;
      role: StationRole;
      lineId: string;
      name: string;
    }
  | { kind: 'system'; name: string };

export type StationCaller = Extract<Caller, { kind: 'station' }>;

export const actorName = (caller: Caller): string =>
  caller.kind === 'user'
    ? `user:${caller.email}`
    : caller.kind === 'station'
      ? `station:${caller.name}`
      : `system:${caller.name}`;
