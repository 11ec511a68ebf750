/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field */
import { beforeAll, describe, expect, it } from 'vitest';
import { mintBadgeCode, mintProductCode } from '#core/codes/formats.ts';
import { englishOf, SERVER_MESSAGES, type ServerMessageKey } from '#core/api/messages.ts';
import { OAK_TABLE } from './fixtures.ts';
import { STORAGES, type ApiClient } from './harness.ts';
import { closeWholePackage, dispatched, packageCode, pushAccepted } from './station-flow.ts';
import { scenarioOn } from './trace-scenario.ts';

/*
 * Sentences the server writes for people come by message key with parameters beside their
 * English (issue 16, core/api/messages.ts): exception descriptions and refusals the portal
 * shows. Each is checked on both engines: the key, the parameters, and that the English
 * `description` / `message` is the key's sentence with those parameters.
 */
describe.each(STORAGES)('sentences for people by message key on %s', (storage) => {
  const s = scenarioOn(storage);
  let supervisor: ApiClient;
  const exceptionsOf = async (order: string) =>
    (await supervisor.get(`/api/v1/exceptions?order=${order}&sort=oldest&limit=50`)).body
      .exceptions as any[];
  const expectSaid = (said: any, key: ServerMessageKey, params: Record<string, unknown>) => {
    expect(said.messageKey).toBe(key);
    expect(said.params).toMatchObject(params);
    expect(said.description ?? said.message).toBe(englishOf({ key, params: said.params }));
  };

  beforeAll(async () => {
    supervisor = await s.server.userClient('supervisor');
  });

  it('says a line stop by key, with the station and the code scanned', async () => {
    const [stop] = await exceptionsOf(s.order.code);
    expectSaid(stop, 'msg.line_stop', { station: 'assembly-1', scanned: s.foreignResource });
    // The trace carries the same.
    const trace = (await supervisor.get(`/api/v1/trace/${s.order.code}`)).body;
    expectSaid(trace.exceptions[0], 'msg.line_stop', { station: 'assembly-1' });
  });

  it('says an event not applied by its rejection kind, an override and a rejected receipt', async () => {
    const unknown = mintBadgeCode();
    const refused = s.production.event({
      type: 'line.cleared',
      supervisor: unknown,
      reason: 'Cleared by someone unknown.',
    });
    expect((await s.production.push([refused])).body.results[0].status).toBe('rejected');
    const notApplied = (
      (await supervisor.get('/api/v1/exceptions?kind=unknown_badge&limit=50')).body
        .exceptions as any[]
    ).find((e) => e.event === refused.id);
    expectSaid(notApplied, 'msg.not_applied.unknown_badge', {
      station: 'assembly-1',
      seq: refused.seq,
      event: 'line.cleared',
    });

    // The idle order, finished without its materials on a supervisor's word.
    const badge = (await s.admin.post('/api/v1/badges', { name: 'Zhao', role: 'supervisor' })).body
      .code as string;
    await pushAccepted(s.production, [
      s.production.event({
        type: 'progress.reported',
        order: s.idle.code,
        step: 'finished',
        unitsDone: 1,
        unitsOrdered: 1,
        override: { supervisor: badge, reason: 'Legs scrapped, replaced from stock' },
      }),
    ]);
    const [override] = await exceptionsOf(s.idle.code);
    expectSaid(override, 'msg.override.progress', {
      units: 1,
      step: 'finished',
      station: 'assembly-1',
      supervisor: 'Zhao',
      badge,
      reason: 'Legs scrapped, replaced from stock',
    });
    // People's words: the supervisor by name in both catalogs, the badge code only for the record.
    expect(override.description).toContain('supervisor Zhao (badge ');

    const pkg = packageCode(s.idle.code, 1);
    await pushAccepted(s.packing, [closeWholePackage(s.packing, s.idle)]);
    await pushAccepted(s.dock, [dispatched(s.dock, s.idle.code, pkg)]);
    const rejected = await s.customer.post('/api/v1/receipts', {
      verdict: 'reject',
      package: pkg,
      reason: '桌腿断了',
    });
    expect(rejected.status).toBe(200);
    const receipt = (await exceptionsOf(s.idle.code)).find((e) => e.kind === 'receipt_rejected');
    expectSaid(receipt, 'msg.receipt_rejected', { package: pkg, reason: '桌腿断了' });
  });

  it("says a customer's problem report by its kind, with the photos counted", async () => {
    const reported = await s.customer.post(`/api/v1/orders/${s.order.id}/problems`, {
      kind: 'missing_item',
      description: 'One chair cushion is missing.',
    });
    expect(reported.status).toBe(200);
    const problem = (await exceptionsOf(s.order.code)).find((e) => e.kind === 'customer_problem');
    expectSaid(problem, 'msg.customer_problem.missing_item', {
      description: 'One chair cushion is missing.',
      photos: 0,
    });
  });

  it('refuses a retired product by key, with its name in both languages', async () => {
    const code = (await s.planner.post('/api/v1/products', OAK_TABLE)).body.code as string;
    const retired = await s.planner.request('PATCH', `/api/v1/products/${code}`, {
      retired: true,
    });
    expect(retired.status).toBe(200);
    const refused = await s.customer.post('/api/v1/orders', {
      lines: [{ product: code, quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('OT_ERR_VALIDATION');
    expectSaid(refused.body.error, 'msg.line_product_retired', {
      line: 1,
      product: code,
      name: OAK_TABLE.nameEn,
      nameZh: OAK_TABLE.nameZh,
    });
    expect(refused.body.error.issues[0].path).toBe('lines.0.product');
    const unknown = await s.customer.post('/api/v1/orders', {
      lines: [{ product: mintProductCode(), quantity: 1 }],
      shipTo: 'Suzhou, 1 Xinghu Street',
    });
    expect(unknown.status).toBe(400);
    expectSaid(unknown.body.error, 'msg.line_product_unknown', { line: 1 });
  });

  it('has an English sentence for every key, each placeholder filled', () => {
    for (const key of Object.keys(SERVER_MESSAGES) as ServerMessageKey[]) {
      const names = [...SERVER_MESSAGES[key].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const english = englishOf({ key, params: Object.fromEntries(names.map((n) => [n, 'X'])) });
      expect(english, key).not.toMatch(/\{\w+\}/);
    }
  });
});
