import { fetch, type Agent } from 'undici';
import { errorBodySchema } from '#core/api/errors.ts';
import { packageLabelDataSchema, type LabelDataInput } from '#core/labels/label-data.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { verifiedServer, type ServerTrust } from '#station/sync/enroll.ts';
import { UsageError } from '../usage-error.ts';

/** Where the password of `--user` comes from: never the command line (ps, shell history). */
export const PASSWORD_ENV = 'ORDERTRACE_PASSWORD';

export interface ServerPackageRequest {
  server: string;
  user: string;
  password: string | undefined;
  trust: ServerTrust;
  order: string;
  number: number;
}

const serverMessage = async (response: { json(): Promise<unknown>; status: number }) => {
  const body = errorBodySchema.safeParse(await response.json().catch(() => undefined));
  return body.success ? body.data.error.message : `HTTP ${response.status}`;
};

/**
 * A closed package's label data from a running server over HTTPS: the server verified as
 * --ca or --fingerprint says, a staff login (planner, supervisor or admin) with the password
 * from ORDERTRACE_PASSWORD, then GET /api/v1/orders/:code/packages/:n/label-data. Every
 * refusal comes back as a sentence: unreachable server, wrong certificate, bad login,
 * unknown order, package not closed.
 */
export async function serverPackage(request: ServerPackageRequest): Promise<LabelDataInput> {
  const { server, user, password, order, number } = request;
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new UsageError(`--server '${server}' is not a URL (https://host:port)`);
  }
  if (base.protocol !== 'https:') throw new UsageError(`--server must be https://, not ${server}`);
  if (!password) {
    throw new UsageError(
      `--server needs the password of ${user} in ${PASSWORD_ENV} (kept off the command line)`,
    );
  }
  let agent: Agent;
  try {
    ({ agent } = await verifiedServer(base.href, request.trust, 'not logging in'));
  } catch (error) {
    throw new Error(`cannot reach the server at ${base.origin}: ${messageOf(error)}`);
  }
  try {
    const login = await fetch(new URL('/api/v1/auth/login', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user, password }),
      dispatcher: agent,
    });
    if (!login.ok) {
      const why = await serverMessage(login);
      if (login.status === 400 || login.status === 401)
        throw new UsageError(`the server at ${base.origin} refused the login of ${user}: ${why}`);
      throw new Error(`the server at ${base.origin} refused the login of ${user}: ${why}`);
    }
    const session = /ot_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    if (!session) throw new Error(`the server at ${base.origin} gave no session on login`);
    const path = `/api/v1/orders/${encodeURIComponent(order)}/packages/${number}/label-data`;
    const answer = await fetch(new URL(path, base), {
      headers: { cookie: session },
      dispatcher: agent,
    });
    if (!answer.ok) {
      const why = await serverMessage(answer);
      if (answer.status === 404)
        throw new UsageError(`the server at ${base.origin} does not know order ${order}: ${why}`);
      if ([400, 403, 409].includes(answer.status)) throw new UsageError(why);
      throw new Error(`the server at ${base.origin} answered ${answer.status}: ${why}`);
    }
    const data = packageLabelDataSchema.safeParse(await answer.json());
    if (!data.success)
      throw new Error(`the server at ${base.origin} sent label data this CLI cannot read`);
    // Leave no session behind; a failed logout only leaves one to expire.
    await fetch(new URL('/api/v1/auth/logout', base), {
      method: 'POST',
      headers: { cookie: session },
      dispatcher: agent,
    }).catch(() => undefined);
    return { kind: 'package', data: data.data };
  } catch (error) {
    if (error instanceof UsageError || !(error instanceof TypeError)) throw error;
    // undici's fetch fails with a TypeError whose cause says what the network did.
    throw new Error(
      `cannot reach the server at ${base.origin}: ${messageOf((error as { cause?: unknown }).cause ?? error)}`,
    );
  } finally {
    await agent.close();
  }
}
