/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { beforeAll, describe, expect, it } from 'vitest';
import { mintBadgeCode, mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { mintSscc } from '#core/gs1/check-digit.ts';
import { STORAGES, type ApiClient } from './harness.ts';
import { misreadOf, scenarioOn } from './trace-scenario.ts';

describe.each(STORAGES)('traceability on %s', (storage) => {
  const s = scenarioOn(storage);
  let supervisor: ApiClient;

  beforeAll(async () => {
    supervisor = await s.server.userClient('supervisor');
  });

  it('leads from the order to its resources, units, package, events and receipt', async () => {
    const trace = await supervisor.get(`/api/v1/trace/${s.order.code}`);
    expect(trace.status).toBe(200);
    const body = trace.body;
    expect(body.query).toEqual({ code: s.order.code, kind: 'order', resolved: s.order.code });
    expect(body.order).toMatchObject({ code: s.order.code, state: 'delivered', line: 'L1' });
    expect(body.resources.map((r: any) => r.code)).toEqual(s.order.resources.map((r) => r.code));
    expect(body.resources[0]).toMatchObject({
      consumedBy: 'assembly-1',
      consumedAt: expect.any(String),
    });
    // The order is delivered, so every resource of its bill was consumed.
    expect(body.resources.every((r: any) => r.consumedAt !== null)).toBe(true);
    expect(body.events.every((e: any) => e.outcome === 'applied')).toBe(true);
    expect(body.packages).toEqual([
      expect.objectContaining({
        code: s.pkg,
        sscc: s.sscc,
        units: s.order.units,
        dispatchedBy: 'dock-1',
        receipt: 'confirmed',
      }),
    ]);
    const stop = body.events.find((e: any) => e.id === s.lineStopEvent);
    expect(stop).toMatchObject({
      type: 'scan.decided',
      verdict: 'line_stop',
      station: { name: 'assembly-1', role: 'production', line: 'L1' },
      operator: { code: s.production.operator },
      body: { scanned: s.foreignResource, currentOrder: s.order.code },
    });
    expect(body.events.map((e: any) => e.station.name)).toEqual(
      expect.arrayContaining(['assembly-1', 'packing-1', 'dock-1']),
    );
    expect(body.exceptions).toEqual([
      expect.objectContaining({ kind: 'line_stop', event: s.lineStopEvent, status: 'cleared' }),
    ]);
    expect(body.history.map((h: any) => h.action)).toEqual(
      expect.arrayContaining(['order.release', 'order.confirm_receipt']),
    );
    // People by name, not by login: the planner released it, the customer confirmed receipt.
    const by = (action: string) => body.history.find((h: any) => h.action === action).by;
    expect(by('order.release')).toEqual({
      kind: 'user',
      name: expect.stringMatching(/^planner \d+$/),
    });
    expect(by('order.confirm_receipt')).toEqual({
      kind: 'user',
      name: expect.stringMatching(/^customer \d+$/),
    });
  });

  it('leads back from a resource to its order and siblings, marking the events that name it', async () => {
    const resource = s.order.resources[1]!.code;
    const trace = (await supervisor.get(`/api/v1/trace/${resource}`)).body;
    expect(trace.query).toMatchObject({ kind: 'resource', resolved: resource });
    expect(trace.order.code).toBe(s.order.code);
    expect(trace.resources).toHaveLength(s.order.resources.length);
    const naming = trace.events.filter((e: any) => e.mentionsCode);
    expect(naming.map((e: any) => [e.verdict, e.body.scanned])).toEqual([['accepted', resource]]);
  });

  it('finds the order from a unit, a package code and an SSCC in any written form', async () => {
    const unit = (await s.planner.get(`/api/v1/trace/${s.order.units[0]}`)).body;
    expect(unit.query.kind).toBe('unit');
    expect(unit.order.code).toBe(s.order.code);
    for (const form of [s.sscc, `(00)${s.sscc}`, `00${s.sscc}`]) {
      const byCode = await s.planner.get(`/api/v1/trace/${encodeURIComponent(form)}`);
      expect(byCode.body.query).toMatchObject({ kind: 'sscc', resolved: s.pkg });
    }
    const pkg = (await s.planner.get(`/api/v1/trace/${s.pkg.toLowerCase()}`)).body;
    expect(pkg.query).toMatchObject({ kind: 'package', resolved: s.pkg });
    expect(pkg.events.filter((e: any) => e.mentionsCode).map((e: any) => e.type)).toEqual([
      'package.closed',
      'package.dispatched',
    ]);
  });

  it('answers 404 for codes it does not know and 400 for what is no traceable code', async () => {
    const stranger = mintOrderCode();
    for (const code of [
      stranger,
      mintOrderScopedCode('resource', s.order.code, 999),
      mintOrderScopedCode('package', s.idle.code, 1),
      mintSscc('0614141', 999_999_999),
    ]) {
      const response = await s.planner.get(`/api/v1/trace/${code}`);
      expect(response.status, code).toBe(404);
      expect(response.body.error.code).toBe('OT_ERR_NOT_FOUND');
    }
    const misread = await s.planner.get(`/api/v1/trace/${misreadOf(s.order.code)}`);
    expect(misread.status).toBe(400);
    expect(misread.body.error.issues[0].path).toBe('code');
    const badge = await s.planner.get(`/api/v1/trace/${mintBadgeCode()}`);
    expect(badge.body.error.message).toMatch(/badge code; trace an order/);
    const wrongDigit = (Number(s.sscc.at(-1)) + 1) % 10;
    const badSscc = await s.planner.get(`/api/v1/trace/${s.sscc.slice(0, -1)}${wrongDigit}`);
    expect(badSscc.body.error.message).toMatch(/check digit/);
  });

  it('is for staff only', async () => {
    const forbidden = await s.customer.get(`/api/v1/trace/${s.order.code}`);
    expect(forbidden.status).toBe(403);
    expect((await s.server.client().get(`/api/v1/trace/${s.order.code}`)).status).toBe(401);
  });
});
