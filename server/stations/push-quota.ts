import { AppError } from '../errors.ts';

/*
 * Per-station quotas on sync pushes (docs/api.md "Limits"): a token bucket of pushes and one
 * of bytes per station, refilled continuously. A push over either is answered 429 with
 * Retry-After before its body is read, so a station flooding the server costs it a header
 * parse, not a JSON parse, a validation and a transaction. A station's normal traffic (a
 * push per decision, a few KiB a second) and a catch-up after a shift offline (tens of
 * thousands of events, some 16 MiB) fit in the bursts; a flood of full 1 MiB pushes is held
 * to one a second, which bounds both its share of the server and the database's growth. In memory, per server instance: behind a load balancer spreading one station over
 * N instances the station may get N times the quota (docs/operations.md).
 */
export interface PushQuotaSettings {
  /** Pushes a second a station may keep up. */
  pushesPerSecond: number;
  /** Request-body bytes a second a station may keep up. */
  bytesPerSecond: number;
}

export const DEFAULT_PUSH_QUOTA: PushQuotaSettings = {
  pushesPerSecond: 100,
  bytesPerSecond: 1024 * 1024,
};

/** A station may spend this many seconds of its rate at once (a burst after being idle). */
export const PUSH_BURST_SECONDS = 2;
export const BYTES_BURST_SECONDS = 16;

class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }

  /** Milliseconds until `amount` tokens are there (0: now). */
  waitMs(amount: number, now: number): number {
    this.refill(now);
    const missing = Math.min(amount, this.capacity) - this.tokens;
    return missing <= 0 ? 0 : (missing / this.perSecond) * 1000;
  }

  take(amount: number): void {
    this.tokens -= Math.min(amount, this.capacity);
  }
}

export class PushQuota {
  private readonly stations = new Map<string, { pushes: TokenBucket; bytes: TokenBucket }>();

  /** `largestPush`: the push route's body limit; the byte burst never refuses one push of it outright. */
  constructor(
    readonly settings: PushQuotaSettings,
    private readonly largestPush: number,
    private readonly now: () => number = Date.now,
  ) {}

  private bucketsOf(stationId: string) {
    let buckets = this.stations.get(stationId);
    if (!buckets) {
      const now = this.now();
      const { pushesPerSecond, bytesPerSecond } = this.settings;
      buckets = {
        pushes: new TokenBucket(
          pushesPerSecond,
          Math.max(1, pushesPerSecond * PUSH_BURST_SECONDS),
          now,
        ),
        bytes: new TokenBucket(
          bytesPerSecond,
          Math.max(this.largestPush, bytesPerSecond * BYTES_BURST_SECONDS),
          now,
        ),
      };
      this.stations.set(stationId, buckets);
    }
    return buckets;
  }

  /**
   * Charge one push of `bytes` to the station, or throw 429 with the whole seconds to wait
   * until both buckets hold enough. A refused push costs nothing.
   */
  charge(stationId: string, bytes: number): void {
    const { pushes, bytes: volume } = this.bucketsOf(stationId);
    const now = this.now();
    const waitMs = Math.max(pushes.waitMs(1, now), volume.waitMs(bytes, now));
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      const { pushesPerSecond, bytesPerSecond } = this.settings;
      throw new AppError(
        'OT_ERR_RATE_LIMITED',
        `This station is over its push quota (${pushesPerSecond} pushes and ${formatBytes(bytesPerSecond)} a second); retry in ${seconds} s.`,
      ).withRetryAfter(seconds);
    }
    pushes.take(1);
    volume.take(bytes);
  }
}

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
    : `${Math.round(bytes / 1024)} KiB`;
