import { z } from 'zod';

/*
 * Cursor pagination, one way for every list the API answers (orders, products, exceptions,
 * stations, audit). A list is sorted by named keys that end in a unique column, so a cursor
 * is "the keys of the last row you saw": the next page starts strictly after it, and rows
 * inserted meanwhile neither repeat nor shift a page. The cursor is opaque to clients
 * (base64url of JSON); it remembers which sort it belongs to.
 */

export type CursorValue = string | number;

export interface Cursor {
  /** The sort the cursor was made for: another sort's cursor means nothing here. */
  sort: string;
  /** The last row's sort keys, in the sort's order. */
  after: CursorValue[];
}

const cursorPayloadSchema = z.strictObject({
  s: z.string().min(1).max(32),
  a: z
    .array(z.union([z.string().max(200), z.number().finite()]))
    .min(1)
    .max(4),
});

const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

const fromBase64Url = (text: string) =>
  new TextDecoder('utf-8', { fatal: true }).decode(
    Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0)),
  );

export const encodeCursor = (cursor: Cursor): string =>
  toBase64Url(JSON.stringify({ s: cursor.sort, a: cursor.after }));

/** The cursor, or null when the text is not one this API gave out. */
export function decodeCursor(text: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(text)) return null;
  try {
    const payload = cursorPayloadSchema.safeParse(JSON.parse(fromBase64Url(text)));
    return payload.success ? { sort: payload.data.s, after: payload.data.a } : null;
  } catch {
    return null;
  }
}

export const cursorSchema = z.string().transform((text, context) => {
  const cursor = decodeCursor(text);
  if (!cursor) {
    context.addIssue({
      code: 'custom',
      message: 'not a cursor from this list; use the nextCursor of the previous page',
    });
    return z.NEVER;
  }
  return cursor;
});

/**
 * The query fields every paged list takes: how many rows (`limit`), where to go on
 * (`cursor`, the previous page's `nextCursor`) and the order (`sort`, the first is the
 * default). Spread into the route's own strict query schema next to its filters.
 */
export function pageQueryFields<const Sorts extends readonly [string, ...string[]]>(
  sorts: Sorts,
  { defaultLimit = 50, maxLimit = 200 }: { defaultLimit?: number; maxLimit?: number } = {},
) {
  return {
    limit: z.coerce
      .number({ message: `a number of rows, 1 to ${maxLimit}` })
      .int(`a whole number of rows, 1 to ${maxLimit}`)
      .min(1, `at least 1 row`)
      .max(maxLimit, `at most ${maxLimit} rows a page`)
      .default(defaultLimit),
    cursor: cursorSchema.optional(),
    sort: z.enum(sorts).default(sorts[0] as Sorts[number]),
  };
}

export interface PageQuery<Sort extends string = string> {
  limit: number;
  cursor?: Cursor | undefined;
  sort: Sort;
}

/** What a paged list adds to its answer: null when this page is the last. */
export const nextCursorField = {
  nextCursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` for the next page; null: this was the last page'),
};

/** Free-text search fields: trimmed, and an empty `q` means no search. */
export const searchTextSchema = z.string().trim().max(200).optional();

const listTime = z.iso.datetime({
  offset: true,
  error: 'an ISO 8601 time with an offset, e.g. 2026-03-02T08:00:00Z',
});

/**
 * A list's time filter: rows whose time is at or after `from` and before `to` (either may be
 * left out). Times carry an offset; the server compares them as UTC. Spread next to the
 * page fields and add `.superRefine(toAfterFrom)` to the query schema.
 */
export const timeRangeFields = { from: listTime.optional(), to: listTime.optional() };

export interface TimeRange {
  from?: string | undefined;
  to?: string | undefined;
}

/** A range that ends before it starts is a mistake, said at `to`. */
export function toAfterFrom(range: TimeRange, context: z.RefinementCtx): void {
  if (range.from && range.to && !(Date.parse(range.to) > Date.parse(range.from)))
    context.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
}
