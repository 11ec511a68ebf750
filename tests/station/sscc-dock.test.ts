import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { mintSscc } from '#core/gs1/check-digit.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import { parseScan } from '#core/scan/parse-scan.ts';
import { openReplica } from '#db/open-replica.ts';
import { ReplicaStore } from '#db/replica-store.ts';
import { sqliteLookup } from '#station/replica/sqlite-lookup.ts';
import { decideShipping } from '#station/rules/shipping.ts';
import { stationFixture } from './station-fixture.ts';

/*
 * The shipping dock reads a package's GS1 logistic label: the SSCC (GS1-128) names the
 * package exactly as its package code does (docs/station.md "Shipping").
 */

/** Every way a dock scanner or a person gives an SSCC. */
const SSCC_FORMS: readonly ((sscc: string) => string)[] = [
  (sscc) => `]C100${sscc}`,
  (sscc) => `]C1\u001d00${sscc}`,
  (sscc) => `\u001d00${sscc}`,
  (sscc) => `00${sscc}`,
  (sscc) => `(00)${sscc}`,
  (sscc) => `(00) ${sscc.replace(/(\d{4})/g, '$1 ').trim()}`,
  (sscc) => ` ${sscc}\r`,
];

let fixture: ReturnType<typeof stationFixture> | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** Give the fixture's own package an SSCC, as the server replicates a closed package. */
function withSscc(f: ReturnType<typeof stationFixture>, sscc: string): void {
  f.store().put('package', f.ownPackage, {
    code: f.ownPackage,
    order: f.order,
    number: 1,
    of: 1,
    sscc,
    units: [],
    closedAt: '2026-12-01T08:00:00.000Z',
    dispatchedAt: null,
  });
}

describe('the shipping dock takes a package by its SSCC', () => {
  it('scans the package by the SSCC on its label and dispatches it under its package code', () => {
    fixture = stationFixture('shipping', 'packed', { packages: true });
    const f = fixture;
    const sscc = mintSscc('0614141', 4711);
    withSscc(f, sscc);
    const reply = f.station.scan(`]C100${sscc}`);
    expect(reply).toMatchObject({ ok: true, decision: { verdict: 'accepted' } });
    expect(f.station.state().shipping.scanned).toEqual([f.ownPackage]);
    // Scanning its package code now is the same package, scanned already.
    expect(f.station.scan(f.ownPackage)).toMatchObject({
      decision: { verdict: 'already_consumed' },
    });
    expect(f.station.dispatch()).toMatchObject({ ok: true });
    const bodies = f.events().map((e) => e.body);
    expect(bodies.find((b) => b.type === 'scan.decided' && b.verdict === 'accepted')).toMatchObject(
      { effect: { kind: 'scan_package', package: f.ownPackage, order: f.order } },
    );
    expect(bodies.filter((b) => b.type === 'package.dispatched')).toEqual([
      expect.objectContaining({ package: f.ownPackage, order: f.order }),
    ]);
  });

  it('refuses an SSCC on no package it knows, naming the SSCC, and records it', () => {
    fixture = stationFixture('shipping', 'packed', { packages: true });
    const f = fixture;
    const stranger = mintSscc('0614141', 99_999);
    const reply = f.station.scan(`(00) ${stranger}`);
    expect(reply).toMatchObject({
      ok: true,
      decision: {
        verdict: 'unknown',
        message: { key: 'sscc_unknown', params: { sscc: stranger } },
      },
    });
    expect(f.station.state().shipping.scanned).toEqual([]);
    expect(f.events().at(-1)?.body).toMatchObject({
      type: 'scan.decided',
      verdict: 'unknown',
      reason: `SSCC ${stranger} is on no package this station knows.`,
    });
  });

  it('refuses an SSCC whose check digit fails as a misread', () => {
    fixture = stationFixture('shipping', 'packed', { packages: true });
    const f = fixture;
    const sscc = mintSscc('0614141', 4711);
    withSscc(f, sscc);
    const wrong = sscc.slice(0, 17) + String((Number(sscc.at(-1)) + 1) % 10);
    expect(f.station.scan(`]C100${wrong}`)).toMatchObject({ decision: { verdict: 'misread' } });
  });
});

describe('property: a package’s SSCC and its package code give the same decision', () => {
  const STATES: OrderState[] = ['packed', 'in_production', 'on_hold', 'cancelled', 'shipped'];
  const orderModel = fc.record({
    state: fc.constantFrom(...STATES),
    packageCount: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    packages: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), // dispatched?
  });

  it('over a real replica file, in any dock state and every SSCC form', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-sscc-dock-'));
    let run = 0;
    try {
      fc.assert(
        fc.property(
          fc.array(orderModel, { minLength: 1, maxLength: 3 }),
          fc.nat(),
          fc.nat(),
          fc.nat(),
          fc.integer({ min: 0, max: SSCC_FORMS.length - 1 }),
          (orders, pick, dockPick, scannedPick, form) => {
            const { db } = openReplica(join(dir, `replica-${run++}.sqlite`));
            try {
              const store = new ReplicaStore(db);
              const packages: { code: string; order: string; sscc: string }[] = [];
              const codes = orders.map(() => mintOrderCode());
              orders.forEach((model, o) => {
                const code = codes[o]!;
                store.put('order', code, {
                  code,
                  state: model.state,
                  lineId: 'L1',
                  shipTo: 'Suzhou',
                  carrier: 'SF',
                  customerReference: null,
                  unitsOrdered: 1,
                  packageCount: model.packageCount,
                  lines: [],
                });
                model.packages.forEach((dispatched, i) => {
                  const pkg = mintOrderScopedCode('package', code, i + 1);
                  const sscc = mintSscc('0614141', packages.length + 1 + run * 10);
                  packages.push({ code: pkg, order: code, sscc });
                  store.put('package', pkg, {
                    code: pkg,
                    order: code,
                    number: i + 1,
                    of: model.packageCount,
                    sscc,
                    units: [],
                    closedAt: '2026-12-01T08:00:00.000Z',
                    dispatchedAt: dispatched ? '2026-12-01T09:00:00.000Z' : null,
                  });
                });
              });
              const lookup = sqliteLookup(db);
              const target = packages[pick % packages.length]!;
              const dockOrder = dockPick % (codes.length + 1);
              const work = {
                order: dockOrder === codes.length ? null : codes[dockOrder]!,
                scanned: packages.filter((_, i) => (scannedPick >> i) & 1).map((p) => p.code),
                blocked: null,
              };
              const byCode = decideShipping(parseScan(target.code), work, lookup);
              const bySscc = decideShipping(
                parseScan(SSCC_FORMS[form]!(target.sscc)),
                work,
                lookup,
              );
              expect(bySscc).toEqual(byCode);
              // An SSCC on none of them is refused by name, whatever the dock holds.
              const stranger = mintSscc('0614141', 9_000_000 + run);
              expect(
                decideShipping(parseScan(SSCC_FORMS[form]!(stranger)), work, lookup),
              ).toMatchObject({ verdict: 'unknown', message: { key: 'sscc_unknown' } });
            } finally {
              db.close();
            }
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
