/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCode } from '#core/codes/formats.ts';
import { DEMO_PRODUCTS } from '#server/demo/catalog.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';

/*
 * The loop of issue 17 over HTTPS on both databases: candidates declined → customer
 * service writes, proposes (a new product made from X's data and bill of materials) →
 * the customer declines one proposal, accepts the next → confirmed with its order code.
 */
describe.each(STORAGES)('the customer-service conversation over HTTPS on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let other: ApiClient;
  let service: ApiClient;
  const code: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(storage);
    const planner = await server.userClient('planner');
    [customer, other, service] = await Promise.all([
      server.userClient('customer', '王芳'),
      server.userClient('customer', 'Oliver'),
      server.userClient('customer_service', 'Zhang Wei'),
    ]);
    for (const product of DEMO_PRODUCTS.slice(0, 3)) {
      const created = await planner.post('/api/v1/products', product);
      code[product.nameEn] = created.body.code;
    }
  });
  afterAll(() => server?.stop());

  const placeAndDecline = async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [{ similarTo: code['Oak dining table 160'], differences: 'walnut', quantity: 1 }],
      shipTo: 'Hangzhou, Xihu District, 12 Wensan Road',
    });
    expect(order.body.state).toBe('awaiting_choice');
    const declined = await customer.post(`/api/v1/orders/${order.body.id}/choose`, {
      choices: [{ position: 1, product: null }],
    });
    expect(declined.body.state).toBe('customer_service');
    return declined.body;
  };

  it('walks request → decline → reply → proposals → accept → confirmed with its code', async () => {
    const order = await placeAndDecline();
    const queue = await service.get('/api/v1/orders?state=customer_service');
    const queued = queue.body.orders.find((o: any) => o.id === order.id);
    // What was offered, and so declined, stays on the line for customer service to see.
    expect(queued.lines[0].candidates[0]).toMatchObject({
      product: code['Walnut dining table 160'],
      reasons: expect.arrayContaining([{ en: 'walnut', zh: '胡桃木', met: true }]),
    });

    const asked = await customer.post(`/api/v1/orders/${order.id}/messages`, {
      text: '要胡桃木的，但是 140 厘米',
    });
    expect(asked.status).toBe(200);
    const replied = await service.post(`/api/v1/orders/${order.id}/messages`, {
      text: 'We can make it 140 cm in walnut.',
    });
    expect(replied.status).toBe(200);
    const seen = await customer.get(`/api/v1/orders/${order.id}`);
    expect(seen.body.messages.map((m: any) => [m.kind, m.author.role, m.text])).toEqual([
      ['message', 'customer', '要胡桃木的，但是 140 厘米'],
      ['message', 'customer_service', 'We can make it 140 cm in walnut.'],
    ]);

    const first = await service.post(`/api/v1/orders/${order.id}/proposals`, {
      position: 1,
      product: code['Walnut dining table 160'],
      text: 'Or the 160 cm one, in stock?',
    });
    expect(first.status).toBe(200);
    const firstProposal = first.body.messages.at(-1);
    expect(firstProposal).toMatchObject({ kind: 'proposal', open: true, position: 1 });
    const no = await customer.post(
      `/api/v1/orders/${order.id}/proposals/${firstProposal.id}/answer`,
      { accept: false, text: 'Too long for our room.' },
    );
    expect(no.body.state).toBe('customer_service');
    expect(no.body.messages.find((m: any) => m.id === firstProposal.id).open).toBe(false);

    // A new product made from X's data and bill of materials, with the change.
    const x = (await service.get(`/api/v1/products/${code['Oak dining table 160']}`)).body;
    const made = await service.post('/api/v1/products', {
      nameEn: 'Walnut dining table 140',
      nameZh: '胡桃木餐桌 140',
      descriptionEn: x.descriptionEn,
      descriptionZh: x.descriptionZh,
      attributes: { ...x.attributes, material: 'walnut', material_zh: '胡桃木', length_cm: 140 },
      bom: x.bom,
    });
    expect(made.status).toBe(200);
    const second = await service.post(`/api/v1/orders/${order.id}/proposals`, {
      position: 1,
      product: made.body.code,
    });
    const secondProposal = second.body.messages.at(-1);
    const yes = await customer.post(
      `/api/v1/orders/${order.id}/proposals/${secondProposal.id}/answer`,
      { accept: true },
    );
    expect(yes.status).toBe(200);
    expect(yes.body.state).toBe('confirmed');
    expect(parseCode(yes.body.code)).toMatchObject({ valid: true, kind: 'order' });
    expect(yes.body.lines[0].product).toBe(made.body.code);
    expect(yes.body.messages.map((m: any) => m.kind)).toEqual([
      'message',
      'message',
      'proposal',
      'declined',
      'proposal',
      'accepted',
    ]);
  });

  it('refuses what is not theirs to do, and answers nothing twice', async () => {
    const order = await placeAndDecline();
    const byCustomer = await customer.post(`/api/v1/orders/${order.id}/proposals`, {
      position: 1,
      product: code['Walnut dining table 160'],
    });
    expect(byCustomer.status).toBe(403);
    const stranger = await other.post(`/api/v1/orders/${order.id}/messages`, { text: 'hello' });
    expect(stranger.status).toBe(404);
    const empty = await customer.post(`/api/v1/orders/${order.id}/messages`, { text: '  ' });
    expect(empty.status).toBe(400);
    const unknownProduct = await service.post(`/api/v1/orders/${order.id}/proposals`, {
      position: 1,
      product: 'PD0000000',
    });
    expect(unknownProduct.status).toBe(400);
    const noLine = await service.post(`/api/v1/orders/${order.id}/proposals`, {
      position: 7,
      product: code['Walnut dining table 160'],
    });
    expect(noLine.status).toBe(400);
    expect(noLine.body.error.message).toMatch(/Line 7 does not await a product/);

    const proposed = await service.post(`/api/v1/orders/${order.id}/proposals`, {
      position: 1,
      product: code['Walnut dining table 160'],
    });
    const proposal = proposed.body.messages.at(-1).id;
    const byService = await service.post(
      `/api/v1/orders/${order.id}/proposals/${proposal}/answer`,
      { accept: true },
    );
    expect(byService.status).toBe(403);
    const accepted = await customer.post(
      `/api/v1/orders/${order.id}/proposals/${proposal}/answer`,
      { accept: true },
    );
    expect(accepted.body.state).toBe('confirmed');
    const again = await customer.post(`/api/v1/orders/${order.id}/proposals/${proposal}/answer`, {
      accept: false,
    });
    expect(again.status).toBe(409);
    const late = await service.post(`/api/v1/orders/${order.id}/proposals`, {
      position: 1,
      product: code['Oak dining chair'],
    });
    expect(late.status).toBe(409);
    // Nothing refused above changed the order.
    const after = await customer.get(`/api/v1/orders/${order.id}`);
    expect(after.body.lines[0].product).toBe(code['Walnut dining table 160']);
    expect(after.body.messages.map((m: any) => m.kind)).toEqual(['proposal', 'accepted']);
  });
});
