import { z } from 'zod';
import { searchResultSchema, productSchema, type Product } from '#core/api/catalog.ts';
import { orderListSchema, type OrderView } from '#core/api/orders.ts';
import { badgeListSchema, exceptionListSchema } from '#core/api/plant.ts';
import { userListSchema } from '#core/api/auth.ts';
import { lineSchema, stationListSchema } from '#core/api/stations.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import { call, query } from '../lib/api.ts';
import type { Page } from '../lib/paged.svelte.ts';

/* The back-office calls, over the schemas the server answers with (core/api). */
export {
  badgeSchema,
  exceptionSchema,
  type BadgeView,
  type ExceptionView,
} from '#core/api/plant.ts';

export interface OrderQuery {
  state?: OrderState | '';
  line?: string;
  q?: string;
  sort?: string;
  /** ISO instants; empty: no bound. */
  from?: string;
  to?: string;
}

export const listOrders = async (
  filters: OrderQuery,
  cursor?: string,
): Promise<Page<OrderView>> => {
  const { orders, nextCursor } = await call(
    orderListSchema,
    'GET',
    `/api/v1/orders${query({
      ...filters,
      state: filters.state || undefined,
      from: filters.from || undefined,
      to: filters.to || undefined,
      cursor,
    })}`,
  );
  return { items: orders, nextCursor };
};

export const listProducts = async (
  /** from, to: last changed (ISO instants). */
  filters: { q?: string; sort?: string; status?: string; from?: string; to?: string } = {},
  cursor?: string,
): Promise<Page<Product>> => {
  const { hits, nextCursor } = await call(
    searchResultSchema,
    'GET',
    `/api/v1/products${query({ ...filters, limit: '50', cursor })}`,
  );
  return { items: hits.map((hit) => hit.product), nextCursor };
};

export const getProduct = (code: string) =>
  call(productSchema, 'GET', `/api/v1/products/${encodeURIComponent(code)}`);

export const listLines = async () =>
  (await call(z.object({ lines: z.array(lineSchema) }), 'GET', '/api/v1/lines')).lines;

/**
 * The fetcher of a paged list route: its filters and the cursor in, one page out (the
 * answer's `key` holds the rows).
 */
export function pagedRoute<Key extends string, Item>(
  schema: z.ZodType<{ [key in Key]: Item[] } & { nextCursor: string | null }>,
  key: Key,
  path: string,
) {
  return async (
    filters: Record<string, string | undefined>,
    cursor?: string,
  ): Promise<Page<Item>> => {
    const answer = await call(schema, 'GET', `${path}${query({ ...filters, cursor })}`);
    return { items: answer[key], nextCursor: answer.nextCursor };
  };
}

export const listStations = pagedRoute(stationListSchema, 'stations', '/api/v1/stations');
export const listExceptions = pagedRoute(exceptionListSchema, 'exceptions', '/api/v1/exceptions');
export const listBadges = pagedRoute(badgeListSchema, 'badges', '/api/v1/badges');
export const listUsers = pagedRoute(userListSchema, 'users', '/api/v1/users');
