import { Agent, fetch } from 'undici';
import { createStationResultSchema } from '#core/api/stations.ts';
import type { StationRole } from '#core/orders/state-machine.ts';

/** The administrator's HTTPS session with the plant's own server (its certificate trusted, nothing else). */
export async function adminSession(
  serverUrl: string,
  certPem: string,
  email: string,
  password: string,
) {
  const agent = new Agent({ connect: { ca: certPem, servername: 'localhost' } });
  const base = serverUrl.replace('localhost', '127.0.0.1');
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    dispatcher: agent,
  });
  if (!login.ok) {
    await agent.close();
    throw new Error(
      `could not log in as ${email} (HTTP ${login.status}); enroll the stations from the back office`,
    );
  }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    /** Create a station through the API, as an administrator does in the back office: its one-time enrollment code. */
    async createStation(name: string, role: StationRole, line: string): Promise<string> {
      const response = await fetch(`${base}/api/v1/stations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ name, role, line }),
        dispatcher: agent,
      });
      if (!response.ok) throw new Error(`creating station ${name} failed: HTTP ${response.status}`);
      return createStationResultSchema.parse(await response.json()).enrollmentCode;
    },
    close: () => agent.close(),
  };
}
