import { fetch } from 'undici';
import { enrollResultSchema } from '#core/api/stations.ts';
import { errorBodySchema } from '#core/api/errors.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { fetchServerCertificate, pinnedAgent } from './pinned-agent.ts';

export interface Enrollment {
  serverUrl: string;
  token: string;
  stationId: string;
  stationName: string;
  role: StationRole;
  line: string;
  certPem: string;
  fingerprint: string;
}

/**
 * Trade a one-time enrollment code for a token and pin the server's certificate. The
 * certificate seen on the wire must be the one the server says it has, and the one the
 * administrator read off the back office when `expectedFingerprint` is given.
 */
export async function enroll(
  serverUrl: string,
  code: string,
  expectedFingerprint?: string,
): Promise<Enrollment> {
  const cert = await fetchServerCertificate(serverUrl);
  if (expectedFingerprint && normalize(expectedFingerprint) !== normalize(cert.fingerprint)) {
    throw new Error(
      `the server at ${serverUrl} presents certificate ${cert.fingerprint}, not the expected ${expectedFingerprint}`,
    );
  }
  const agent = pinnedAgent(cert.pem, cert.fingerprint);
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

const normalize = (fingerprint: string) => fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
