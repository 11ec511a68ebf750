import { z } from 'zod';
import { searchResultSchema, productSchema, type Product } from '#core/api/catalog.ts';
import { orderListSchema, type OrderView } from '#core/api/orders.ts';
import { lineSchema, stationSchema } from '#core/api/stations.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import { call, query } from '../lib/api.ts';

/*
 * The back-office calls. Exceptions and badges have no shared schema in core/ yet (they are
 * declared in server/routes/back-office.ts), so the shapes the portal relies on are here.
 */
export const exceptionSchema = z.object({
  id: z.string(),
  kind: z.string(),
  order: z.string().nullable(),
  station: z.string().nullable(),
  description: z.string(),
  status: z.string(),
  resolutionNote: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ExceptionView = z.infer<typeof exceptionSchema>;

export const badgeSchema = z.object({
  code: z.string(),
  name: z.string(),
  role: z.enum(['operator', 'supervisor']),
  revokedAt: z.string().nullable(),
});
export type BadgeView = z.infer<typeof badgeSchema>;

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
  (
    await call(
      z.object({ exceptions: z.array(exceptionSchema) }),
      'GET',
      `/api/v1/exceptions${query({ status })}`,
    )
  ).exceptions;

export const listBadges = async () =>
  (await call(z.object({ badges: z.array(badgeSchema) }), 'GET', '/api/v1/badges')).badges;
