import type { Trace, TraceEvent } from '#core/api/back-office.ts';
import { parseCode } from '#core/codes/formats.ts';
import { ssccInput } from '#core/gs1/sscc-input.ts';
import type { OrderState } from '#core/orders/state-machine.ts';
import type { Db, ServerContext } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { loadEvents, type EventRow } from './order-events.ts';
import { messageOf } from './exceptions.ts';
import { packageBySscc } from '../labels/sscc-lookup.ts';

type Resolved = { kind: Trace['query']['kind']; code: string; orderCode: string };

/** What a code names, and its order; unknown codes are 404, malformed ones 400. */
async function resolve(db: Db, input: string): Promise<Resolved> {
  const text = input.trim().toUpperCase();
  const sscc = ssccInput(text);
  if (sscc) {
    const pkg = await packageBySscc(db, sscc, 'code');
    if (!pkg?.orderCode) throw notFound(`SSCC ${sscc}`);
    return { kind: 'sscc', code: pkg.code, orderCode: pkg.orderCode };
  }
  const parsed = parseCode(text);
  if (!parsed.valid) throw invalid(parsed.error, 'code');
  if (parsed.kind === 'badge' || parsed.kind === 'product' || !parsed.order) {
    throw invalid(
      `This is a ${parsed.kind} code; trace an order, resource, unit or package code, or an SSCC.`,
      'code',
    );
  }
  const table = { order: null, resource: 'resources', unit: 'units', package: 'packages' } as const;
  const from = table[parsed.kind];
  const known = from
    ? await db.selectFrom(from).select('code').where('code', '=', parsed.code).executeTakeFirst()
    : await db
        .selectFrom('orders')
        .select('code')
        .where('code', '=', parsed.code)
        .executeTakeFirst();
  if (!known)
    throw notFound(`${parsed.kind[0]?.toUpperCase()}${parsed.kind.slice(1)} ${parsed.code}`);
  return { kind: parsed.kind, code: parsed.code, orderCode: parsed.order };
}

/** An audit actor (`user:<email>`, `station:<name>`, `system:<name>`) as people know it. */
function actorOf(
  actor: string,
  names: ReadonlyMap<string, string>,
): Trace['history'][number]['by'] {
  const colon = actor.indexOf(':');
  const kind = actor.slice(0, colon);
  const rest = actor.slice(colon + 1);
  if (kind === 'user') return { kind, name: names.get(rest) ?? rest };
  if (kind === 'station') return { kind, name: rest };
  return { kind: 'system', name: rest };
}

/** Does this event name the code: scanned it, packed it, dispatched it? */
function mentions(row: EventRow, resolved: Resolved): boolean {
  const body = row.event.body;
  const code = resolved.code;
  switch (body.type) {
    case 'scan.decided':
      return (
        body.code === code ||
        body.currentOrder === code ||
        body.scannedOrder === code ||
        (body.effect !== null &&
          body.effect !== undefined &&
          Object.values(body.effect).includes(code))
      );
    case 'package.closed':
      return body.package === code || body.order === code || body.units.includes(code);
    case 'package.dispatched':
    case 'progress.reported':
    case 'order.loaded':
      return ('package' in body && body.package === code) || body.order === code;
    case 'label.printed':
      return body.code === code;
    case 'line.cleared':
      return false;
  }
}

/**
 * Everything about the order a code belongs to, from any of its codes: the resources that
 * went into it (a resource's siblings), units, packages with their units and receipt,
 * every station event with station, operator and times, exceptions and the order's own
 * history. Staff only: it names operators and other customers' stations.
 */
