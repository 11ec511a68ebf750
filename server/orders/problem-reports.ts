import { customerProblemKey } from '#core/api/messages.ts';
import { randomUUID } from 'node:crypto';
import {
  MAX_PROBLEM_PHOTO_BYTES,
  PROBLEM_REPORT_DAYS,
  type PhotoType,
  type ProblemKind,
  type ProblemReport,
  type ProblemReportBody,
  type ProblemReportList,
} from '#core/api/problems.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { audit } from '../auth/audit.ts';
import { raiseException } from '../back-office/exceptions.ts';
import { findOrder } from './order-view.ts';
import type { OrdersTable } from '../storage/schema.ts';

/*
 * A customer's problem with a delivered order (core/api/problems.ts): stored with its
 * photos and raised, in the same transaction, as a `customer_problem` exception for
 * customer service. Only the order's customer reports; customer service, planners,
 * supervisors and admins read the reports and their photos.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

/** The type a photo's first bytes say it is; a claim in the request is not asked for. */
function photoType(bytes: Buffer): PhotoType | undefined {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length > png.length && png.every((byte, index) => bytes[index] === byte))
    return 'image/png';
  return undefined;
}

/** When the order's last package was received, if every one was confirmed. */
async function deliveredAt(db: Db, order: OrdersTable): Promise<Date | undefined> {
  if (order.state !== 'delivered') return undefined;
  const last = await db
    .selectFrom('packages')
    .select((eb) => eb.fn.max('receipt_at').as('at'))
    .where('order_id', '=', order.id)
    .executeTakeFirst();
  return last?.at ? new Date(last.at) : new Date(order.updated_at);
}

const reportableUntil = (delivered: Date | undefined) =>
  delivered ? new Date(delivered.getTime() + PROBLEM_REPORT_DAYS * DAY_MS) : undefined;

export async function reportProblem(
  context: ServerContext,
  caller: Caller,
  orderRef: string,
  body: ProblemReportBody,
): Promise<ProblemReport> {
  const photos = body.photos.map((text, index) => {
    const bytes = Buffer.from(text, 'base64');
    const type = photoType(bytes);
    if (!type)
      throw invalid(
        `Photo ${index + 1} is not a JPEG or PNG picture. Take or choose a photo and try again.`,
        `photos.${index}`,
      );
    if (bytes.length > MAX_PROBLEM_PHOTO_BYTES)
      throw invalid(
        `Photo ${index + 1} is ${Math.ceil(bytes.length / 1024)} KiB; ${MAX_PROBLEM_PHOTO_BYTES / 1024} KiB at most.`,
        `photos.${index}`,
      );
    return { id: randomUUID(), type, bytes };
  });
  const now = context.now();
  return context.storage.db.transaction().execute(async (trx) => {
    const order = await findOrder(trx, caller, orderRef);
    if (caller.kind !== 'user' || order.customer_id !== caller.id)
      throw new AppError('OT_ERR_FORBIDDEN', 'Only the customer who ordered reports a problem.');
    const until = reportableUntil(await deliveredAt(trx, order));
    if (!until)
      throw new AppError(
        'OT_ERR_ILLEGAL_TRANSITION',
        `Order ${order.code ?? order.id} is ${order.state}: a problem is reported once every package has been received. ` +
          'A package that arrived damaged can be rejected when you record its receipt.',
      );
    if (now > until)
      throw new AppError(
        'OT_ERR_ILLEGAL_TRANSITION',
        `Problems are reported within ${PROBLEM_REPORT_DAYS} days of delivery; for order ${order.code} that ended on ${until.toISOString().slice(0, 10)}. Contact customer service.`,
      );
    const id = randomUUID();
    const exception = await raiseException(trx, now, {
      kind: 'customer_problem',
      orderCode: order.code,
      stationId: null,
      eventId: null,
      message: {
        key: customerProblemKey(body.kind),
        params: { description: body.description, photos: photos.length },
      },
    });
    await trx
      .insertInto('problem_reports')
      .values({
        id,
        order_id: order.id,
        customer_id: order.customer_id,
        kind: body.kind,
        description: body.description,
        exception_id: exception,
        created_at: now.toISOString(),
      })
      .execute();
    for (const [position, photo] of photos.entries())
      await trx
        .insertInto('problem_photos')
        .values({
          id: photo.id,
          report_id: id,
          position,
          content_type: photo.type,
          bytes: photo.bytes,
        })
        .execute();
    await audit(trx, now, caller, 'problem.reported', 'order', order.code ?? order.id, {
      report: id,
      kind: body.kind,
      photos: photos.length,
    });
    return {
      id,
      order: order.code ?? order.id,
      kind: body.kind,
      description: body.description,
      photos: photos.map((p) => ({ id: p.id, type: p.type, bytes: p.bytes.length })),
      exception,
      createdAt: now.toISOString(),
    };
  });
}

export async function listProblemReports(
  context: ServerContext,
  caller: Caller,
  orderRef: string,
): Promise<ProblemReportList> {
  const { db } = context.storage;
  const order = await findOrder(db, caller, orderRef);
  const reports = await db
    .selectFrom('problem_reports')
    .selectAll()
    .where('order_id', '=', order.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const photos =
    reports.length === 0
      ? []
      : await db
          .selectFrom('problem_photos')
          .select([
            'id',
            'report_id',
            'content_type',
            (eb) => eb.fn('length', ['bytes']).as('size'),
          ])
          .where(
            'report_id',
            'in',
            reports.map((r) => r.id),
          )
          .orderBy('position')
          .execute();
  const until = reportableUntil(await deliveredAt(db, order));
  return {
    reports: reports.map((report) => ({
      id: report.id,
      order: order.code ?? order.id,
      kind: report.kind as ProblemKind,
      description: report.description,
      photos: photos
        .filter((photo) => photo.report_id === report.id)
        .map((photo) => ({
          id: photo.id,
          type: photo.content_type as PhotoType,
          bytes: Number(photo.size),
        })),
      exception: report.exception_id,
      createdAt: report.created_at,
    })),
    reportableUntil: until && context.now() <= until ? until.toISOString() : null,
  };
}

/** A report's photo: for the order's customer and the back office, "not found" to others. */
export async function problemPhoto(
  context: ServerContext,
  caller: Caller,
  photoId: string,
): Promise<{ type: PhotoType; bytes: Buffer }> {
  const { db } = context.storage;
  const row = await db
    .selectFrom('problem_photos')
    .innerJoin('problem_reports', 'problem_reports.id', 'problem_photos.report_id')
    .select(['problem_photos.content_type', 'problem_photos.bytes', 'problem_reports.customer_id'])
    .where('problem_photos.id', '=', photoId)
    .executeTakeFirst();
  const theirs =
    row && caller.kind === 'user' && (caller.role !== 'customer' || row.customer_id === caller.id);
  if (!row || !theirs) throw notFound(`Photo ${photoId}`);
  return { type: row.content_type as PhotoType, bytes: Buffer.from(row.bytes) };
}
