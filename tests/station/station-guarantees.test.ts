import { describe, expect, it } from 'vitest';
import type { StationStreamEvent } from '#core/api/station-api.ts';
import { mintOrderScopedCode } from '#core/codes/formats.ts';
import { fixturePerTest, verdictOf } from './station-fixture.ts';

/*
 * The guarantees at the station (docs/station.md "Completeness" and "Operators"), each by
 * name, over a real replica file: a scan normalised once and consumed once whatever prefix
 * the scanner sends, nothing scanned or recorded without an operator, packing that closes
 * short only as a partial package, and a dock that moves on after a dispatch.
 */
const openFixture = fixturePerTest();

describe('a scan is normalised once and consumed once', () => {
  for (const prefix of [']C0', ']C1', ']Q1', ']d2']) {
    it(`consumes a resource read with the ${prefix} prefix once, and records what it consumed`, () => {
      const fixture = openFixture('production');
      const f = fixture;
      f.station.scan(f.order);
      const code = f.resource(1);
      expect(verdictOf(f.station.scan(`${prefix}${code}`))).toBe('accepted');
      expect(verdictOf(f.station.scan(`${prefix}${code}`))).toBe('already_consumed');
      expect(verdictOf(f.station.scan(code))).toBe('already_consumed');
      expect(verdictOf(f.station.scan(` ${code.toLowerCase()}\r\n`))).toBe('already_consumed');
      const accepted = f
        .events()
        .filter((e) => e.body.type === 'scan.decided' && e.body.verdict === 'accepted')
        .map((e) => e.body);
      expect(accepted.at(-1)).toMatchObject({
        scanned: `${prefix}${code}`,
        code,
        effect: { kind: 'consume', resource: code },
      });
      const consumed = f
        .db()
        .prepare('SELECT COUNT(*) FROM resources WHERE consumed_locally_at IS NOT NULL')
        .pluck()
        .get();
      expect(consumed).toBe(1);
    });
  }

  it('keeps control characters of what was read visible, never raw', () => {
    const fixture = openFixture('production');
    const f = fixture;
    f.station.scan(f.order);
    f.station.scan(`]C1${f.resource(1).slice(0, 5)}\u001d\u0000X`);
    const last = f.events().at(-1)!.body;
    expect(last).toMatchObject({ type: 'scan.decided', verdict: 'misread' });
    expect(last.type === 'scan.decided' && last.scanned).toContain('<GS><U+0000>X');
  });
});

describe('unknown labels', () => {
  it('stops the line on a label of the loaded order the server never issued, and consumes nothing', () => {
    const fixture = openFixture('production');
    const f = fixture;
    f.station.scan(f.order);
    const forged = mintOrderScopedCode('resource', f.order, 77);
    expect(verdictOf(f.station.scan(forged))).toBe('line_stop');
    expect(f.station.state().lineStop).toMatchObject({ scanned: forged });
    expect(f.events().at(-1)?.body).toMatchObject({ verdict: 'line_stop', effect: null });
    const consumed = f
      .db()
      .prepare('SELECT COUNT(*) FROM resources WHERE consumed_locally_at IS NOT NULL')
      .pluck()
      .get();
    expect(consumed).toBe(0);
  });

  it('only refuses it where the line says so', () => {
    const fixture = openFixture('production');
    const f = fixture;
    f.store().put('line', 'L1', {
      id: 'L1',
      name: 'L1',
      rules: { unknownLabel: 'refuse', requireOperator: true },
    });
    f.station.scan(f.order);
    expect(verdictOf(f.station.scan(mintOrderScopedCode('resource', f.order, 77)))).toBe('unknown');
    expect(f.station.state().lineStop).toBeNull();
  });
});

describe('operators are known', () => {
  it('refuses scans and commands while nobody is logged in: shown, not recorded', async () => {
    const fixture = openFixture('production', 'released', { loggedIn: false });
    const f = fixture;
    const notices: StationStreamEvent[] = [];
    f.station.on('event', (event) => event.type === 'notice' && notices.push(event));
    expect(f.station.scan(f.order)).toMatchObject({
      ok: false,
      error: { key: 'operator_required' },
    });
    expect(f.station.reportProgress('assembly', 1)).toMatchObject({
      ok: false,
      error: { key: 'operator_required' },
    });
    expect(f.station.unreadable('noise')).toBeNull();
    expect(notices).toHaveLength(3);
    expect(f.events()).toEqual([]);
    // The state says so, and the screen offers no work while it does.
    expect(f.station.state().badgeNeeded).toBe(true);
    f.station.login(f.operator);
    expect(f.station.state().badgeNeeded).toBe(false);
    expect(verdictOf(f.station.scan(f.order))).toBe('accepted');
    f.station.logout();
    expect(f.station.state().badgeNeeded).toBe(true);
    expect(f.events().every((e) => e.operator === f.operator)).toBe(true);
  });

  it('lets a line without the rule scan anonymously', () => {
    const fixture = openFixture('production', 'released', { loggedIn: false });
    const f = fixture;
    f.store().put('line', 'L1', {
      id: 'L1',
      name: 'L1',
      rules: { unknownLabel: 'stop', requireOperator: false },
    });
    expect(f.station.state().badgeNeeded).toBe(false);
    expect(verdictOf(f.station.scan(f.order))).toBe('accepted');
    expect(f.events()[0]?.operator).toBeNull();
  });
});

