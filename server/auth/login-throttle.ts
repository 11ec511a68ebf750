import { AppError } from '../errors.ts';

/*
 * Failed logins per address, across all emails (docs/security.md): a flood from one address
 * is refused before it costs a password hash, while a person who mistypes now and then, or
 * anyone on another address, never notices. In memory, per server instance.
 */
export const LOGIN_FAILURES_PER_ADDRESS = 20;
export const LOGIN_FAILURE_WINDOW_MS = 5 * 60_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly limit = LOGIN_FAILURES_PER_ADDRESS,
    readonly windowMs = LOGIN_FAILURE_WINDOW_MS,
  ) {}

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (kept.length > 0) this.failures.set(address, kept);
    else this.failures.delete(address);
    return kept;
  }

  /** Throws 429 (with the seconds to wait) when this address failed too often lately. */
  check(address: string): void {
    const recent = this.recent(address);
    if (recent.length < this.limit) return;
    const oldest = recent[0] ?? this.now();
    const retryAfter = Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
    throw new AppError(
      'OT_ERR_RATE_LIMITED',
      `Too many failed logins from your address; try again in ${retryAfter} s.`,
    ).withRetryAfter(retryAfter);
  }

  failed(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    // Bounded memory under a spray of addresses: forget the quietest first.
    if (this.failures.size > 100_000) {
      const first = this.failures.keys().next().value;
      if (first !== undefined) this.failures.delete(first);
    }
  }
}
