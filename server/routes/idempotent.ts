import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKeySchema,
} from '#core/api/idempotency.ts';
import type { Caller, ServerContext } from '../context.ts';
import {
  callerScope,
  requestFingerprint,
  storeAnswer,
  storedAnswer,
  type AnswerHook,
  type StoredAnswer,
} from '../idempotency/idempotency-keys.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A creating route's answer, once per Idempotency-Key (docs/api.md, "Retrying safely").
 * Without the header, `create` runs as it always did. With it: an answer stored under the
 * caller's key is sent again (with `Idempotent-Replayed: true`); otherwise `create` runs
 * and its service stores the answer, serialized as this route sends it, in the creating
 * transaction, and exactly those bytes go out. The header itself is checked by the
 * route's schema (`idempotencyHeadersSchema`), so a bad key is a 400 before anything runs.
 */
export async function answerOnce<T>(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  caller: Caller,
  create: (answered: AnswerHook<T> | undefined) => Promise<T>,
): Promise<T | FastifyReply> {
  const header = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (header === undefined) return create(undefined);
  const keyed = {
    caller: callerScope(caller),
    key: idempotencyKeySchema.parse(header),
    fingerprint: requestFingerprint(request.method, request.url, request.body),
  };
  const earlier = await storedAnswer(context, keyed);
  if (earlier) return replay(reply, earlier);
  let body: string | undefined;
  try {
    await create(async (trx, answer) => {
      // The route's own serializer (its response schema), so the bytes stored are the bytes sent.
      const serialized = String(reply.serialize(answer));
      await storeAnswer(trx, context.now(), keyed, { status: reply.statusCode, body: serialized });
      body = serialized;
    });
  } catch (error) {
    // The same key twice at once: the other request's transaction took the key and this
    // one rolled back whole; its stored answer is this request's answer too.
    const raced = await storedAnswer(context, keyed);
    if (!raced) throw error;
    return replay(reply, raced);
  }
  if (body === undefined) throw new Error(`${request.url} created without storing its answer`);
  return reply.type(JSON_TYPE).send(body);
}

function replay(reply: FastifyReply, answer: StoredAnswer): FastifyReply {
  return reply
    .code(answer.status)
    .header(IDEMPOTENT_REPLAYED_HEADER, 'true')
    .type(JSON_TYPE)
    .send(answer.body);
}
