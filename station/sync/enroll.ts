import { fetch, type Agent } from 'undici';
import { enrollResultSchema } from '#core/api/stations.ts';
import { errorBodySchema } from '#core/api/errors.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { fetchServerCertificate, pinnedAgent } from './pinned-agent.ts';

export interface Enrollment {
  /** The server first asked; with `serverUrls`, the first of them. */
  serverUrl: string;
  /**
   * Several instances of the one server (docs/operations.md "Several instances"): the
   * station fails over from one to the next. They share the one certificate pinned below.
   */
  serverUrls?: string[];
  token: string;
  stationId: string;
  stationName: string;
  role: StationRole;
  line: string;
  certPem: string;
  fingerprint: string;
}

/**
 * How the station knows, before it has pinned anything, that it talks to its server:
 * the fingerprint the back office shows, or a CA the operator names (the name in the URL
 * is then checked too). Trusting whatever answers first must be asked for by name.
 */
export type ServerTrust = { fingerprint: string } | { caPem: string } | { insecureFirstUse: true };

export const INSECURE_FIRST_USE_WARNING =
  'WARNING: --insecure-first-use trusts whichever certificate answers first. Anyone on the network path can pose as the server, capture this station’s token and feed it false orders. Pass --fingerprint (the back office shows it) instead.';

export const NO_TRUST_GIVEN =
  'enrollment needs a way to verify the server: --fingerprint SHA256 (the back office shows the whole command), or --ca FILE naming the CA that signed its certificate; --insecure-first-use trusts the first certificate that answers, and says what that risks';

/**
 * The server's certificate, verified the way `trust` says (its fingerprint, or a CA that
 * signed it for the URL's host), and an agent pinned to exactly it. `refusing` ends the
 * sentence when it is not the expected one ("not enrolling").
 */
export async function verifiedServer(
  serverUrl: string,
  trust: ServerTrust,
  refusing: string,
): Promise<{ cert: { pem: string; fingerprint: string }; agent: Agent }> {
  const cert = await fetchServerCertificate(serverUrl, 'caPem' in trust ? trust.caPem : undefined);
  if ('fingerprint' in trust && normalize(trust.fingerprint) !== normalize(cert.fingerprint)) {
    throw new Error(
      `the server at ${serverUrl} presents certificate ${cert.fingerprint}, not the expected ${trust.fingerprint}; ${refusing} (someone may be between you and the server)`,
    );
  }
  return { cert, agent: pinnedAgent(cert.pem, cert.fingerprint) };
}

/**
 * Trade a one-time enrollment code for a token and pin the server's certificate. The
 * certificate seen on the wire must be the one the server says it has, and verified the
 * way `trust` says before the code is sent.
 */
export async function enroll(
  serverUrl: string,
  code: string,
  trust: ServerTrust | undefined,
): Promise<Enrollment> {
  if (!trust) throw new Error(NO_TRUST_GIVEN);
  const { cert, agent } = await verifiedServer(serverUrl, trust, 'not enrolling');
  try {
    const response = await fetch(new URL('/api/v1/stations/enroll', serverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      dispatcher: agent,
    });
    const body: unknown = await response.json();
    if (!response.ok) {
      const error = errorBodySchema.safeParse(body);
      throw new Error(
        `enrollment refused: ${error.success ? error.data.error.message : `HTTP ${response.status}`}`,
      );
    }
    const result = enrollResultSchema.parse(body);
    if (normalize(result.serverFingerprint) !== normalize(cert.fingerprint)) {
      throw new Error(
        'the server answered with a certificate fingerprint other than the one it presented',
      );
    }
    return {
      serverUrl,
      token: result.token,
      stationId: result.station.id,
      stationName: result.station.name,
      role: result.station.role,
      line: result.station.line,
      certPem: cert.pem,
      fingerprint: cert.fingerprint,
    };
  } finally {
    await agent.close();
  }
}

/**
 * `--server URL1,URL2` or `--server URL1 --server URL2`: the instances, in the order tried.
 * Throws a sentence naming a URL that is not https://.
 */
export function parseServerUrls(flags: readonly string[]): string[] {
  const urls = flags.flatMap((flag) => flag.split(',')).map((url) => url.trim());
  for (const url of urls) {
    if (!URL.canParse(url) || new URL(url).protocol !== 'https:')
      throw new Error(`--server ${url || "''"}: give an https:// URL (several: URL1,URL2)`);
  }
  return urls;
}

/** Every URL the station may reach its server at, in the order it tries them. */
export const serverUrlsOf = (enrollment: Enrollment): string[] =>
  enrollment.serverUrls && enrollment.serverUrls.length > 0
    ? enrollment.serverUrls
    : [enrollment.serverUrl];

/** The enrollment with its server at `urls` instead (the token and the pin stay). */
export function withServerUrls(enrollment: Enrollment, urls: readonly string[]): Enrollment {
  const [first, ...rest] = urls;
  if (first === undefined) throw new Error('a station needs at least one server URL');
  const { serverUrls: _old, ...kept } = enrollment;
  return { ...kept, serverUrl: first, ...(rest.length > 0 ? { serverUrls: [...urls] } : {}) };
}

const normalize = (fingerprint: string) => fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
