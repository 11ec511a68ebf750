import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import { MAX_PUSH_EVENTS, pushRequestSchema, type PushRequest } from '#core/api/sync.ts';
import { stationEventSchema, type StationEvent } from '#core/events/station-events.ts';
import { AppError } from '../errors.ts';

/*
 * A push checked against core's schema (the same one the station wrote it with), one event
 * at a time, handing the event loop back between slices. One push may carry tens of
 * thousands of codes, each with its check character to verify; checked in one go that holds
 * every other request (health, other stations' pushes) for as long (docs/performance.md,
 * flood_isolation). What a slice may take is bounded by the largest single event, a few ms.
 */
const envelopeSchema = pushRequestSchema.extend({
  events: z.array(z.unknown()).min(1).max(MAX_PUSH_EVENTS),
});

/** How long one slice may check events before other requests get their turn. */
const SLICE_MS = 4;

export async function validatePush(body: unknown): Promise<PushRequest> {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw validationError(envelope.error.issues, 'body');
  const events: StationEvent[] = [];
  const issues: { path: string; message: string }[] = [];
  let sliceStart = performance.now();
  for (const [index, candidate] of envelope.data.events.entries()) {
    const event = stationEventSchema.safeParse(candidate);
    if (event.success) events.push(event.data);
    else issues.push(...paths(event.error.issues, `body.events.${index}`));
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  if (issues.length > 0) throw validationError([], 'body', issues);
  return { ...envelope.data, events };
}

function paths(
  zodIssues: readonly z.core.$ZodIssue[],
  prefix: string,
): { path: string; message: string }[] {
  return zodIssues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** The one 400 body a schema failure gets everywhere (server/plugins/error-handler.ts). */
function validationError(
  zodIssues: readonly z.core.$ZodIssue[],
  prefix: string,
  more: { path: string; message: string }[] = [],
): AppError {
  const issues = [...paths(zodIssues, prefix), ...more];
  const first = issues[0];
  return new AppError(
    'OT_ERR_VALIDATION',
    first ? `${first.path}: ${first.message}` : 'The request is not valid.',
    issues,
  );
}
