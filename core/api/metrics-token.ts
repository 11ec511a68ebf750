/**
 * `/metrics` (server and station) answers only a request carrying
 * `Authorization: Bearer <METRICS_TOKEN>`: counts of orders, stops and stations are
 * business data. Compared without an early exit, so timing does not reveal a prefix.
 */
export function metricsAuthorized(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!given || token.length === 0) return false;
  let difference = given.length ^ token.length;
  for (let i = 0; i < token.length; i++)
    difference |= token.charCodeAt(i) ^ given.charCodeAt(i % given.length);
  return difference === 0;
}

/** Shortest token we accept: a scrape secret, not a password people type. */
export const MIN_METRICS_TOKEN_LENGTH = 16;
