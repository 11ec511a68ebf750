import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';

describe.each(STORAGES)('bad input gets the right 4xx and changes nothing, on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient & { email: string };
  let planner: ApiClient;
  let product: string;

  const orderCount = async () =>
    (await server.context.storage.db.selectFrom('orders').select('id').execute()).length;

  beforeAll(async () => {
    server = await startTestServer(storage);
    [customer, planner] = await server.userClients('customer', 'planner');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
  });
  afterAll(() => server?.stop());

  it('answers malformed JSON with OT_ERR_MALFORMED_JSON', async () => {
    const before = await orderCount();
    const response = await customer.request('POST', '/api/v1/orders', undefined, {
      raw: '{"lines": [',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('OT_ERR_MALFORMED_JSON');
    expect(await orderCount()).toBe(before);
  });

  it('names the field and the problem for wrong types, missing and unknown fields', async () => {
    const wrongType = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 'two' }],
      shipTo: 'Suzhou, 1 Xinghu Street',
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.code).toBe('OT_ERR_VALIDATION');
    expect(wrongType.body.error.issues[0].path).toMatch(/^body\.lines\.0/);
    const unknown = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
      discount: 99,
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error)).toMatch(/discount/);
    const missing = await customer.post('/api/v1/orders', { lines: [] });
    expect(missing.status).toBe(400);
    const badCode = await customer.post('/api/v1/orders', {
      lines: [{ product: 'PD0000000', quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
    });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.message).toMatch(/check character|misread/);
  });

  it('refuses an oversized body with 413', async () => {
    const huge = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('OT_ERR_BODY_TOO_LARGE');
  });

  it('refuses a body that is not JSON', async () => {
    const form = await customer.request('POST', '/api/v1/orders', undefined, {
      raw: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('OT_ERR_UNSUPPORTED_MEDIA');
  });

  it('needs a session, and the right role', async () => {
    const anonymous = server.client();
    expect((await anonymous.get('/api/v1/orders')).body.error.code).toBe('OT_ERR_UNAUTHENTICATED');
    const forbidden = await customer.post('/api/v1/products', OAK_TABLE);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({
      code: 'OT_ERR_FORBIDDEN',
      message: expect.stringMatching(/you are customer/),
    });
    const plannerOrders = await planner.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
    });
    expect(plannerOrders.status).toBe(403);
    expect((await anonymous.post('/api/v1/sync/push', {})).status).toBe(401);
    const fakeStation = server.client();
    fakeStation.bearer = 'not-a-token';
    expect((await fakeStation.get('/api/v1/orders')).body.error.code).toBe('OT_ERR_TOKEN_REVOKED');
  });

  it('sets a HttpOnly, Secure, SameSite session cookie and ends it at logout', async () => {
    const client = server.client();
    await client.post('/api/v1/auth/register', {
      email: `new.${storage}@example.com`,
      name: 'New Customer',
      password: 'long enough password',
    });
    const login = await client.post('/api/v1/auth/login', {
      email: `NEW.${storage}@example.com`,
      password: 'long enough password',
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/ot_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await client.get('/api/v1/auth/me')).body.role).toBe('customer');
    await client.post('/api/v1/auth/logout');
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('refuses wrong passwords alike for unknown people, and rate-limits guessing', async () => {
    const client = server.client();
    const wrong = await client.post('/api/v1/auth/login', {
      email: customer.email,
      password: 'wrong password',
    });
    const nobody = await client.post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'wrong password',
    });
    expect(wrong.body).toEqual(nobody.body);
    expect(wrong.body.error.code).toBe('OT_ERR_BAD_CREDENTIALS');
    let last = wrong;
    for (let i = 0; i < 10; i++)
      last = await client.post('/api/v1/auth/login', {
        email: customer.email,
        password: 'still wrong',
      });
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe('OT_ERR_RATE_LIMITED');
  });

  it('refuses an expired session', async () => {
    const client = await server.userClient('customer');
    await server.context.storage.db
      .updateTable('sessions')
      .set({ expires_at: '2000-01-01T00:00:00.000Z' })
      .execute();
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('answers unknown routes and ids with OT_ERR_NOT_FOUND', async () => {
    const fresh = await server.userClient('customer');
    expect((await fresh.get('/api/v1/nothing-here')).body.error.code).toBe('OT_ERR_NOT_FOUND');
    expect((await fresh.get('/api/v1/orders/00000000-0000-0000-0000-000000000000')).status).toBe(
      404,
    );
    expect((await fresh.get('/api/v1/products/PD0000000')).status).toBe(404);
  });
});
