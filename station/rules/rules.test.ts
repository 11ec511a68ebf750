import { describe, expect, it } from 'vitest';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { mintSscc } from '#core/gs1/check-digit.ts';
import { parseScan } from '#core/scan/parse-scan.ts';
import { fixtureReplica } from './fixture-replica.ts';
import { decidePacking, nextPackageNumber } from './packing.ts';
import { decideProduction } from './production.ts';
import { englishReason } from './reasons.ts';
import { checkDispatch, decideShipping } from './shipping.ts';

/** One wrong character: the check character catches it, so it is a misread. */
const corrupt = (code: string) => code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');

describe('production rules', () => {
  const decide = (
    f: ReturnType<typeof fixtureReplica>,
    text: string,
    order: string | null = f.code,
    lineStopped = false,
    replicaCurrent = true,
  ) => decideProduction(parseScan(text), { order, lineStopped, replicaCurrent }, f.replica);

  it('loads the order from its job card', () => {
    const f = fixtureReplica();
    const result = decide(f, f.code, null);
    expect(result.verdict).toBe('accepted');
    expect(result.action).toEqual({ kind: 'load_order', order: f.code });
  });

  it('consumes a required resource of the loaded order', () => {
    const f = fixtureReplica();
    const result = decide(f, f.legs[0]!);
    expect(result).toMatchObject({
      verdict: 'accepted',
      scannedOrder: f.code,
      action: { kind: 'consume' },
    });
  });

  it('names the material and step in both languages, for the screen to pick (issue 16)', () => {
    const f = fixtureReplica();
    expect(decide(f, f.legs[0]!).message).toEqual({
      key: 'resource_consumed',
      params: { material: 'leg', material_zh: '橡木腿', step: 'assembly', step_zh: '组装' },
    });
    // The English record keeps the English names.
    expect(englishReason(decide(f, f.legs[1]!).message)).toBe(
      'Resource of this order, required, not yet consumed (leg, step assembly).',
    );
    // A material without a Chinese name carries '' (the screen shows the English one).
    expect(decide(f, f.glue).message.params).toMatchObject({ material: 'glue', material_zh: '' });
  });

  it('stops the line on a resource of another order, decided from the code alone', () => {
    const f = fixtureReplica();
    const stranger = mintOrderScopedCode('resource', mintOrderCode(), 7); // not even in the replica
    expect(decide(f, f.otherLeg).verdict).toBe('line_stop');
    expect(decide(f, stranger).verdict).toBe('line_stop');
    expect(decide(f, stranger).message.key).toBe('resource_other_order');
  });

  it('refuses every scan while the line is stopped, even a good one', () => {
    const f = fixtureReplica();
    expect(decide(f, f.legs[0]!, f.code, true).verdict).toBe('line_stopped');
  });

  it('calls a failed check character a misread, never a mismatch', () => {
    const f = fixtureReplica();
    expect(decide(f, corrupt(f.otherLeg)).verdict).toBe('misread');
    expect(decide(f, 'garbage!').verdict).toBe('misread');
  });

  it('stops the line on a label of the loaded order the server never issued (current replica)', () => {
    const f = fixtureReplica();
    const forged = mintOrderScopedCode('resource', f.code, 99);
    expect(decide(f, forged)).toMatchObject({
      verdict: 'line_stop',
      message: { key: 'unknown_label', params: { code: forged } },
    });
    expect(decide(f, mintOrderCode(), null).verdict).toBe('unknown');
  });

  it('asks to wait for sync when the replica is stale, and only refuses when the line says so', () => {
    const f = fixtureReplica();
    const forged = mintOrderScopedCode('resource', f.code, 99);
    expect(decide(f, forged, f.code, false, false)).toMatchObject({
      verdict: 'unknown',
      message: { key: 'replica_stale' },
    });
    f.rules.unknownLabel = 'refuse';
    expect(decide(f, forged)).toMatchObject({
      verdict: 'unknown',
      message: { key: 'unknown_code' },
    });
    expect(decide(f, forged).action).toBeUndefined();
  });

  it('says already consumed for a resource used before', () => {
    const f = fixtureReplica();
    f.resources.get(f.legs[0]!)!.consumed = true;
    expect(decide(f, f.legs[0]!).verdict).toBe('already_consumed');
  });

  it('says wrong material for a type the bill does not call for, and past the quantity', () => {
    const f = fixtureReplica();
    expect(decide(f, f.glue)).toMatchObject({
      verdict: 'wrong_material',
      message: { key: 'not_in_bom' },
    });
    for (const leg of f.legs.slice(0, 4)) f.resources.get(leg)!.consumed = true; // 2 tables × 2 legs
    expect(decide(f, f.legs[4]!)).toMatchObject({
      verdict: 'wrong_material',
      message: { key: 'bom_complete' },
    });
  });

  it('refuses an order whose state does not allow production', () => {
    const f = fixtureReplica('on_hold');
    expect(decide(f, f.code, null).verdict).toBe('wrong_state');
    expect(decide(f, f.legs[0]!).verdict).toBe('wrong_state');
  });

  it('wants the job card before resources, and refuses codes of other kinds', () => {
    const f = fixtureReplica();
    expect(decide(f, f.legs[0]!, null)).toMatchObject({
      verdict: 'wrong_state',
      message: { key: 'no_order_loaded' },
    });
    expect(decide(f, f.unitCodes[0]!).verdict).toBe('wrong_kind');
  });
});