describe('nothing moves on incomplete: packing', () => {
  it('closes short only as a partial package, counts what remains, and closes the last one with the count', async () => {
    const fixture = openFixture('packing', 'produced', { units: 3 });
    const f = fixture;
    await f.station.start();
    f.station.scan(f.units[0]!);
    expect(await f.station.closePackage()).toMatchObject({
      ok: false,
      error: { key: 'units_missing', params: { remaining: 2 } },
    });
    const partial = await f.station.closePackage({ partial: true });
    expect(partial).toMatchObject({
      ok: true,
      note: { key: 'package_partial', params: { number: 1, remaining: 2 } },
    });
    const first = mintOrderScopedCode('package', f.order, 1);
    expect(f.events().find((e) => e.body.type === 'package.closed')?.body).toMatchObject({
      package: first,
      number: 1,
      of: null,
    });
    expect(verdictOf(f.station.scan(first))).toBe('accepted'); // label scanned back
    expect(f.station.state().packing).toMatchObject({
      unitsExpected: 3,
      unitsPacked: 1,
      unitsRemaining: 2,
    });
    f.station.scan(f.units[1]!);
    f.station.scan(f.units[2]!);
    expect(await f.station.closePackage()).toMatchObject({ ok: true });
    const last = f
      .events()
      .filter((e) => e.body.type === 'package.closed')
      .at(-1)!.body;
    expect(last).toMatchObject({ number: 2, of: 2 });
    expect(f.station.state().packing.unitsRemaining).toBe(0);
  });

  it('closes the last package short with a supervisor override, on record', async () => {
    const fixture = openFixture('packing', 'produced', { units: 3 });
    const f = fixture;
    await f.station.start();
    f.station.scan(f.units[0]!);
    expect(
      await f.station.closePackage({ override: { badge: f.operator, reason: 'short shipment' } }),
    ).toMatchObject({ ok: false, error: { key: 'not_supervisor' } });
    expect(
      await f.station.closePackage({
        override: { badge: f.supervisor, reason: 'customer agreed to a short shipment' },
      }),
    ).toMatchObject({ ok: true });
    expect(f.events().find((e) => e.body.type === 'package.closed')?.body).toMatchObject({
      number: 1,
      of: 1,
      override: { supervisor: f.supervisor },
    });
  });

  it('takes the first unit at a free bench as naming its order', async () => {
    const fixture = openFixture('packing', 'produced');
    const f = fixture;
    f.station.scan(f.other);
    expect(verdictOf(f.station.scan(f.units[0]!))).toBe('accepted');
    expect(f.station.state().order?.code).toBe(f.order);
  });
});

describe('the dock moves on by itself', () => {
  it('after a dispatch, the next order’s first package starts the next order', () => {
    const fixture = openFixture('shipping', 'packed', { packages: true });
    const f = fixture;
    expect(verdictOf(f.station.scan(f.ownPackage))).toBe('accepted');
    expect(f.station.dispatch()).toMatchObject({ ok: true });
    expect(f.station.state().order).toBeNull();
    expect(verdictOf(f.station.scan(f.otherPackage))).toBe('accepted');
    expect(f.station.state().order?.code).toBe(f.other);
  });

  it('refuses dispatch while a package of the order is missing, and says how many', () => {
    const fixture = openFixture('shipping', 'packed', { packages: true, packageCount: 2 });
    const f = fixture;
    expect(verdictOf(f.station.scan(f.ownPackage))).toBe('accepted');
    expect(f.station.state().shipping.packagesRemaining).toBe(2);
    expect(f.station.dispatch()).toMatchObject({
      ok: false,
      error: { key: 'dispatch_incomplete', params: { missing: 1 } },
    });
  });
});
