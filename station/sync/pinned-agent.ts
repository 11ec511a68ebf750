import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Agent } from 'undici';

export class PinMismatchError extends Error {
  override name = 'PinMismatchError';
}

/**
 * An HTTPS agent that trusts exactly one certificate: the server's, pinned at enrollment
 * (docs/design.md "Security"). Its fingerprint is checked instead of the host name, because a
 * plant server is reached by whatever address the network gives it.
 */
export function pinnedAgent(certPem: string, fingerprint: string): Agent {
  return new Agent({
    connect: {
      ca: certPem,
      checkServerIdentity: (_host, cert) =>
        cert.fingerprint256 === fingerprint
          ? undefined
          : new PinMismatchError(
              `the server's certificate ${cert.fingerprint256} is not the pinned ${fingerprint}; refusing to talk to it`,
            ),
    },
    keepAliveTimeout: 30_000,
  });
}

/**
 * Fetch the certificate a server presents, before any pin exists (enrollment). With a CA,
 * the certificate must chain to it and name the URL's host; without one, the caller
 * compares its fingerprint with the one the administrator read off the back office.
 */
export function fetchServerCertificate(
  serverUrl: string,
  caPem?: string,
  timeoutMs = 10_000,
): Promise<{ pem: string; fingerprint: string }> {
  const url = new URL('/api/v1/health', serverUrl);
  const verify = caPem ? { ca: caPem, rejectUnauthorized: true } : { rejectUnauthorized: false };
  return new Promise((resolve, reject) => {
    // agent: false — a fresh connection: a reused or resumed TLS session may not expose the peer certificate.
    const req = request(url, { ...verify, timeout: timeoutMs, agent: false }, (response) => {
      const socket = response.socket as TLSSocket;
      const cert = socket.getPeerX509Certificate?.();
      response.resume();
      if (!cert) return reject(new Error(`${serverUrl} presented no certificate`));
      resolve({
        pem: cert.toString(),
        fingerprint: new X509Certificate(cert.toString()).fingerprint256,
      });
    });
    req.on('timeout', () =>
      req.destroy(new Error(`${serverUrl} did not answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}
