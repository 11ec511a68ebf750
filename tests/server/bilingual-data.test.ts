/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductInput } from '#core/api/catalog.ts';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { replicatedRowSchemas } from '#core/sync/replicated-rows.ts';
import { LINEN_SOFA } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { enrollStation, releasedOrder, type TestStation } from './station-flow.ts';

/** A chair whose resource types, materials and steps carry Chinese names beside the English ones. */
const CHAIR: ProductInput = {
  nameEn: 'Oak dining chair',
  nameZh: '橡木餐椅',
  bom: [
    {
      resourceType: 'frame',
      resourceTypeZh: '框架',
      materialName: 'Oak chair frame',
      materialNameZh: '橡木椅架',
      quantityPerUnit: 1,
      step: 'assembly',
      stepZh: '组装',
    },
    {
      resourceType: 'seat',
      resourceTypeZh: '座面',
      materialName: 'Paper-cord seat',
      materialNameZh: '纸绳座面',
      quantityPerUnit: 1,
      step: 'weaving',
      stepZh: '编织',
    },
  ],
};

describe.each(STORAGES)('materials and steps in both languages, on %s', (storage) => {
  let server: TestServer;
  let admin: ApiClient;
  let planner: ApiClient;
  let customer: ApiClient;
  let station: TestStation;

  beforeAll(async () => {
    server = await startTestServer(storage);
    [admin, planner, customer] = await server.userClients('admin', 'planner', 'customer');
    expect((await admin.post('/api/v1/lines', { name: 'L1', plant: 'Suzhou' })).status).toBe(200);
    station = await enrollStation(server, admin, 'production', 'L1');
  }, 60_000);
  afterAll(() => server?.stop());

  /** Every replicated row the station has pulled so far, parsed with the station's schemas. */
  const pulled = async () => {
    const rows: { entity: string; data: any }[] = [];
    for (let after = 0; ;) {
      const page = await station.api.get(
        `/api/v1/sync/changes?protocol=${PROTOCOL_VERSION}&after=${after}&limit=1000`,
      );
      expect(page.status).toBe(200);
      for (const change of page.body.changes) {
        if (change.data === null) continue;
        const schema = replicatedRowSchemas[change.entity as keyof typeof replicatedRowSchemas];
        schema.parse(change.data); // what the station's store does with every row
        rows.push({ entity: change.entity, data: change.data });
      }
      after = page.body.cursor;
      if (!page.body.more) return rows;
    }
  };

  it('keeps both names of each material and step, and the station rows carry them', async () => {
    const made = await planner.post('/api/v1/products', CHAIR);
    expect(made.status).toBe(200);
    expect(made.body.bom).toEqual(CHAIR.bom);
    expect((await customer.get(`/api/v1/products/${made.body.code}`)).body.bom).toEqual(CHAIR.bom);

    const order = await releasedOrder(customer, planner, made.body.code, 2);
    const rows = await pulled();
    const resources = rows.filter(
      (row) => row.entity === 'resource' && row.data.order === order.code,
    );
    expect(resources).toHaveLength(4);
    const frames = resources.filter((row) => row.data.resourceType === 'frame');
    expect(frames.map((row) => row.data)).toEqual([
      expect.objectContaining({
        materialName: 'Oak chair frame',
        materialNameZh: '橡木椅架',
        step: 'assembly',
        stepZh: '组装',
      }),
      expect.objectContaining({ materialNameZh: '橡木椅架', stepZh: '组装' }),
    ]);
    const orderRow = rows.find((row) => row.entity === 'order' && row.data.code === order.code);
    expect(orderRow?.data.lines[0].bom[1]).toEqual({
      resourceType: 'seat',
      materialName: 'Paper-cord seat',
      materialNameZh: '纸绳座面',
      quantityPerUnit: 1,
      step: 'weaving',
      stepZh: '编织',
    });
  });

  it('a product given in English only answers empty Chinese names, and its rows read as before', async () => {
    const made = await planner.post('/api/v1/products', LINEN_SOFA);
    expect(made.status).toBe(200);
    for (const item of made.body.bom)
      expect(item).toMatchObject({ resourceTypeZh: '', materialNameZh: '', stepZh: '' });
    const order = await releasedOrder(customer, planner, made.body.code, 1);
    const rows = await pulled();
    const resource = rows.find((row) => row.entity === 'resource' && row.data.order === order.code);
    // No Chinese names: the row has exactly the fields (and checksum) it had before them.
    expect(Object.keys(resource?.data ?? {}).sort()).toEqual(
      ['code', 'consumedAt', 'materialName', 'order', 'resourceType', 'serial', 'step'].sort(),
    );
  });

  it('translating the materials of a released product is a name change, not a new bill (200)', async () => {
    const made = await planner.post('/api/v1/products', LINEN_SOFA);
    await releasedOrder(customer, planner, made.body.code, 1);
    const translated = made.body.bom.map((item: any) => ({
      ...item,
      resourceTypeZh: `${item.resourceType}（类型）`,
      materialNameZh: `${item.resourceType}（中文）`,
      stepZh: item.step === 'frame' ? '框架' : '软包',
    }));
    const changed = await planner.request('PATCH', `/api/v1/products/${made.body.code}`, {
      bom: translated,
    });
    expect(changed.status).toBe(200);
    expect((await planner.get(`/api/v1/products/${made.body.code}`)).body.bom).toEqual(translated);
    // A different material is still refused once released.
    const other = translated.map((item: any, i: number) =>
      i === 0 ? { ...item, materialName: 'Oak sofa frame' } : item,
    );
    const refused = await planner.request('PATCH', `/api/v1/products/${made.body.code}`, {
      bom: other,
    });
    expect(refused.status).toBe(409);
  });

  it('refuses a Chinese name too long (400) and keeps the product as it was', async () => {
    const made = await planner.post('/api/v1/products', CHAIR);
    const tooLong = [{ ...CHAIR.bom[0], materialNameZh: '长'.repeat(201) }];
    const refused = await planner.request('PATCH', `/api/v1/products/${made.body.code}`, {
      bom: tooLong,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/materialNameZh/);
    const created = await planner.post('/api/v1/products', {
      ...CHAIR,
      bom: [{ ...CHAIR.bom[0], stepZh: 42 }],
    });
    expect(created.status).toBe(400);
    expect((await planner.get(`/api/v1/products/${made.body.code}`)).body.bom).toEqual(CHAIR.bom);
  });
});
