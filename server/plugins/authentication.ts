import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserRole } from '#core/api/auth.ts';
import type { Caller, ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { stationForToken } from '../stations/stations.ts';
import { userForSession } from '../auth/users.ts';

export const SESSION_COOKIE = 'ot_session';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | undefined;
  }
}

type User = Extract<Caller, { kind: 'user' }>;
type Station = Extract<Caller, { kind: 'station' }>;

/**
 * Work out who is calling, once per request: a person by session cookie, a station by its
 * bearer token. Routes then state what they need with `requireUser` / `requireStation`.
 */
export function installAuthentication(app: FastifyInstance, context: ServerContext): void {
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (request) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      const station = await stationForToken(context, bearer);
      if (!station) throw new AppError('OT_ERR_TOKEN_REVOKED');
      request.caller = station;
      return;
    }
    const session = request.cookies[SESSION_COOKIE];
    if (session) request.caller = await userForSession(context, session);
  });
}

export function requireUser(request: FastifyRequest, ...roles: UserRole[]): User {
  const caller = request.caller;
  if (!caller || caller.kind !== 'user') throw new AppError('OT_ERR_UNAUTHENTICATED');
  if (roles.length > 0 && !roles.includes(caller.role) && caller.role !== 'admin') {
    throw new AppError(
      'OT_ERR_FORBIDDEN',
      `This needs one of the roles ${roles.join(', ')}; you are ${caller.role}.`,
    );
  }
  return caller;
}

export function requireStation(request: FastifyRequest): Station {
  const caller = request.caller;
  if (!caller || caller.kind !== 'station')
    throw new AppError(
      'OT_ERR_UNAUTHENTICATED',
      'This is for enrolled stations; send the station token.',
    );
  return caller;
}

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: '/',
    expires,
  });
}
