import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROBLEM_PHOTO_BYTES, PROBLEM_REPORT_DAYS } from '#core/api/problems.ts';
import { OAK_TABLE } from './fixtures.ts';
import {
  STORAGES,
  startTestServer,
  type ApiClient,
  type TestServer,
  type UserClient,
} from './harness.ts';
import {
  dispatch,
  enrollStation,
  packWhole,
  produceWhole,
  releasedOrder,
  type TestStation,
} from './station-flow.ts';

/*
 * A customer reports a problem with a delivered order (core/api/problems.ts): only their
 * own order, only once every package was received and within PROBLEM_REPORT_DAYS, photos
 * that really are JPEG or PNG; customer service finds it as a `customer_problem`
 * exception and sees the photos; nobody else does.
 */
// A 1×1 PNG and the first bytes of a JPEG (the server reads the type from the bytes).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(STORAGES)('problem reports on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: UserClient;
  let service: ApiClient;
  let product: string;
  let line: { production: TestStation; packing: TestStation; shipping: TestStation };
  let clock = new Date();

  beforeAll(async () => {
    server = await startTestServer(storage, { now: () => clock });
    [admin, planner, customer, service] = await Promise.all([
      server.userClient('admin'),
      server.userClient('planner'),
      server.userClient('customer'),
      server.userClient('customer_service'),
    ]);
    await admin.post('/api/v1/lines', { name: 'L1' });
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    line = {
      production: await enrollStation(server, admin, 'production', 'L1'),
      packing: await enrollStation(server, admin, 'packing', 'L1'),
      shipping: await enrollStation(server, admin, 'shipping', 'L1'),
    };
  });
  afterAll(() => server?.stop());

  /** An order of `who`'s, produced, packed and shipped; received too unless told otherwise. */
  async function order(who: ApiClient, receive = true) {
    const released = await releasedOrder(who, planner, product, 1);
    await produceWhole(line.production, released);
    const pkg = await packWhole(line.packing, released);
    await dispatch(line.shipping, released.code, pkg);
    if (receive) {
      const received = await who.post('/api/v1/receipts', { verdict: 'confirm', package: pkg });
      expect(received.body.state).toBe('delivered');
    }
    return released;
  }

  it('takes a report with photos and raises it for customer service, photos and all', async () => {
    const delivered = await order(customer);
    const answer = await customer.post(`/api/v1/orders/${delivered.id}/problems`, {
      kind: 'damaged',
      description: 'Table top cracked along the grain.\nThe box looked fine.',
      photos: [PNG.toString('base64'), JPEG.toString('base64')],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      order: delivered.code,
      kind: 'damaged',
      photos: [
        { type: 'image/png', bytes: PNG.length },
        { type: 'image/jpeg', bytes: JPEG.length },
      ],
    });
    const exceptions = await service.get(
      `/api/v1/exceptions?kind=customer_problem&order=${delivered.code}`,
    );
    expect(exceptions.body.exceptions).toEqual([
      expect.objectContaining({
        id: answer.body.exception,
        kind: 'customer_problem',
        status: 'open',
        description: expect.stringMatching(/damaged: Table top cracked.*\(photos: 2\)$/s),
        messageKey: 'msg.customer_problem.damaged',
        params: { description: expect.stringMatching(/^Table top cracked/), photos: 2 },
      }),
    ]);
    // Customer service reads the report and its photos, byte for byte.
    const listed = await service.get(`/api/v1/orders/${delivered.id}/problems`);
    expect(listed.body.reports).toHaveLength(1);
    const [png, jpeg] = listed.body.reports[0].photos;
    for (const [photo, bytes, type] of [
      [png, PNG, 'image/png'],
      [jpeg, JPEG, 'image/jpeg'],
    ] as const) {
      const response = await fetch(`${server.url}/api/v1/problem-photos/${photo.id}`, {
        headers: { cookie: service.cookie! },
        dispatcher: service.agent,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
    // The customer still may report (within the days), and sees their report.
    const mine = await customer.get(`/api/v1/orders/${delivered.id}/problems`);
    expect(mine.body.reports[0].id).toBe(answer.body.id);
    expect(Date.parse(mine.body.reportableUntil)).toBeGreaterThan(Date.now());
  });

  it('keeps reports and photos from other customers: not found', async () => {
    const delivered = await order(customer);
    const reported = await customer.post(`/api/v1/orders/${delivered.id}/problems`, {
      kind: 'missing_item',
      description: 'The screws are missing',
      photos: [PNG.toString('base64')],
    });
    const stranger = await server.userClient('customer', 'Stranger');
    const report = await stranger.post(`/api/v1/orders/${delivered.id}/problems`, {
      kind: 'other',
      description: 'Not my order at all',
    });
    expect(report.status).toBe(404);
    expect((await stranger.get(`/api/v1/orders/${delivered.id}/problems`)).status).toBe(404);
    const photo = await stranger.get(`/api/v1/problem-photos/${reported.body.photos[0].id}`);
    expect(photo.status).toBe(404);
    // Staff read; staff do not report in the customer's name.
    const byStaff = await service.post(`/api/v1/orders/${delivered.id}/problems`, {
      kind: 'other',
      description: 'On behalf of',
    });
    expect(byStaff.status).toBe(403);
  });

  it('refuses a report before delivery, saying what to do instead, and stores nothing', async () => {
    const shipped = await order(customer, false);
    const early = await customer.post(`/api/v1/orders/${shipped.id}/problems`, {
      kind: 'damaged',
      description: 'Box is crushed',
    });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(
      /shipped.*once every package has been received.*rejected/s,
    );
    const listed = await customer.get(`/api/v1/orders/${shipped.id}/problems`);
    expect(listed.body).toEqual({ reports: [], reportableUntil: null });
  });

  it(`refuses a report more than ${PROBLEM_REPORT_DAYS} days after delivery`, async () => {
    const delivered = await order(customer);
    clock = new Date(Date.now() + (PROBLEM_REPORT_DAYS + 1) * DAY_MS);
    try {
      // The session has long gone idle: the customer logs in again, a month later.
      const later = server.client();
      const login = await later.post('/api/v1/auth/login', {
        email: customer.email,
        password: customer.password,
      });
      expect(login.status).toBe(200);
      const late = await later.post(`/api/v1/orders/${delivered.id}/problems`, {
        kind: 'damaged',
        description: 'Found it only now',
      });
      expect(late.status).toBe(409);
      expect(late.body.error.message).toMatch(
        new RegExp(`within ${PROBLEM_REPORT_DAYS} days of delivery.*Contact customer service`),
      );
      const listed = await later.get(`/api/v1/orders/${delivered.id}/problems`);
      expect(listed.body).toEqual({ reports: [], reportableUntil: null });
    } finally {
      clock = new Date();
    }
  });

  it('refuses what is not a photo, too many photos or too large ones, by name', async () => {
    const delivered = await order(customer);
    const report = (photos: string[]) =>
      customer.post(`/api/v1/orders/${delivered.id}/problems`, {
        kind: 'damaged',
        description: 'Scratched',
        photos,
      });
    const text = await report([Buffer.from('<svg onload=alert(1)>').toString('base64')]);
    expect(text.status).toBe(400);
    expect(text.body.error.message).toMatch(/Photo 1 is not a JPEG or PNG picture/);
    const many = await report([PNG, PNG, PNG, PNG].map((b) => b.toString('base64')));
    expect(many.status).toBe(400);
    expect(many.body.error.message).toMatch(/3 photos at most/);
    const big = Buffer.concat([JPEG, Buffer.alloc(MAX_PROBLEM_PHOTO_BYTES)]);
    const large = await report([big.toString('base64')]);
    expect(large.status).toBe(400);
    expect(large.body.error.message).toMatch(/1 MiB at most/);
    const notBase64 = await report(['this is not base64!']);
    expect(notBase64.status).toBe(400);
    const control = await customer.post(`/api/v1/orders/${delivered.id}/problems`, {
      kind: 'damaged',
      description: 'bad\u0000byte',
    });
    expect(control.status).toBe(400);
    expect((await customer.get(`/api/v1/orders/${delivered.id}/problems`)).body.reports).toEqual(
      [],
    );
  });
});