export async function traceCode(context: ServerContext, input: string): Promise<Trace> {
  const { db } = context.storage;
  const resolved = await resolve(db, input);
  const order = await db
    .selectFrom('orders')
    .innerJoin('users', 'users.id', 'orders.customer_id')
    .leftJoin('lines', 'lines.id', 'orders.line_id')
    .select([
      'orders.id',
      'orders.code',
      'orders.state',
      'orders.customer_id',
      'users.name as customer_name',
      'orders.customer_reference',
      'lines.name as line',
      'orders.created_at',
    ])
    .where('orders.code', '=', resolved.orderCode)
    .executeTakeFirst();
  if (!order) throw notFound(`Order ${resolved.orderCode}`);
  const [resources, units, packages, rows, exceptions, history] = await Promise.all([
    db
      .selectFrom('resources')
      .selectAll()
      .where('order_id', '=', order.id)
      .orderBy('serial')
      .execute(),
    db.selectFrom('units').selectAll().where('order_id', '=', order.id).orderBy('serial').execute(),
    db
      .selectFrom('packages')
      .selectAll()
      .where('order_id', '=', order.id)
      .orderBy('serial')
      .execute(),
    loadEvents(db, { orderCode: resolved.orderCode }),
    db
      .selectFrom('exceptions')
      .selectAll()
      .where('order_code', '=', resolved.orderCode)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('audit_log')
      .select(['at', 'actor', 'action', 'detail'])
      .where('entity', '=', 'order')
      .where('entity_id', '=', order.id)
      .orderBy('id')
      .execute(),
  ]);
  const emails = [
    ...new Set(history.flatMap((h) => (h.actor.startsWith('user:') ? [h.actor.slice(5)] : []))),
  ];
  const names = new Map(
    emails.length === 0
      ? []
      : (
          await db
            .selectFrom('users')
            .select(['email', 'name'])
            .where('email', 'in', emails)
            .execute()
        ).map((u) => [u.email, u.name]),
  );
  const events: TraceEvent[] = rows.map((row) => ({
    id: row.id,
    type: row.type,
    station: { id: row.stationId, name: row.stationName, role: row.stationRole, line: row.line },
    operator: row.operator ? { code: row.operator, name: row.operatorName } : null,
    stationTime: row.stationTime,
    serverTime: row.serverTime,
    verdict: row.verdict,
    body: row.event.body,
    mentionsCode: mentions(row, resolved),
    outcome: row.outcome,
    rejection: row.rejection,
  }));
  return {
    query: { code: input, kind: resolved.kind, resolved: resolved.code },
    order: {
      id: order.id,
      code: resolved.orderCode,
      state: order.state as OrderState,
      customer: { id: order.customer_id, name: order.customer_name },
      customerReference: order.customer_reference,
      line: order.line,
      createdAt: order.created_at,
    },
    resources: resources.map((r) => ({
      code: r.code,
      serial: r.serial,
      resourceType: r.resource_type,
      materialName: r.material_name,
      materialNameZh: r.material_name_zh,
      step: r.step,
      stepZh: r.step_zh,
      consumedAt: r.consumed_at,
      consumedBy: r.consumed_by,
      consumedEvent: r.consumed_event_id,
    })),
    units: units.map((u) => ({ code: u.code, serial: u.serial, package: u.package_code })),
    packages: packages.map((p) => ({
      code: p.code,
      sscc: p.sscc,
      number: p.serial,
      of: p.package_count > 0 ? p.package_count : null,
      units: units.filter((u) => u.package_code === p.code).map((u) => u.code),
      closedAt: p.closed_at,
      dispatchedAt: p.dispatched_at,
      dispatchedBy: p.dispatched_by,
      receipt: p.receipt === 'confirmed' || p.receipt === 'rejected' ? p.receipt : null,
      receiptReason: p.receipt_reason,
      receiptAt: p.receipt_at,
    })),
    events,
    exceptions: exceptions.map((e) => ({
      id: e.id,
      kind: e.kind,
      description: e.description,
      ...messageOf(e),
      status: e.status,
      event: e.event_id,
      resolutionNote: e.resolution_note,
      resolvedBy: e.resolved_by,
      createdAt: e.created_at,
    })),
    history: history.map((h) => ({
      at: h.at,
      actor: h.actor,
      by: actorOf(h.actor, names),
      action: h.action,
      detail: JSON.parse(h.detail) as unknown,
    })),
  };
}
