import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import type { ErrorBody } from '#core/api/errors.ts';
import { AppError } from '../errors.ts';

const send = (status: number, body: ErrorBody) => ({ status, body });

/** Map anything thrown to a catalog error. 5xx details go to the log, never to the client. */
function toResponse(error: FastifyError | Error): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return send(error.status, {
      error: {
        code: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
        ...(error.said ? { messageKey: error.said.key, params: error.said.params } : {}),
      },
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      path: `${error.validationContext ?? ''}${issue.instancePath.replaceAll('/', '.')}`,
      message: issue.message ?? 'invalid',
    }));
    const first = issues[0];
    return send(400, {
      error: {
        code: 'OT_ERR_VALIDATION',
        message: first ? `${first.path}: ${first.message}` : 'The request is not valid.',
        issues,
      },
    });
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    return send(400, {
      error: {
        code: 'OT_ERR_VALIDATION',
        message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues,
      },
    });
  }
  const code = (error as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(400, {
        error: {
          code: 'OT_ERR_MALFORMED_JSON',
          message: `The request body is not valid JSON: ${error.message}`,
        },
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(413, { error: { code: 'OT_ERR_BODY_TOO_LARGE', message: error.message } });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(415, {
        error: {
          code: 'OT_ERR_UNSUPPORTED_MEDIA',
          message: 'Send JSON with Content-Type: application/json.',
        },
      });
  }
  const status = (error as FastifyError).statusCode;
  if (status === 429)
    return send(429, { error: { code: 'OT_ERR_RATE_LIMITED', message: error.message } });
  if (status && status >= 400 && status < 500) {
    return send(status, {
      error: {
        code: status === 404 ? 'OT_ERR_NOT_FOUND' : 'OT_ERR_VALIDATION',
        message: error.message,
      },
    });
  }
  return send(500, {
    error: {
      code: 'OT_ERR_INTERNAL',
      message: 'Something went wrong on the server; it has been logged.',
    },
  });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = toResponse(error);
    if (error instanceof AppError && error.retryAfter !== undefined)
      void reply.header('retry-after', String(error.retryAfter));
    if (status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    else request.log.info({ code: body.error.code, url: request.url }, body.error.message);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'OT_ERR_NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
      },
    } satisfies ErrorBody),
  );
}
