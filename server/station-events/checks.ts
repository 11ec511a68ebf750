import type { RejectionKind } from '#core/api/sync.ts';
import type { BadgeRole } from '#core/api/plant.ts';
import { parseCode } from '#core/codes/formats.ts';
import { materialsShortFor } from '#core/orders/completeness.ts';
import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import { scanAllowed, type OrderState, type StationRole } from '#core/orders/state-machine.ts';
import type { LineRules } from '#core/sync/replicated-rows.ts';
import type { StationCaller } from '../context.ts';
import type { Completeness } from '#core/orders/completeness.ts';
import type {
  BadgesTable,
  OrdersTable,
  PackagesTable,
  ResourcesTable,
  UnitsTable,
} from '../storage/schema.ts';

/*
 * The server is the authority (docs/sync.md "The server's checks"). A station's event is a
 * claim: before it changes anything it is checked against the station's role and line, the
 * order's line, state and completeness, the badge registry and a bounded clock. An event
 * that fails is stored (it happened at the station) but not applied, and raised as an
 * exception with the reason.
 */

export type { StationCaller };

/**
 * What the checks read of the server's state: a batch (batch-facts.ts) answers from rows it
 * read once and keeps current as it applies.
 */
export interface CheckFacts {
  badge(code: string): Promise<Pick<BadgesTable, 'role' | 'revoked_at'> | undefined>;
  order(code: string | null | undefined): Promise<OrdersTable | undefined>;
  resource(code: string): Promise<ResourcesTable | undefined>;
  completeness(order: OrdersTable): Promise<Completeness>;
  package(code: string): Promise<PackagesTable | undefined>;
  units(
    codes: readonly string[],
  ): Promise<Pick<UnitsTable, 'code' | 'order_id' | 'package_code'>[]>;
}

/** The supervisor badge an event names (clearing a line stop, or overriding a check). */
export const supervisorOf = (body: StationEventBody): string | null =>
  body.type === 'line.cleared'
    ? body.supervisor
    : 'override' in body && body.override
      ? body.override.supervisor
      : null;

/** The order code the order checks look up for an event (null: they look none up). */
export function orderCodeChecked(body: StationEventBody): string | null | undefined {
  switch (body.type) {
    case 'scan.decided': {
      const effect = body.effect;
      if (!effect) return null;
      const orderCode =
        effect.kind === 'consume' || effect.kind === 'verify_label'
          ? parseCode(effect.kind === 'consume' ? effect.resource : effect.package)
          : undefined;
      return orderCode?.valid ? orderCode.order : 'order' in effect ? effect.order : undefined;
    }
    case 'label.printed': {
      const parsed = parseCode(body.code);
      return parsed.valid ? parsed.order : undefined;
    }
    case 'line.cleared':
      return null;
    default:
      return body.order;
  }
}

export interface CheckContext {
  facts: CheckFacts;
  now: Date;
  caller: StationCaller;
  /** When the station was created: nothing it decided can be older. */
  stationCreatedAt: string;
  rules: LineRules;
}

export type Check = { ok: true } | { ok: false; kind: RejectionKind; reason: string };

/** How far ahead of the server a station's clock may run (an offline station's events may be old, never from the future). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

const OK: Check = { ok: true };
const reject = (kind: RejectionKind, reason: string): Check => ({ ok: false, kind, reason });

/** What each role records; anything else from it is out of its scope. */
const ROLE_EVENTS: Readonly<Record<StationRole, ReadonlySet<StationEventBody['type']>>> = {
  production: new Set([
    'scan.decided',
    'order.loaded',
    'line.cleared',
    'progress.reported',
    'label.printed',
  ]),
  packing: new Set([
    'scan.decided',
    'order.loaded',
    'line.cleared',
    'package.closed',
    'label.printed',
  ]),
  shipping: new Set(['scan.decided', 'order.loaded', 'line.cleared', 'package.dispatched']),
};

/** Which role's rule produces each scan effect. */
const EFFECT_ROLE = {
  consume: 'production',
  gather_unit: 'packing',
  verify_label: 'packing',
  scan_package: 'shipping',
} as const;

/**
 * The checks that read nothing (the clock, the station's role): an event they refuse needs
 * no rows read for it (a flood of out-of-scope events costs no lookups).
 */
export const checkClaim = (
  context: Omit<CheckContext, 'facts'>,
  event: StationEvent,
): Check | null => checkClock(context, event) ?? checkRole(context, event);

