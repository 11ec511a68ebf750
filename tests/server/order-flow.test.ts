/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCode } from '#core/codes/formats.ts';
import { LINEN_SOFA, OAK_TABLE, WALNUT_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';

describe.each(STORAGES)('the seed steps over HTTPS on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let planner: ApiClient;
  let service: ApiClient;
  let admin: ApiClient;
  const products: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(storage);
    [customer, planner, service, admin] = await Promise.all([
      server.userClient('customer', '王芳'),
      server.userClient('planner'),
      server.userClient('customer_service'),
      server.userClient('admin'),
    ]);
    for (const [key, product] of Object.entries({
      oak: OAK_TABLE,
      walnut: WALNUT_TABLE,
      sofa: LINEN_SOFA,
    })) {
      const created = await planner.post('/api/v1/products', product);
      expect(created.status).toBe(200);
      products[key] = created.body.code;
    }
    expect((await admin.post('/api/v1/lines', { name: 'L1', plant: 'Suzhou' })).status).toBe(200);
  });
  afterAll(() => server?.stop());

  it('reports health with its storage kind, and the whole API as OpenAPI', async () => {
    const health = await server.client().get('/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', storage, version: '0.1.0' });
    const openapi = await server.client().get('/api/v1/openapi.json');
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/orders',
        '/api/v1/sync/push',
        '/api/v1/orders/{id}/release',
      ]),
    );
  });

  it('gives every product a unique product code and finds it in Chinese and English', async () => {
    expect(parseCode(products.oak ?? '')).toMatchObject({ valid: true, kind: 'product' });
    expect(new Set(Object.values(products)).size).toBe(3);
    const zh = await customer.get(`/api/v1/products?q=${encodeURIComponent('胡桃木餐桌')}`);
    expect(zh.status).toBe(200);
    expect(zh.body.hits[0].product.code).toBe(products.walnut);
    const twoCharacters = await customer.get(`/api/v1/products?q=${encodeURIComponent('沙发')}`);
    expect(twoCharacters.body.hits.map((h: any) => h.product.code)).toEqual([products.sofa]);
    const en = await customer.get('/api/v1/products?q=walnut%20table');
    expect(en.body.hits[0].product.code).toBe(products.walnut);
    const byAttribute = await customer.get('/api/v1/products?q=linen');
    expect(byAttribute.body.hits[0].product.code).toBe(products.sofa);
  });

  it('treats SQL and full-text syntax in a search as plain text', async () => {
    for (const q of [`'; DROP TABLE products; --`, '" OR 1=1 --', 'oak* NEAR(x)', '%_\\']) {
      const result = await customer.get(`/api/v1/products?q=${encodeURIComponent(q)}`);
      expect(result.status, q).toBe(200);
    }
    expect((await customer.get('/api/v1/products')).body.hits).toHaveLength(3);
  });

  it('confirms an order of catalog products at once and issues its order code', async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [{ product: products.oak, quantity: 2 }],
      shipTo: '上海市浦东新区张江路 88 号',
      customerReference: 'PO-1',
    });
    expect(order.status).toBe(200);
    expect(order.body.state).toBe('confirmed');
    expect(parseCode(order.body.code)).toMatchObject({ valid: true, kind: 'order' });
  });

  it('offers candidates for "like this, but different" and confirms the one chosen', async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [
        { similarTo: products.oak, differences: '要胡桃木的 walnut instead of oak', quantity: 1 },
      ],
      shipTo: 'Hangzhou, Xihu District, 12 Wensan Road',
    });
    expect(order.body.state).toBe('awaiting_choice');
    expect(order.body.code).toBeNull();
    const candidates = order.body.lines[0].candidates;
    expect(candidates[0].product).toBe(products.walnut);
    expect(candidates.map((c: any) => c.product)).not.toContain(products.oak);

    const notOffered = await customer.post(`/api/v1/orders/${order.body.id}/choose`, {
      choices: [{ position: 1, product: products.sofa }],
    });
    expect(notOffered.status).toBe(400);
    const chosen = await customer.post(`/api/v1/orders/${order.body.id}/choose`, {
      choices: [{ position: 1, product: products.walnut }],
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({
      state: 'confirmed',
      lines: [{ product: products.walnut }],
    });
    expect(parseCode(chosen.body.code).valid).toBe(true);
  });

  it('sends an order nothing matches to customer service, who creates a new product for it', async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [
        {
          similarTo: products.sofa,
          differences: 'a rocking horse for children, painted red',
          quantity: 3,
        },
      ],
      shipTo: 'Nanjing, Gulou District, 5 Beijing West Road',
    });
    expect(order.body.state).toBe('customer_service');
    const queue = await service.get('/api/v1/orders?state=customer_service');
    expect(queue.body.orders.map((o: any) => o.id)).toContain(order.body.id);
    expect(queue.body.orders.find((o: any) => o.id === order.body.id).lines[0].differences).toMatch(
      /rocking horse/,
    );

    const product = await service.post('/api/v1/products', {
      nameEn: 'Red rocking horse',
      nameZh: '红色摇马',
      attributes: { material: 'beech', colour: 'red' },
      bom: [
        {
          resourceType: 'body',
          materialName: 'Beech horse body',
          quantityPerUnit: 1,
          step: 'assembly',
        },
      ],
    });
    expect(product.status).toBe(200);
    expect(parseCode(product.body.code)).toMatchObject({ valid: true, kind: 'product' });
    const resolved = await service.post(`/api/v1/orders/${order.body.id}/resolve`, {
      choices: [{ position: 1, product: product.body.code }],
    });
    expect(resolved.body).toMatchObject({
      state: 'confirmed',
      lines: [{ product: product.body.code }],
    });
    expect(parseCode(resolved.body.code).valid).toBe(true);
  });

  it('releases an order to a line, allocating one coded resource per bill-of-materials item', async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [
        { product: products.oak, quantity: 2 },
        { product: products.sofa, quantity: 1 },
      ],
      shipTo: 'Suzhou Industrial Park, 1 Xinghu Street',
    });
    const released = await planner.post(`/api/v1/orders/${order.body.id}/release`, { line: 'L1' });
    expect(released.status).toBe(200);
    expect(released.body.order).toMatchObject({ state: 'released', line: 'L1' });
    // 2 tables × (1 panel + 4 legs) + 1 sofa × (frame + fabric)
    expect(released.body.resources).toHaveLength(12);
    expect(released.body.units).toHaveLength(3);
    for (const resource of released.body.resources) {
      expect(parseCode(resource.code)).toMatchObject({
        valid: true,
        kind: 'resource',
        order: order.body.code,
      });
    }
    expect(released.body.resources.filter((r: any) => r.resourceType === 'leg')).toHaveLength(8);
    const again = await planner.post(`/api/v1/orders/${order.body.id}/release`, { line: 'L1' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'OT_ERR_ILLEGAL_TRANSITION',
      message: expect.stringMatching(/must be confirmed, but it is released/),
    });
  });

  it('lets only the customer who placed an order see it', async () => {
    const other = await server.userClient('customer', 'Other customer');
    const mine = await customer.post('/api/v1/orders', {
      lines: [{ product: products.oak, quantity: 1 }],
      shipTo: 'Wuxi, 3 Renmin Road',
    });
    for (const ref of [mine.body.id, mine.body.code]) {
      const peek = await other.get(`/api/v1/orders/${ref}`);
      expect(peek.status).toBe(404);
      expect(peek.body.error.code).toBe('OT_ERR_NOT_FOUND');
    }
    expect((await other.get('/api/v1/orders')).body.orders).toHaveLength(0);
    expect(
      (await other.post(`/api/v1/orders/${mine.body.id}/cancel`, { reason: 'not mine' })).status,
    ).toBe(404);
    expect((await other.get(`/api/v1/orders/${mine.body.id}/live`)).status).toBe(404);
    expect((await customer.get(`/api/v1/orders/${mine.body.code}`)).status).toBe(200);
  });

  it('holds, refuses work on a held order, resumes and cancels, each in the audit log', async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [{ product: products.sofa, quantity: 1 }],
      shipTo: 'Ningbo, 8 Zhongshan Road',
    });
    const held = await planner.post(`/api/v1/orders/${order.body.id}/hold`, {
      reason: 'Fabric batch on quality hold',
    });
    expect(held.body).toMatchObject({
      state: 'on_hold',
      heldFrom: 'confirmed',
      holdReason: 'Fabric batch on quality hold',
    });
    // The customer reads why, on their order.
    expect((await customer.get(`/api/v1/orders/${order.body.id}`)).body.holdReason).toBe(
      'Fabric batch on quality hold',
    );
    const release = await planner.post(`/api/v1/orders/${order.body.id}/release`, { line: 'L1' });
    expect(release.status).toBe(409);
    expect(release.body.error.message).toMatch(/on hold; resume it/);
    const resumed = await planner.post(`/api/v1/orders/${order.body.id}/resume`, {
      reason: 'Fabric released',
    });
    expect(resumed.body).toMatchObject({ state: 'confirmed', holdReason: null });
    expect(
      (await customer.post(`/api/v1/orders/${order.body.id}/cancel`, { reason: 'Changed my mind' }))
        .body.state,
    ).toBe('cancelled');
    const audit = await planner.get(`/api/v1/audit?entity=order&entityId=${order.body.id}`);
    const actions = audit.body.entries.map((e: any) => e.action).reverse();
    expect(actions).toEqual([
      'order.submitted',
      'order.confirm',
      'order.hold',
      'order.resume',
      'order.cancel',
    ]);
    const hold = audit.body.entries.find((e: any) => e.action === 'order.hold');
    expect(hold).toMatchObject({
      actor: expect.stringMatching(/^user:planner/),
      detail: { reason: 'Fabric batch on quality hold', from: 'confirmed', to: 'on_hold' },
    });
  });
});