describe('packing rules', () => {
  const work = (
    order: string | null,
    units: string[] = [],
    awaitingVerify: string | null = null,
  ) => ({ order, units, awaitingVerify });

  it('gathers units by order code, the first one naming the order', () => {
    const f = fixtureReplica('in_production');
    expect(decidePacking(parseScan(f.unitCodes[0]!), work(null), f.replica)).toMatchObject({
      verdict: 'accepted',
      action: { kind: 'gather_unit', order: f.code },
    });
  });

  it('refuses a unit of another order while units are on the bench', () => {
    const f = fixtureReplica('in_production');
    expect(
      decidePacking(parseScan(f.otherUnit), work(f.code, [f.unitCodes[0]!]), f.replica).verdict,
    ).toBe('wrong_order');
  });

  it('takes the first unit at a free bench as naming its order, whatever was packed before', () => {
    const f = fixtureReplica('in_production');
    expect(decidePacking(parseScan(f.otherUnit), work(f.code), f.replica)).toMatchObject({
      verdict: 'accepted',
      action: { kind: 'gather_unit', order: f.other },
    });
  });

  it('refuses a unit already gathered or packed, unknown units, bad states and misreads', () => {
    const f = fixtureReplica('in_production');
    const unit = f.unitCodes[0]!;
    expect(decidePacking(parseScan(unit), work(f.code, [unit]), f.replica).verdict).toBe(
      'already_consumed',
    );
    f.units.get(f.unitCodes[1]!)!.packedInto = f.pkg;
    expect(decidePacking(parseScan(f.unitCodes[1]!), work(f.code), f.replica).verdict).toBe(
      'already_consumed',
    );
    expect(
      decidePacking(parseScan(mintOrderScopedCode('unit', f.code, 50)), work(f.code), f.replica)
        .verdict,
    ).toBe('unknown');
    expect(decidePacking(parseScan(corrupt(unit)), work(f.code), f.replica).verdict).toBe(
      'misread',
    );
    f.orders.get(f.code)!.state = 'cancelled';
    expect(decidePacking(parseScan(unit), work(f.code), f.replica).verdict).toBe('wrong_state');
  });

  it('verifies the label scanned back by its SSCC as by its package code', () => {
    const f = fixtureReplica('in_production');
    expect(
      decidePacking(parseScan(`]C100${f.ssccOf(f.pkg)}`), work(f.code, [], f.pkg), f.replica),
    ).toEqual(decidePacking(parseScan(f.pkg), work(f.code, [], f.pkg), f.replica));
    expect(
      decidePacking(
        parseScan(`]C100${f.ssccOf(f.otherPackage)}`),
        work(f.code, [], f.pkg),
        f.replica,
      ).verdict,
    ).toBe('wrong_order');
  });

  it('wants the printed label scanned back: the right one verifies, another is refused', () => {
    const f = fixtureReplica('in_production');
    const closed = mintOrderScopedCode('package', f.code, 2);
    expect(decidePacking(parseScan(closed), work(f.code, [], closed), f.replica).action).toEqual({
      kind: 'verify_label',
      package: closed,
    });
    expect(decidePacking(parseScan(f.pkg), work(f.code, [], closed), f.replica).verdict).toBe(
      'wrong_order',
    );
    expect(
      decidePacking(parseScan(f.unitCodes[0]!), work(f.code, [], closed), f.replica).verdict,
    ).toBe('wrong_kind');
  });

  it('numbers the next package after every one closed so far', () => {
    const f = fixtureReplica('in_production');
    expect(nextPackageNumber(f.code, f.replica)).toBe(2);
  });
});

