import { mintBadgeCode, mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { mintSscc } from '#core/gs1/check-digit.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import { DEFAULT_LINE_RULES, type LineRules } from '#core/sync/replicated-rows.ts';
import type {
  BadgeRecord,
  OrderRecord,
  PackageRecord,
  ReplicaLookup,
  ResourceRecord,
  UnitRecord,
} from './replica-lookup.ts';

/** An in-memory replica for the rules' tests: one order of 2 tables (2 legs each), its units and a package. */
export function fixtureReplica(state: OrderState = 'released') {
  const code = mintOrderCode();
  const other = mintOrderCode();
  const orders = new Map<string, OrderRecord>();
  const order = (orderCode: string, orderState: OrderState): OrderRecord => ({
    code: orderCode,
    state: orderState,
    lineId: 'L1',
    shipTo: 'Shanghai',
    carrier: 'SF',
    customerReference: null,
    unitsOrdered: 2,
    packageCount: 1,
    lines: [
      {
        position: 1,
        product: 'P',
        nameEn: 'Table',
        nameZh: '桌子',
        quantity: 2,
        bom: [
          { resourceType: 'leg', materialName: 'Oak leg', quantityPerUnit: 2, step: 'assembly' },
          { resourceType: 'top', materialName: 'Oak top', quantityPerUnit: 1, step: 'assembly' },
        ],
      },
    ],
  });
  orders.set(code, order(code, state));
  orders.set(other, order(other, state));
  const resources = new Map<string, ResourceRecord>();
  const addResource = (orderCode: string, serial: number, resourceType: string) => {
    const resource = mintOrderScopedCode('resource', orderCode, serial);
    resources.set(resource, {
      code: resource,
      order: orderCode,
      resourceType,
      materialName: resourceType,
      materialNameZh: resourceType === 'leg' ? '橡木腿' : '',
      step: 'assembly',
      stepZh: '组装',
      consumed: false,
    });
    return resource;
  };
  const legs = [1, 2, 3, 4, 5].map((n) => addResource(code, n, 'leg'));
  const glue = addResource(code, 6, 'glue');
  const otherLeg = addResource(other, 1, 'leg');
  const units = new Map<string, UnitRecord>();
  const unitCodes = [1, 2].map((n) => mintOrderScopedCode('unit', code, n));
  for (const unit of unitCodes) units.set(unit, { code: unit, order: code, packedInto: null });
  const otherUnit = mintOrderScopedCode('unit', other, 1);
  units.set(otherUnit, { code: otherUnit, order: other, packedInto: null });
  const packages = new Map<string, PackageRecord>();
  const pkg = mintOrderScopedCode('package', code, 1);
  packages.set(pkg, { code: pkg, order: code, number: 1, of: 1, dispatched: false });
  const otherPackage = mintOrderScopedCode('package', other, 1);
  packages.set(otherPackage, {
    code: otherPackage,
    order: other,
    number: 1,
    of: 1,
    dispatched: false,
  });
  // The SSCC on each package's logistic label: SSCC → package code.
  const ssccs = new Map<string, string>([
    [mintSscc('0614141', 1), pkg],
    [mintSscc('0614141', 2), otherPackage],
  ]);
  const ssccOf = (packageCode: string) =>
    [...ssccs].find(([, code]) => code === packageCode)?.[0] ?? '';
  const rules: LineRules = { ...DEFAULT_LINE_RULES };
  const badges = new Map<string, BadgeRecord>();
  const supervisor = mintBadgeCode();
  badges.set(supervisor, { code: supervisor, name: 'Chen', role: 'supervisor', revoked: false });

  const replica: ReplicaLookup = {
    order: (c) => orders.get(c),
    resource: (c) => resources.get(c),
    consumedOf: (o, type) =>
      [...resources.values()].filter((r) => r.order === o && r.resourceType === type && r.consumed)
        .length,
    unit: (c) => units.get(c),
    package: (c) => packages.get(c),
    packageBySscc: (sscc) => {
      const code = ssccs.get(sscc);
      return code ? packages.get(code) : undefined;
    },
    packagesOf: (o) => [...packages.values()].filter((p) => p.order === o),
    closedPackageNumbers: (o) =>
      [...packages.values()].filter((p) => p.order === o).map((p) => p.number),
    unitsPackedOf: (o) => [...units.values()].filter((u) => u.order === o && u.packedInto).length,
    badge: (c) => badges.get(c),
    lineRules: () => rules,
  };
  return {
    replica,
    code,
    other,
    orders,
    resources,
    legs,
    glue,
    otherLeg,
    units,
    unitCodes,
    otherUnit,
    packages,
    pkg,
    otherPackage,
    ssccs,
    ssccOf,
    supervisor,
    rules,
  };
}
