/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '#server/demo/catalog.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';

/*
 * "Similar to X, but…" over HTTPS on both databases (issue 17): candidates with reasons
 * without an order, X named by code or by words, search that reads sentences.
 */
describe.each(STORAGES)('similar-to requests and search over HTTPS on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  const code: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(storage);
    const planner = await server.userClient('planner');
    customer = await server.userClient('customer');
    for (const product of DEMO_PRODUCTS) {
      const created = await planner.post('/api/v1/products', product);
      expect(created.status).toBe(200);
      code[product.nameEn] = created.body.code;
    }
  });
  afterAll(() => server?.stop());

  const similar = (similarTo: string, differences: string) =>
    customer.get(
      `/api/v1/products/similar?similarTo=${encodeURIComponent(similarTo)}&differences=${encodeURIComponent(differences)}`,
    );
  const search = async (q: string) =>
    ((await customer.get(`/api/v1/products?q=${encodeURIComponent(q)}`)).body.hits as any[]).map(
      (hit) => hit.product.nameEn,
    );

  it('answers the candidates with their reasons, and places no order', async () => {
    const answer = await similar(code['Oak dining table 160'] as string, '换成胡桃木，八人座');
    expect(answer.status).toBe(200);
    expect(answer.body.similar.nameEn).toBe('Oak dining table 160');
    expect(answer.body.candidates[0]).toMatchObject({
      product: code['Walnut dining table 200'],
      reasons: expect.arrayContaining([
        { en: 'walnut', zh: '胡桃木', met: true },
        { en: 'dining table', zh: '餐桌', met: true },
        { en: '8 seats', zh: '8人', met: true },
      ]),
    });
    expect((await customer.get('/api/v1/orders')).body.orders).toEqual([]);
  });

  it('lists the closest products, with what each lacks, when nothing meets the request', async () => {
    const answer = await similar(code['Oak dining table 160'] as string, 'but walnut and 120 cm');
    expect(answer.body.candidates).toEqual([]);
    expect(answer.body.closest.length).toBeGreaterThan(0);
    expect(answer.body.closest[0].reasons).toContainEqual(expect.objectContaining({ met: false }));
    expect(answer.body.closest.map((c: any) => c.nameEn)).not.toContain('Walnut coffee table 120');
  });

  it('takes X in words when they name one product, and says which when they do not', async () => {
    const named = await similar('the oak dining table 160', 'walnut');
    expect(named.status).toBe(200);
    expect(named.body.similar.code).toBe(code['Oak dining table 160']);
    expect(named.body.candidates[0].nameEn).toBe('Walnut dining table 160');

    const several = await similar('oak table', 'walnut');
    expect(several.status).toBe(400);
    expect(several.body.error.message).toMatch(/names several products: PD/);
    expect(several.body.error.message).toContain('Oak dining table 120');
    const none = await similar('紫色飞毯', 'walnut');
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/not a product code and names no product.*PD…/);
    const wrongCode = await similar('PD0000000', 'walnut');
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.body.error.message).toMatch(/PD0000000 is not a valid product code/);
  });

  it('places an order naming X in words, and refers what nothing meets to customer service', async () => {
    const order = await customer.post('/api/v1/orders', {
      lines: [
        { similarTo: '橡木餐桌 160', differences: '要胡桃木的', quantity: 1 },
        {
          similarTo: code['Oak dining chair'],
          differences: 'purple flying carpet with wifi',
          quantity: 1,
        },
      ],
      shipTo: 'Hangzhou, Xihu District, 12 Wensan Road',
    });
    expect(order.status).toBe(200);
    expect(order.body.state).toBe('customer_service');
    expect(order.body.lines[0].similarTo).toBe(code['Oak dining table 160']);
    expect(order.body.lines[0].candidates[0]).toMatchObject({
      product: code['Walnut dining table 160'],
      reasons: expect.arrayContaining([{ en: 'walnut', zh: '胡桃木', met: true }]),
    });
    expect(order.body.lines[1].candidates).toEqual([]);

    const unknown = await customer.post('/api/v1/orders', {
      lines: [{ similarTo: 'oak table', differences: 'walnut', quantity: 1 }],
      shipTo: 'Hangzhou, Xihu District, 12 Wensan Road',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^Line 1: “oak table” names several products/);
    expect(unknown.body.error.issues[0].path).toBe('lines.0.similarTo');
  });

  it('refuses bad requests with a clear error and answers anonymous callers 401', async () => {
    const empty = await similar('', 'walnut');
    expect(empty.status).toBe(400);
    expect(empty.body.error.issues[0].path).toMatch(/similarTo/);
    const long = await similar(code['Oak dining chair'] as string, 'x'.repeat(2001));
    expect(long.status).toBe(400);
    const anonymous = await server
      .client()
      .get(`/api/v1/products/similar?similarTo=${code['Oak dining chair']}&differences=walnut`);
    expect(anonymous.status).toBe(401);
  });

  it('searches with sentences, single characters and whole words alike', async () => {
    const sentence = await search('和餐桌类似，但是胡桃木，120厘米');
    expect(sentence.slice(0, 4)).toEqual(
      expect.arrayContaining(['Walnut dining table 160', 'Oak dining table 120']),
    );
    expect(sentence).not.toContain('Three-seat linen sofa');
    const character = await search('桌');
    expect(character).toEqual(expect.arrayContaining(['Oak dining table 160']));
    expect(character).not.toContain('Oak dining chair');
    const table = await search('table');
    expect(table).toContain('Walnut bedside table');
    expect(table).not.toContain('Ash bookshelf 5 tiers');
  });
});
