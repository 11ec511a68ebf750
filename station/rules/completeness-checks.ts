import type { Message } from '#core/api/station-api.ts';
import {
  materialsShortFor,
  unitsThrough,
  type MaterialProgress,
} from '#core/orders/completeness.ts';
import { nameIn } from '#core/text/bilingual.ts';
import type { Override } from '#core/events/station-events.ts';
import { nextPackageNumber } from './packing.ts';
import { orderCompleteness, type OrderRecord, type ReplicaLookup } from './replica-lookup.ts';

/*
 * Nothing moves on incomplete (docs/station.md "Completeness"): the checks behind the
 * production, packing and shipping commands, pure over the replica. Each refusal says what
 * is missing; a supervisor's override lets real life through and goes on record.
 */

type Refusal = { ok: false; message: Message };
const refusal = (key: Message['key'], params: Message['params'] = {}): Refusal => ({
  ok: false,
  message: { key, params },
});

/** A supervisor's override: the badge must be a supervisor's, issued and not revoked. */
export function checkOverride(
  input: { badge: string; reason: string },
  replica: ReplicaLookup,
): { ok: true; override: Override } | Refusal {
  const badge = replica.badge(input.badge.trim().toUpperCase());
  if (!badge || badge.revoked || badge.role !== 'supervisor') return refusal('not_supervisor');
  return { ok: true, override: { supervisor: badge.code, reason: input.reason.trim() } };
}

/**
 * May `unitsDone` units be reported through `step`? The step's materials (all of them for
 * the finished step) must be consumed in proportion, unless a supervisor overrides.
 */
export function checkProgress(
  order: OrderRecord,
  replica: ReplicaLookup,
  step: string,
  unitsDone: number,
  override: Override | null,
): { ok: true; unitsOrdered: number; unitsDone: number } | Refusal {
  const model = orderCompleteness(order, replica);
  const unitsOrdered = Math.max(1, unitsThrough(model, step));
  const done = Math.min(unitsDone, unitsOrdered);
  const short = materialsShortFor(model, step, done);
  if (short.length > 0 && !override) {
    return refusal(
      'materials_missing',
      missingParams(short, (m) => m.needed),
    );
  }
  return { ok: true, unitsOrdered, unitsDone: done };
}

/**
 * Closing the gathered units into the next package. It is the order's last package when
 * every unit is then packed (its count becomes known), or when a supervisor overrides the
 * units still missing; otherwise it closes only as a partial package, asked for.
 */
export function checkClose(
  order: OrderRecord,
  replica: ReplicaLookup,
  gathered: number,
  options: { partial: boolean; override: Override | null },
): { ok: true; number: number; of: number | null; remaining: number } | Refusal {
  const model = orderCompleteness(order, replica);
  const remaining = Math.max(0, model.units.remaining - gathered);
  const number = nextPackageNumber(order.code, replica);
  if (remaining === 0 || options.override) {
    // The last package means production is over: not while its materials are missing.
    const short = model.materials.filter((m) => m.consumed < m.required);
    if (order.state === 'in_production' && short.length > 0 && !options.override) {
      return refusal(
        'materials_missing',
        missingParams(short, (m) => m.required),
      );
    }
    return { ok: true, number, of: number, remaining };
  }
  if (!options.partial) return refusal('units_missing', { remaining });
  return { ok: true, number, of: null, remaining };
}

/** The materials still short, "name consumed/needed", in English and in Chinese. */
function missingParams<M extends MaterialProgress>(short: readonly M[], needed: (m: M) => number) {
  const list = (name: (m: M) => string) =>
    short.map((m) => `${name(m)} ${m.consumed}/${needed(m)}`).join(', ');
  return {
    missing: list((m) => m.materialName),
    missing_zh: list((m) => nameIn('zh', m.materialName, m.materialNameZh)).replaceAll(', ', '、'),
  };
}