describe('shipping rules', () => {
  const work = (order: string | null, scanned: string[] = []) => ({
    order,
    scanned,
    blocked: null,
  });

  it('scans the packages of a packed order and allows dispatch when all are there', () => {
    const f = fixtureReplica('packed');
    const result = decideShipping(parseScan(f.pkg), work(null), f.replica);
    expect(result).toMatchObject({
      verdict: 'accepted',
      action: { kind: 'scan_package', order: f.code },
    });
    expect(checkDispatch(work(f.code, [f.pkg]), f.replica)).toEqual({
      ok: true,
      order: f.code,
      packages: [f.pkg],
    });
  });

  it('blocks dispatch on a package of another order', () => {
    const f = fixtureReplica('packed');
    const result = decideShipping(parseScan(f.otherPackage), work(f.code, [f.pkg]), f.replica);
    expect(result).toMatchObject({ verdict: 'wrong_order', blocksDispatch: true });
    expect(
      checkDispatch({ order: f.code, scanned: [f.pkg], blocked: result.message }, f.replica).ok,
    ).toBe(false);
  });

  it('blocks a held or cancelled order', () => {
    for (const state of ['on_hold', 'cancelled'] as const) {
      const f = fixtureReplica(state);
      expect(decideShipping(parseScan(f.pkg), work(null), f.replica)).toMatchObject({
        verdict: 'wrong_state',
        blocksDispatch: true,
      });
      expect(checkDispatch(work(f.code, [f.pkg]), f.replica).ok).toBe(false);
    }
  });

  it('blocks dispatch while a package is missing', () => {
    const f = fixtureReplica('packed');
    f.orders.get(f.code)!.packageCount = 2;
    expect(checkDispatch(work(f.code, [f.pkg]), f.replica)).toEqual({
      ok: false,
      message: { key: 'dispatch_incomplete', params: { missing: 1 } },
    });
  });

  /** Every way a dock scanner or a person gives the SSCC of a package's logistic label. */
  const ssccForms = (sscc: string) => [
    `]C100${sscc}`,
    `]C1\u001d00${sscc}`,
    `\u001d00${sscc}`,
    `00${sscc}`,
    `(00)${sscc}`,
    `(00) ${sscc.replace(/(\d{4})/g, '$1 ').trim()}`,
    sscc,
  ];

  it('takes a package’s SSCC (GS1-128, with or without AIM prefix and FNC1, or its (00) text) as the package', () => {
    const f = fixtureReplica('packed');
    const byCode = decideShipping(parseScan(f.pkg), work(null), f.replica);
    for (const text of ssccForms(f.ssccOf(f.pkg))) {
      expect(decideShipping(parseScan(text), work(null), f.replica), text).toEqual(byCode);
    }
    expect(byCode).toMatchObject({ verdict: 'accepted', action: { package: f.pkg } });
  });

  it('blocks an SSCC of another order’s package as it blocks its code', () => {
    const f = fixtureReplica('packed');
    const sscc = f.ssccOf(f.otherPackage);
    expect(decideShipping(parseScan(`]C100${sscc}`), work(f.code, [f.pkg]), f.replica)).toEqual(
      decideShipping(parseScan(f.otherPackage), work(f.code, [f.pkg]), f.replica),
    );
  });

  it('refuses an SSCC on no known package, naming it', () => {
    const f = fixtureReplica('packed');
    const stranger = mintSscc('0614141', 999);
    expect(decideShipping(parseScan(`]C100${stranger}`), work(f.code), f.replica)).toEqual({
      verdict: 'unknown',
      scannedOrder: null,
      message: { key: 'sscc_unknown', params: { sscc: stranger } },
    });
    expect(englishReason({ key: 'sscc_unknown', params: { sscc: stranger } })).toBe(
      `SSCC ${stranger} is on no package this station knows.`,
    );
  });

  it('refuses dispatched, unknown, misread and other kinds of codes', () => {
    const f = fixtureReplica('packed');
    expect(decideShipping(parseScan(f.pkg), work(f.code, [f.pkg]), f.replica).verdict).toBe(
      'already_consumed',
    );
    f.packages.get(f.pkg)!.dispatched = true;
    expect(decideShipping(parseScan(f.pkg), work(f.code), f.replica).verdict).toBe(
      'already_consumed',
    );
    expect(
      decideShipping(parseScan(mintOrderScopedCode('package', f.code, 9)), work(f.code), f.replica)
        .verdict,
    ).toBe('unknown');
    expect(decideShipping(parseScan(corrupt(f.pkg)), work(f.code), f.replica).verdict).toBe(
      'misread',
    );
    expect(decideShipping(parseScan(f.unitCodes[0]!), work(f.code), f.replica).verdict).toBe(
      'wrong_kind',
    );
  });
});
