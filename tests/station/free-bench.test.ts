import { afterEach, describe, expect, it } from 'vitest';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { stationFixture } from './station-fixture.ts';

/*
 * docs/station.md "Packing": the first unit scanned at a free packing bench names its order,
 * whatever was packed before. Issue 20 found order Y's first unit refused after order X was
 * packed, until the packer scanned Y's order code.
 */
let fixture: ReturnType<typeof stationFixture> | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('a free packing bench', () => {
  it('after packing order X (closed, label scanned back), takes order Y’s first unit as naming Y', async () => {
    fixture = stationFixture('packing', 'produced', { units: 1 });
    const f = fixture;
    const otherUnit = mintOrderScopedCode('unit', f.other, 1);
    f.store().put('unit', otherUnit, { code: otherUnit, order: f.other, serial: 1, package: null });
    await f.station.start();

    expect(f.station.scan(f.units[0]!)).toMatchObject({ decision: { verdict: 'accepted' } });
    const closed = await f.station.closePackage();
    expect(closed, JSON.stringify(closed)).toMatchObject({ ok: true });
    // Until its label is scanned back the bench is not free: Y's unit is refused.
    expect(f.station.scan(otherUnit)).toMatchObject({ decision: { verdict: 'wrong_kind' } });
    expect(f.station.scan(f.ownPackage)).toMatchObject({ decision: { verdict: 'accepted' } });
    expect(f.station.state().order?.code).toBe(f.order);

    const first = f.station.scan(otherUnit);
    expect(first).toMatchObject({
      ok: true,
      decision: { verdict: 'accepted', scannedOrder: f.other },
    });
    expect(f.station.state()).toMatchObject({
      order: { code: f.other },
      packing: { units: [otherUnit], awaitingVerify: null },
    });
    expect(f.events().at(-1)?.body).toMatchObject({
      type: 'scan.decided',
      currentOrder: f.order,
      effect: { kind: 'gather_unit', unit: otherUnit, order: f.other },
    });
    // With Y's unit on the bench, a unit of X (were there one left) would be refused again.
    const xUnit = mintOrderScopedCode('unit', f.order, 2);
    f.store().put('unit', xUnit, { code: xUnit, order: f.order, serial: 2, package: null });
    expect(f.station.scan(xUnit)).toMatchObject({ decision: { verdict: 'wrong_order' } });
  });
});
