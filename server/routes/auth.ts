import type {} from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  createUserBodySchema,
  loginBodySchema,
  registerBodySchema,
  SIGN_UP_MESSAGE,
  signUpAnswerSchema,
  userAccountSchema,
  userListQuerySchema,
  userListSchema,
  userPatchSchema,
  userSchema,
} from '#core/api/auth.ts';
import { listUsers, updateUser } from '../auth/user-admin.ts';
import { LoginThrottle } from '../auth/login-throttle.ts';
import type { ServerContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { requireUser, SESSION_COOKIE, setSessionCookie } from '../plugins/authentication.ts';
import { createUser, logIn, logOut, signUp } from '../auth/users.ts';
import { okSchema } from '#core/api/ok.ts';
import { errors, idParams } from './responses.ts';

export const authRoutes =
  (context: ServerContext): FastifyPluginAsyncZod =>
  async (app) => {
    const logins = new LoginThrottle();
    app.post(
      '/api/v1/auth/login',
      {
        // Per address and per email: slows password guessing without locking out a whole plant.
        config: {
          rateLimit: {
            max: 10,
            timeWindow: '1 minute',
            keyGenerator: (request) =>
              `${request.ip}:${String((request.body as { email?: unknown } | undefined)?.email ?? '')}`,
          },
        },
        schema: {
          tags: ['auth'],
          body: loginBodySchema,
          response: { 200: userSchema, ...errors(400, 401, 429) },
        },
      },
      async (request, reply) => {
        logins.check(request.ip);
        try {
          const { user, token, expiresAt } = await logIn(
            context,
            request.body.email,
            request.body.password,
          );
          // A new session at every login: a session id planted or seen before it is worthless.
          const previous = request.cookies[SESSION_COOKIE];
          if (previous) await logOut(context, previous);
          setSessionCookie(reply, token, expiresAt);
          return user;
        } catch (error) {
          if (error instanceof AppError && error.code === 'OT_ERR_BAD_CREDENTIALS')
            logins.failed(request.ip);
          throw error;
        }
      },
    );

    app.post(
      '/api/v1/auth/register',
      {
        config: { rateLimit: { max: 20, timeWindow: '1 hour' } },
        schema: {
          tags: ['auth'],
          summary:
            'A customer signs up; the same 202 whether the email had an account or not (then log in)',
          body: registerBodySchema,
          response: { 202: signUpAnswerSchema, ...errors(400, 429) },
        },
      },
      async (request, reply) => {
        await signUp(context, request.body);
        return reply.code(202).send({ message: SIGN_UP_MESSAGE });
      },
    );

    app.post(
      '/api/v1/auth/logout',
      { schema: { tags: ['auth'], response: { 200: okSchema } } },
      async (request, reply) => {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await logOut(context, token);
        // The same attributes as the cookie it clears, Secure included.
        reply.clearCookie(SESSION_COOKIE, {
          path: '/',
          secure: true,
          httpOnly: true,
          sameSite: 'strict',
        });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/v1/auth/me',
      { schema: { tags: ['auth'], response: { 200: userSchema, ...errors(401) } } },
      async (request) => {
        const { id, email, name, role } = requireUser(request);
        return { id, email, name, role };
      },
    );

    app.post(
      '/api/v1/users',
      {
        schema: {
          tags: ['auth'],
          summary: 'An admin adds a person',
          body: createUserBodySchema,
          response: { 200: userSchema, ...errors(400, 401, 403, 409) },
        },
      },
      async (request) => createUser(context, requireUser(request, 'admin'), request.body),
    );

    app.get(
      '/api/v1/users',
      {
        schema: {
          tags: ['auth'],
          summary:
            'People with an account, one page at a time; filter by role, status or words in name or email (q)',
          querystring: userListQuerySchema,
          response: { 200: userListSchema, ...errors(400, 401, 403) },
        },
      },
      async (request) => {
        requireUser(request, 'admin');
        const { limit, cursor, sort, ...filters } = request.query;
        return listUsers(context, filters, { limit, cursor, sort });
      },
    );

    app.patch(
      '/api/v1/users/:id',
      {
        schema: {
          tags: ['auth'],
          summary:
            "An admin changes a person's name or role, or disables them (sessions and live feeds end) or enables them again; 409 for the last active admin",
          params: idParams,
          body: userPatchSchema,
          response: { 200: userAccountSchema, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        updateUser(context, requireUser(request, 'admin'), request.params.id, request.body),
    );
  };
