/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field; the cookie is the client's private jar */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { defaultTemplate } from '#core/labels/default-templates.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, startTestServer, type ApiClient, type TestServer } from './harness.ts';
import { releasedOrder } from './station-flow.ts';
import { decodeImage, rasterise, withTempDir } from '../labels/zbar.ts';
import { readFile } from 'node:fs/promises';
import { layoutFor, renderLabel } from '#labels/render-label.ts';

/** GET or POST answering bytes (the harness client reads JSON only). */
async function bytes(client: ApiClient, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(client.baseUrl + path, {
    method,
    headers: {
      cookie: (client as any).cookie,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: client.agent,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    data: Buffer.from(await response.arrayBuffer()),
  };
}

const pagesOf = (pdf: Buffer) =>
  pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length ?? 0;
const mediaBoxes = (pdf: Buffer) =>
  [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[([^\]]+)\]/g)].map((m) =>
    m[1]!.trim().split(/\s+/).map(Number),
  );
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.each(STORAGES)('labels over HTTP on %s', (storage) => {
  let server: TestServer;
  let customer: ApiClient;
  let planner: ApiClient;
  let admin: Awaited<ReturnType<TestServer['userClient']>>;
  let product: string;
  let order: Awaited<ReturnType<typeof releasedOrder>>;

  beforeAll(async () => {
    server = await startTestServer(storage);
    [customer, planner, admin] = await server.userClients('customer', 'planner', 'admin');
    product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
    order = await releasedOrder(customer, planner, product, 1);
  });
  afterAll(() => server?.stop());

  it('prints every resource label of a released order into one PDF, one per page', async () => {
    const pdf = await bytes(planner, 'GET', `/api/v1/orders/${order.code}/labels/resources.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.data.subarray(0, 5).toString()).toBe('%PDF-');
    // Oak table: one top and four legs per unit.
    expect(order.resources).toHaveLength(5);
    expect(pagesOf(pdf.data)).toBe(5);
    // The default resource label is 100×50 mm: the page is the label.
    expect(mediaBoxes(pdf.data)[0]!.map(Math.round)).toEqual([0, 0, 283, 142]);
  });

  it('prints every unit label of a released order, each unit’s code in Code 128 and QR', async () => {
    const twoTables = await releasedOrder(customer, planner, product, 2);
    const pdf = await bytes(planner, 'GET', `/api/v1/orders/${twoTables.id}/labels/units.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pagesOf(pdf.data)).toBe(2);
    expect(mediaBoxes(pdf.data)[0]!.map(Math.round)).toEqual([0, 0, 283, 142]);
    const decoded = await withTempDir(async (dir) =>
      decodeImage((await rasterise(pdf.data, dir, { dpi: 300, first: 2, last: 2 }))[0] ?? ''),
    );
    expect(decoded.map((symbol) => `${symbol.type} ${symbol.data}`).sort()).toEqual([
      `CODE-128 ${twoTables.units[1]}`,
      `QR-Code ${twoTables.units[1]}`,
    ]);
  });

  it('prints the back office’s labels in the language asked for: Chinese captions, material and step, still scanning', async () => {
    const bilingual = await planner.post('/api/v1/products', {
      ...OAK_TABLE,
      nameEn: 'Oak side table',
      nameZh: '橡木边桌',
      bom: [
        {
          resourceType: 'panel',
          materialName: 'Oak side top',
          materialNameZh: '橡木边桌面板',
          quantityPerUnit: 1,
          step: 'assembly',
          stepZh: '组装',
        },
      ],
    });
    expect(bilingual.status).toBe(200);
    const one = await releasedOrder(customer, planner, bilingual.body.code, 1);
    const resource = one.resources[0]!.code;
    // Text is drawn as outlines (no text layer to extract): the page the server prints must
    // be, pixel for pixel, the label laid out in that language, whose lines are checked here.
    const page = (pdf: Buffer) =>
      withTempDir(async (dir) => {
        const [png] = await rasterise(pdf, dir, { dpi: 200, first: 1, last: 1 });
        return { png: await readFile(png!), symbols: await decodeImage(png!) };
      });
    const data = { code: resource, material: '橡木边桌面板', step: '组装' };
    const lines = (language: string) =>
      layoutFor({ kind: 'resource', data }, { language }).items.flatMap((item) =>
        item.type === 'text' ? item.lines.map((line) => line.text) : [],
      );
    expect(lines('zh-CN')).toEqual(
      expect.arrayContaining(['橡木边桌面板', `订单 ${one.code}`, '工序 组装']),
    );
    const path = `/api/v1/orders/${one.id}/labels/resources.pdf`;
    const zh = await bytes(planner, 'GET', `${path}?language=zh-CN`);
    expect(zh.status).toBe(200);
    const printed = await page(zh.data);
    const expected = await page(
      await renderLabel({ kind: 'resource', data }, 'pdf', { language: 'zh-CN' }),
    );
    expect(printed.png.equals(expected.png)).toBe(true);
    expect(printed.symbols.map((symbol) => symbol.data)).toEqual([resource, resource]);

    const english = await page(
      await renderLabel(
        { kind: 'resource', data: { code: resource, material: 'Oak side top', step: 'assembly' } },
        'pdf',
        { language: 'en' },
      ),
    );
    expect(english.png.equals(printed.png)).toBe(false);
    const en = await page((await bytes(planner, 'GET', `${path}?language=en`)).data);
    expect(en.png.equals(english.png)).toBe(true);
    // A link without the parameter follows the browser's first language.
    const accepted = await fetch(planner.baseUrl + path, {
      headers: { cookie: (planner as any).cookie, 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
      dispatcher: planner.agent,
    });
    expect((await page(Buffer.from(await accepted.arrayBuffer()))).png.equals(printed.png)).toBe(
      true,
    );
    const units = await bytes(
      planner,
      'GET',
      `/api/v1/orders/${one.id}/labels/units.pdf?language=zh-CN`,
    );
    expect(units.status).toBe(200);
    const bad = await planner.get(`${path}?language=fr`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/language/);
  });

  it.each(['resource', 'unit'])(
    'refuses the %s PDF for an order not yet released, an unknown order, and non-planners',
    async (kind) => {
      const submitted = await customer.post('/api/v1/orders', {
        lines: [{ product, quantity: 1 }],
        shipTo: '苏州工业园区星湖街 1 号',
      });
      const early = await planner.get(`/api/v1/orders/${submitted.body.id}/labels/${kind}s.pdf`);
      expect(early.status).toBe(409);
      expect(early.body.error.message).toMatch(`no ${kind} labels until it is released`);
      expect((await planner.get(`/api/v1/orders/nope/labels/${kind}s.pdf`)).status).toBe(404);
      const supervisor = await server.userClient('supervisor');
      for (const notPlanner of [customer, supervisor])
        expect(
          (await notPlanner.get(`/api/v1/orders/${order.id}/labels/${kind}s.pdf`)).status,
        ).toBe(403);
    },
  );

  it('lists the defaults, stores an admin’s template, prints with it, and resets it', async () => {
    const before = await planner.get('/api/v1/labels/templates');
    expect(before.status).toBe(200);
    expect(before.body.templates.map((t: any) => [t.kind, t.custom])).toEqual([
      ['package', false],
      ['resource', false],
      ['unit', false],
    ]);
    const small = { ...defaultTemplate('resource', '50x30mm'), id: 'plant-resource', name: 'Ours' };
    const saved = await admin.request('PUT', '/api/v1/labels/templates/resource', small);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      kind: 'resource',
      custom: true,
      template: { id: 'plant-resource' },
    });
    const after = await planner.get('/api/v1/labels/templates');
    expect(after.body.templates[1]).toMatchObject({
      kind: 'resource',
      custom: true,
      updatedBy: `user:${admin.email}`,
      template: { name: 'Ours', widthMm: 50 },
    });
    const pdf = await bytes(planner, 'GET', `/api/v1/orders/${order.id}/labels/resources.pdf`);
    expect(mediaBoxes(pdf.data)[0]!.map(Math.round)).toEqual([0, 0, 142, 85]);

    expect((await planner.request('DELETE', '/api/v1/labels/templates/resource')).status).toBe(403);
    const reset = await admin.request('DELETE', '/api/v1/labels/templates/resource');
    expect(reset.body).toMatchObject({ kind: 'resource', custom: false, updatedBy: null });
    const back = await bytes(planner, 'GET', `/api/v1/orders/${order.id}/labels/resources.pdf`);
    expect(mediaBoxes(back.data)[0]!.map(Math.round)).toEqual([0, 0, 283, 142]);
  });

  it('refuses a bad template with the field that is wrong, and non-admins', async () => {
    const base = defaultTemplate('unit');
    const narrow = await admin.request('PUT', '/api/v1/labels/templates/unit', {
      ...base,
      widthMm: 5,
    });
    expect(narrow.status).toBe(400);
    expect(narrow.body.error.issues.map((i: any) => i.path)).toContain('body.widthMm');
    const overlapping = await admin.request('PUT', '/api/v1/labels/templates/unit', {
      ...base,
      elements: [base.elements[0], base.elements[0]],
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error.message).toMatch(/elements\.1.*overlaps element 1/);
    const otherKind = await admin.request(
      'PUT',
      '/api/v1/labels/templates/unit',
      defaultTemplate('resource'),
    );
    expect(otherKind.status).toBe(400);
    expect(otherKind.body.error.issues).toEqual([
      { path: 'kind', message: expect.stringMatching(/resource labels, not unit/) },
    ]);
    const unknownKind = await admin.request('PUT', '/api/v1/labels/templates/pallet', base);
    expect(unknownKind.status).toBe(400);
    expect((await planner.request('PUT', '/api/v1/labels/templates/unit', base)).status).toBe(403);
  });

  it('previews a template as PNG with sample or given data, and names bad data', async () => {
    const sample = await bytes(planner, 'POST', '/api/v1/labels/preview', {
      template: defaultTemplate('package'),
    });
    expect(sample.status).toBe(200);
    expect(sample.type).toBe('image/png');
    expect(sample.data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const given = await bytes(planner, 'POST', '/api/v1/labels/preview', {
      template: defaultTemplate('unit'),
      data: { code: order.units[0], product: 'Oak dining table' },
      dpi: 300,
    });
    expect(given.status).toBe(200);
    // 100 mm at 300 dpi is 1181 pixels wide (PNG IHDR width, big-endian at byte 16).
    expect(given.data.readUInt32BE(16)).toBe(1181);
    const wrong = await planner.post('/api/v1/labels/preview', {
      template: defaultTemplate('unit'),
      data: { code: mintOrderScopedCode('resource', order.code, 1) },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.issues[0]).toMatchObject({
      path: 'data',
      message: expect.stringMatching(/a resource code, not a unit code/),
    });
    const badTemplate = await planner.post('/api/v1/labels/preview', {
      template: { ...defaultTemplate('unit'), dpi: 100 },
    });
    expect(badTemplate.status).toBe(400);
    expect(badTemplate.body.error.issues[0].path).toMatch(/^body\.template\.dpi/);
  });

  it('lets a customer reach none of the back-office endpoints', async () => {
    const pkg = mintOrderScopedCode('package', order.code, 1);
    const refused = [
      await customer.get(`/api/v1/epcis/events?order=${order.code}`),
      await customer.get(`/api/v1/trace/${order.code}`),
      await customer.get(`/api/v1/trace/${pkg}`),
      await customer.get('/api/v1/dashboard'),
      await customer.get(`/api/v1/orders/${order.id}/labels/resources.pdf`),
      await customer.get('/api/v1/labels/templates'),
      await customer.request('PUT', '/api/v1/labels/templates/unit', defaultTemplate('unit')),
      await customer.request('DELETE', '/api/v1/labels/templates/unit'),
      await customer.post('/api/v1/labels/preview', { template: defaultTemplate('unit') }),
    ];
    // The customer owns this order, and still gets no back-office view of it.
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual(
      refused.map(() => [403, 'OT_ERR_FORBIDDEN']),
    );
  });
});
