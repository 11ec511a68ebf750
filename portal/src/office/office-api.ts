import { z } from 'zod';
import { searchResultSchema, productSchema, type Product } from '#core/api/catalog.ts';
import { orderListSchema, type OrderView } from '#core/api/orders.ts';
import { badgeListSchema, exceptionListSchema } from '#core/api/plant.ts';
import { lineSchema, stationSchema } from '#core/api/stations.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import { call, query } from '../lib/api.ts';

/* The back-office calls, over the schemas the server answers with (core/api). */
export {
  badgeSchema,
  exceptionSchema,
  type BadgeView,
  type ExceptionView,
} from '#core/api/plant.ts';

export const listOrders = async (state?: OrderState | ''): Promise<OrderView[]> =>
  (await call(orderListSchema, 'GET', `/api/v1/orders${query({ state: state || undefined })}`))
    .orders;

export const listProducts = async (q = ''): Promise<Product[]> =>
  (await call(searchResultSchema, 'GET', `/api/v1/products${query({ q, limit: '50' })}`)).hits.map(
    (hit) => hit.product,
  );

export const getProduct = (code: string) =>
  call(productSchema, 'GET', `/api/v1/products/${encodeURIComponent(code)}`);

export const listLines = async () =>
  (await call(z.object({ lines: z.array(lineSchema) }), 'GET', '/api/v1/lines')).lines;

export const listStations = async () =>
  (await call(z.object({ stations: z.array(stationSchema) }), 'GET', '/api/v1/stations')).stations;

export const listExceptions = async (status: string) =>
  (await call(exceptionListSchema, 'GET', `/api/v1/exceptions${query({ status })}`)).exceptions;

export const listBadges = async () => (await call(badgeListSchema, 'GET', '/api/v1/badges')).badges;