export async function checkEvent(context: CheckContext, event: StationEvent): Promise<Check> {
  return (
    checkClaim(context, event) ??
    (await checkBadges(context, event)) ??
    (await checkOrder(context, event)) ??
    OK
  );
}

function checkClock(
  { now, stationCreatedAt }: Omit<CheckContext, 'facts'>,
  event: StationEvent,
): Check | null {
  const at = Date.parse(event.stationTime);
  if (at > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    return reject(
      'clock_skew',
      `The station's clock says ${event.stationTime}, ${Math.round((at - now.getTime()) / 60_000)} min ahead of the server; set the station's clock.`,
    );
  }
  if (at < Date.parse(stationCreatedAt) - MAX_CLOCK_AHEAD_MS) {
    return reject(
      'clock_skew',
      `The station's clock says ${event.stationTime}, before the station was created (${stationCreatedAt}); set the station's clock.`,
    );
  }
  return null;
}

function checkRole({ caller }: Omit<CheckContext, 'facts'>, event: StationEvent): Check | null {
  const body = event.body;
  if (!ROLE_EVENTS[caller.role].has(body.type)) {
    return reject('out_of_scope', `A ${caller.role} station does not record ${body.type}.`);
  }
  if (body.type === 'scan.decided') {
    if (body.role !== caller.role) {
      return reject('out_of_scope', `The station is a ${caller.role} station, not ${body.role}.`);
    }
    const effect = body.effect;
    if (effect && effect.kind !== 'load_order' && EFFECT_ROLE[effect.kind] !== caller.role) {
      return reject(
        'out_of_scope',
        `A ${caller.role} station cannot ${effect.kind.replace('_', ' ')}.`,
      );
    }
    if ((effect ?? null) !== null && body.verdict !== 'accepted') {
      return reject('event_rejected', `A ${body.verdict} scan cannot change anything.`);
    }
  }
  return null;
}

async function badgeProblem(
  facts: CheckFacts,
  code: string,
  at: string,
  role: BadgeRole,
): Promise<string | null> {
  const badge = await facts.badge(code);
  if (!badge) return `Badge ${code} was never issued.`;
  if (badge.revoked_at && badge.revoked_at <= at)
    return `Badge ${code} was revoked at ${badge.revoked_at}.`;
  if (role === 'supervisor' && badge.role !== 'supervisor')
    return `Badge ${code} is not a supervisor's.`;
  return null;
}

async function checkBadges(context: CheckContext, event: StationEvent): Promise<Check | null> {
  const { facts, rules } = context;
  const at = event.stationTime;
  if (event.operator === null) {
    if (rules.requireOperator) {
      return reject('unknown_badge', 'No operator was logged in, and this line requires one.');
    }
  } else {
    const problem = await badgeProblem(facts, event.operator, at, 'operator');
    if (problem) return reject('unknown_badge', problem);
  }
  const supervisor = supervisorOf(event.body);
  if (supervisor) {
    const problem = await badgeProblem(facts, supervisor, at, 'supervisor');
    if (problem) return reject('unknown_badge', problem);
  }
  return null;
}

/** The order an event changes or names, in this station's line. */
async function orderInScope(
  context: CheckContext,
  code: string | null | undefined,
): Promise<{ order: OrdersTable } | Check> {
  const order = await context.facts.order(code);
  if (!order)
    return reject('event_rejected', `Order ${code ?? '(none)'} is not known to the server.`);
  if (order.line_id !== context.caller.lineId) {
    return reject('out_of_scope', `Order ${code} is not released to this station's line.`);
  }
  return { order };
}

function stateAllows(role: StationRole, order: OrdersTable): Check | null {
  const allowed = scanAllowed(role, order.state as OrderState);
  return allowed.allowed ? null : reject('event_rejected', allowed.reason);
}

