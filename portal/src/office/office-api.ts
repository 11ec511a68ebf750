import { z } from 'zod';
import { searchResultSchema, productSchema, type Product } from '#core/api/catalog.ts';
import { orderListSchema, type OrderView } from '#core/api/orders.ts';
import {
  badgeListSchema,
  exceptionListSchema,
  type BadgeView,
  type ExceptionView,
} from '#core/api/plant.ts';
import { userListSchema, type UserAccount } from '#core/api/auth.ts';
import { lineSchema, stationListSchema, type StationView } from '#core/api/stations.ts';
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
}

export const listOrders = async (
  filters: OrderQuery,
  cursor?: string,
): Promise<Page<OrderView>> => {
  const { orders, nextCursor } = await call(
    orderListSchema,
    'GET',
    `/api/v1/orders${query({ ...filters, state: filters.state || undefined, cursor })}`,
  );
  return { items: orders, nextCursor };
};

export const listProducts = async (
  filters: { q?: string; sort?: string; status?: string } = {},
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

export const listStations = async (
  filters: { line?: string; role?: string; status?: string; q?: string; sort?: string },
  cursor?: string,
): Promise<Page<StationView>> => {
  const { stations, nextCursor } = await call(
    stationListSchema,
    'GET',
    `/api/v1/stations${query({ ...filters, cursor })}`,
  );
  return { items: stations, nextCursor };
};

export const listExceptions = async (
  filters: { status?: string; kind?: string; q?: string; sort?: string },
  cursor?: string,
): Promise<Page<ExceptionView>> => {
  const { exceptions, nextCursor } = await call(
    exceptionListSchema,
    'GET',
    `/api/v1/exceptions${query({ ...filters, cursor })}`,
  );
  return { items: exceptions, nextCursor };
};

export const listBadges = async (
  filters: { q?: string; sort?: string; role?: string; status?: string },
  cursor?: string,
): Promise<Page<BadgeView>> => {
  const { badges, nextCursor } = await call(
    badgeListSchema,
    'GET',
    `/api/v1/badges${query({ ...filters, cursor })}`,
  );
  return { items: badges, nextCursor };
};

export const listUsers = async (
  filters: { q?: string; sort?: string; role?: string; status?: string },
  cursor?: string,
): Promise<Page<UserAccount>> => {
  const { users, nextCursor } = await call(
    userListSchema,
    'GET',
    `/api/v1/users${query({ ...filters, cursor })}`,
  );
  return { items: users, nextCursor };
};
