import { describe, expect, it } from 'vitest';
import type { StationStreamEvent } from '#core/api/station-api.ts';
import { mintBadgeCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { fixturePerTest, verdictOf } from './station-fixture.ts';

/*
 * What the station tells the person at the line (docs/station.md "Feedback"): a badge
 * login said by name, a dispatch said as dispatched, a line stop naming the material and
 * both orders, and its clearance said and listed among the last scans.
 */
describe('feedback at the line', () => {
  const open = fixturePerTest();

  it('a badge login is said by name, on the reply and on the stream (a scanner has no reply)', () => {
    const f = open('production', 'released', { loggedIn: false });
    const heard: StationStreamEvent[] = [];
    f.station.on('event', (event) => heard.push(event));
    expect(f.station.login(f.operator)).toMatchObject({
      ok: true,
      note: { key: 'logged_in', params: { name: 'Zhao' } },
    });
    expect(heard).toContainEqual({
      type: 'notice',
      ok: true,
      message: { key: 'logged_in', params: { name: 'Zhao' } },
    });
    // A badge nobody issued is refused as such, and nobody is logged in.
    f.station.logout();
    expect(f.station.login(mintBadgeCode())).toMatchObject({ ok: false });
    expect(f.station.state().operator).toBeNull();
  });

  it('the line stop names the material, the order it belongs to and the order worked on', async () => {
    const f = open('production');
    f.station.scan(f.order);
    // A label of this order that the replica knows: its material is named.
    const foreign = mintOrderScopedCode('resource', f.other, 1);
    f.store().put('resource', foreign, {
      code: foreign,
      order: f.other,
      serial: 1,
      resourceType: 'leg',
      materialName: 'Oak leg',
      step: 'assembly',
      consumedAt: null,
    });
    expect(verdictOf(f.station.scan(foreign))).toBe('line_stop');
    expect(f.station.state().lineStop).toMatchObject({
      scanned: foreign,
      scannedOrder: f.other,
      order: f.order,
      material: { name: 'Oak leg', step: 'assembly' },
    });
    const cleared = await f.station.clearLineStop(f.supervisor, 'Wrong bin, moved back');
    expect(cleared).toMatchObject({
      ok: true,
      note: { key: 'line_cleared', params: { name: 'Chen' } },
    });
    const [top] = f.station.state().lastScans;
    expect(top).toMatchObject({
      cleared: { supervisor: 'Chen' },
      message: { key: 'line_cleared' },
    });
    expect(top?.seq).toBe(f.events().at(-1)?.seq);
    expect(f.events().at(-1)?.body).toMatchObject({ type: 'line.cleared' });
    // The next scan is decided again, above the cleared row.
    expect(verdictOf(f.station.scan(f.resource(1)))).toBe('accepted');
    expect(f.station.state().lastScans[1]?.cleared).toBeTruthy();
  });

  it('a label the replica does not know stops the line without a material name', () => {
    const f = open('production');
    f.station.scan(f.order);
    expect(verdictOf(f.station.scan(mintOrderScopedCode('resource', f.other, 9)))).toBe(
      'line_stop',
    );
    expect(f.station.state().lineStop).toMatchObject({ material: null, order: f.order });
  });

  it('dispatch is said as dispatched, with the count and the order', () => {
    const f = open('shipping', 'packed', { packages: true, packageCount: 1 });
    expect(verdictOf(f.station.scan(f.ownPackage))).toBe('accepted');
    expect(f.station.dispatch()).toMatchObject({
      ok: true,
      note: { key: 'dispatched', params: { count: 1, order: f.order } },
    });
  });
});