async function checkOrder(context: CheckContext, event: StationEvent): Promise<Check | null> {
  const { facts } = context;
  const body = event.body;
  switch (body.type) {
    case 'scan.decided': {
      const effect = body.effect;
      if (!effect) return null;
      const scoped = await orderInScope(context, orderCodeChecked(body));
      if (!('order' in scoped)) return scoped;
      if (effect.kind !== 'consume') return null;
      const order = scoped.order;
      const state = stateAllows('production', order);
      if (state) return state;
      const resource = await facts.resource(effect.resource);
      if (!resource || resource.order_id !== order.id) {
        return reject(
          'event_rejected',
          `Resource ${effect.resource} was never issued for order ${order.code}.`,
        );
      }
      if (resource.consumed_at) {
        return reject(
          'event_rejected',
          `Resource ${resource.code} was consumed already: by ${resource.consumed_by} at ${resource.consumed_at}.`,
        );
      }
      const model = await facts.completeness(order);
      const material = model.materials.filter((m) => m.resourceType === resource.resource_type);
      const required = material.reduce((sum, m) => sum + m.required, 0);
      const consumed = material.reduce((sum, m) => sum + m.consumed, 0);
      if (consumed >= required) {
        return reject(
          'event_rejected',
          `All ${required} of ${resource.material_name} for order ${order.code} are consumed already.`,
        );
      }
      return null;
    }
    case 'order.loaded': {
      const scoped = await orderInScope(context, body.order);
      return 'order' in scoped ? null : scoped;
    }
    case 'label.printed': {
      const scoped = await orderInScope(context, orderCodeChecked(body));
      return 'order' in scoped ? null : scoped;
    }
    case 'line.cleared':
      return null;
    case 'progress.reported': {
      const scoped = await orderInScope(context, body.order);
      if (!('order' in scoped)) return scoped;
      const state = stateAllows('production', scoped.order);
      if (state) return state;
      const model = await facts.completeness(scoped.order);
      const short = materialsShortFor(model, body.step, body.unitsDone);
      if (short.length > 0 && !body.override) {
        return reject(
          'event_rejected',
          `${body.unitsDone} unit(s) reported through ${body.step} with materials missing: ${short
            .map((m) => `${m.materialName} ${m.consumed}/${m.needed}`)
            .join(', ')}.`,
        );
      }
      return null;
    }
    case 'package.closed': {
      const scoped = await orderInScope(context, body.order);
      if (!('order' in scoped)) return scoped;
      const order = scoped.order;
      const state = stateAllows('packing', order);
      if (state) return state;
      const pkg = parseCode(body.package);
      if (!pkg.valid || pkg.order !== order.code || pkg.serial !== body.number) {
        return reject(
          'event_rejected',
          `Package ${body.package} is not package ${body.number} of order ${order.code}.`,
        );
      }
      if (await facts.package(body.package)) {
        return reject('event_rejected', `Package ${body.package} was closed already.`);
      }
      const units = await facts.units(body.units);
      const known = new Map(units.map((u) => [u.code, u]));
      const wrong = body.units.filter((code) => known.get(code)?.order_id !== order.id);
      if (wrong.length > 0) {
        return reject(
          'event_rejected',
          `Units ${wrong.join(', ')} are not units of order ${order.code}.`,
        );
      }
      const packed = units.filter((u) => u.package_code !== null);
      if (packed.length > 0) {
        return reject(
          'event_rejected',
          `Units ${packed.map((u) => `${u.code} (in ${u.package_code})`).join(', ')} are packed already.`,
        );
      }
      if (body.of === null) return null;
      if (body.of !== body.number) {
        return reject(
          'event_rejected',
          `The last package of an order is numbered as the count (${body.number} of ${body.of}).`,
        );
      }
      const model = await facts.completeness(order);
      // "n of n" says packages 1 to n-1 exist: a count the dock would wait for forever
      // (or ship short of) otherwise.
      if (model.packages.closed !== body.number - 1) {
        return reject(
          'event_rejected',
          `Package ${body.number} closed as the last of ${body.of}, but ${model.packages.closed} of the ${body.number - 1} before it are closed.`,
        );
      }
      const remaining = model.units.remaining - new Set(body.units).size;
      if (remaining > 0 && !body.override) {
        return reject(
          'event_rejected',
          `Package ${body.number} closed as the last one with ${remaining} unit(s) of the order not packed.`,
        );
      }
      if (order.state === 'in_production' && !model.materialsComplete && !body.override) {
        return reject(
          'event_rejected',
          `The order's last package closed while production lacks materials: ${model.materials
            .filter((m) => m.consumed < m.required)
            .map((m) => `${m.materialName} ${m.consumed}/${m.required}`)
            .join(', ')}.`,
        );
      }
      return null;
    }
    case 'package.dispatched': {
      const scoped = await orderInScope(context, body.order);
      if (!('order' in scoped)) return scoped;
      const order = scoped.order;
      const pkg = await facts.package(body.package);
      if (!pkg || pkg.order_id !== order.id) {
        return reject(
          'event_rejected',
          `Package ${body.package} is not a closed package of order ${order.code}.`,
        );
      }
      if (pkg.dispatched_at) {
        return reject(
          'event_rejected',
          `Package ${pkg.code} was dispatched already: by ${pkg.dispatched_by} at ${pkg.dispatched_at}.`,
        );
      }
      return stateAllows('shipping', order);
    }
  }
}
