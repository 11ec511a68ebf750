import type { OrderRow } from '../sync/replicated-rows.ts';

/*
 * An order's completeness: expected and done per bill-of-materials material (per step), per
 * order line, per unit and per package. One pure model that the station's rules decide on,
 * the station and the portal show, and the server enforces (docs/station.md "Completeness").
 */

/** The progress step that means "units finished": the order is produced when it is complete. */
export const FINISHED_STEP = 'finished';

export type CompletenessOrder = Pick<OrderRow, 'unitsOrdered' | 'packageCount' | 'lines'>;

export interface CompletenessFacts {
  /** Resources of this type of the order consumed so far. */
  consumedOf(resourceType: string): number;
  /** Units of the order packed so far. */
  unitsPacked: number;
  /** The order's packages closed so far. */
  packages: readonly { number: number; of: number | null; dispatched: boolean }[];
}

export interface MaterialProgress {
  step: string;
  resourceType: string;
  materialName: string;
  /** Chinese names, when the bill of materials gives them. */
  materialNameZh?: string;
  stepZh?: string;
  required: number;
  consumed: number;
}

export interface LineProgress {
  position: number;
  product: string;
  quantity: number;
  materials: MaterialProgress[];
}

export interface Completeness {
  /** Per step and material, across the order (the order of the bills). */
  materials: MaterialProgress[];
  /** Per order line: its own share of each material, consumption counted to lines in order. */
  lines: LineProgress[];
  /** Each step with the units that go through it (those of the lines whose bill names it). */
  steps: { step: string; units: number; stepZh?: string }[];
  materialsComplete: boolean;
  units: { expected: number; packed: number; remaining: number };
  packages: {
    /** Known once the last package has closed; null before. */
    expected: number | null;
    closed: number;
    dispatched: number;
    /** Packages still to leave, once the count is known. */
    remaining: number | null;
  };
}

export function completeness(order: CompletenessOrder, facts: CompletenessFacts): Completeness {
  // Hand each type's consumption out to its bill entries in order: line by line, step by step.
  const left = new Map<string, number>();
  const take = (resourceType: string, required: number): number => {
    if (!left.has(resourceType)) left.set(resourceType, facts.consumedOf(resourceType));
    const available = left.get(resourceType) ?? 0;
    const taken = Math.min(available, required);
    left.set(resourceType, available - taken);
    return taken;
  };
  const lines: LineProgress[] = order.lines.map((line) => ({
    position: line.position,
    product: line.product,
    quantity: line.quantity,
    materials: line.bom.map((item) => {
      const required = item.quantityPerUnit * line.quantity;
      return {
        step: item.step,
        resourceType: item.resourceType,
        materialName: item.materialName,
        ...(item.materialNameZh ? { materialNameZh: item.materialNameZh } : {}),
        ...(item.stepZh ? { stepZh: item.stepZh } : {}),
        required,
        consumed: take(item.resourceType, required),
      };
    }),
  }));
  const byKey = new Map<string, MaterialProgress>();
  for (const line of lines)
    for (const material of line.materials) {
      const key = `${material.step}\u0000${material.resourceType}`;
      const total = byKey.get(key);
      if (total) {
        total.required += material.required;
        total.consumed += material.consumed;
      } else byKey.set(key, { ...material });
    }
  const materials = [...byKey.values()];
  const stepUnits = new Map<string, number>();
  const stepZh = new Map<string, string>();
  for (const line of order.lines) {
    for (const step of new Set(line.bom.map((item) => item.step)))
      stepUnits.set(step, (stepUnits.get(step) ?? 0) + line.quantity);
    for (const item of line.bom)
      if (item.stepZh && !stepZh.has(item.step)) stepZh.set(item.step, item.stepZh);
  }
  const steps = [...stepUnits].map(([step, units]) => {
    const zh = stepZh.get(step);
    return zh ? { step, units, stepZh: zh } : { step, units };
  });
  steps.push({ step: FINISHED_STEP, units: order.unitsOrdered });

  const closed = facts.packages.length;
  const dispatched = facts.packages.filter((p) => p.dispatched).length;
  const known = order.packageCount ?? facts.packages.find((p) => p.of !== null)?.of ?? null;
  return {
    materials,
    lines,
    steps,
    materialsComplete: materials.every((m) => m.consumed >= m.required),
    units: {
      expected: order.unitsOrdered,
      packed: facts.unitsPacked,
      remaining: Math.max(0, order.unitsOrdered - facts.unitsPacked),
    },
    packages: {
      expected: known,
      closed,
      dispatched,
      remaining: known === null ? null : Math.max(0, known - dispatched),
    },
  };
}

/** The units that go through `step` (every unit for the finished step). */
export function unitsThrough(model: Completeness, step: string): number {
  return model.steps.find((s) => s.step === step)?.units ?? model.units.expected;
}

/**
 * What must be consumed before `unitsDone` units may be reported through `step`: the step's
 * own materials (every material for the finished step), in proportion to the units reported.
 * Returns the materials still short, with how many are needed; empty when the report may go.
 */
export function materialsShortFor(
  model: Completeness,
  step: string,
  unitsDone: number,
): (MaterialProgress & { needed: number })[] {
  const through = unitsThrough(model, step);
  const share = through === 0 ? 1 : Math.min(1, unitsDone / through);
  return model.materials
    .filter((m) => step === FINISHED_STEP || m.step === step)
    .map((m) => ({ ...m, needed: Math.ceil(m.required * share - 1e-9) }))
    .filter((m) => m.consumed < m.needed);
}
