export interface BackoffOptions {
  /** The ceiling of the first wait; each failure after it doubles the ceiling. */
  baseMs: number;
  maxMs: number;
  random: () => number;
}

/**
 * How long to wait before try number `attempt` (1 = the first retry): exponential, capped,
 * with jitter over the upper half, so stations that lost the server together do not all
 * return in the same instant.
 */
export function backoffMs(attempt: number, { baseMs, maxMs, random }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
