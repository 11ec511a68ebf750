import type { LabelPreviewBody } from '#core/api/back-office.ts';
import { defaultTemplate } from '#core/labels/default-templates.ts';
import { LabelDataError } from '#core/labels/label-data.ts';
import { sampleLabel } from '#core/labels/sample-data.ts';
import { unitProduct } from '#core/labels/unit-product.ts';
import { nameIn } from '#core/text/bilingual.ts';
import { LABEL_KINDS, type LabelKind } from '#core/labels/label-fields.ts';
import { labelTemplateSchema, type LabelTemplate } from '#core/labels/template-schema.ts';
import { LabelRenderPool, RenderPoolBusyError } from '#labels/render-pool.ts';
import type { Caller, Db, ServerContext } from '../context.ts';
import { actorName } from '../context.ts';
import { AppError, conflict, invalid } from '../errors.ts';
import { audit } from '../auth/audit.ts';
import { findOrder } from '../orders/order-view.ts';
import { namedOrderLines } from './package-label-data.ts';

/** The plant's own template of a kind, or undefined when the default is in use. */
export async function storedTemplate(db: Db, kind: LabelKind): Promise<LabelTemplate | undefined> {
  const row = await db
    .selectFrom('label_templates')
    .select('template')
    .where('kind', '=', kind)
    .executeTakeFirst();
  // Validated before it was stored; parsed again so a template stored by an older schema
  // that no longer passes fails loudly here instead of printing a broken label.
  return row ? labelTemplateSchema.parse(JSON.parse(row.template)) : undefined;
}

export async function listTemplates(context: ServerContext) {
  const rows = await context.storage.db.selectFrom('label_templates').selectAll().execute();
  return LABEL_KINDS.map((kind) => {
    const row = rows.find((r) => r.kind === kind);
    return {
      kind,
      custom: Boolean(row),
      template: row ? labelTemplateSchema.parse(JSON.parse(row.template)) : defaultTemplate(kind),
      updatedAt: row?.updated_at ?? null,
      updatedBy: row?.updated_by ?? null,
    };
  });
}

/** Store the plant's template for a kind (already validated by the template schema). */
export async function saveTemplate(
  context: ServerContext,
  caller: Caller,
  kind: LabelKind,
  template: LabelTemplate,
) {
  if (template.kind !== kind) {
    throw invalid(`The template is for ${template.kind} labels, not ${kind} labels.`, 'kind');
  }
  const { db } = context.storage;
  const now = context.now();
  const row = {
    kind,
    template: JSON.stringify(template),
    updated_at: now.toISOString(),
    updated_by: actorName(caller),
  };
  await db.transaction().execute(async (trx) => {
    // Delete and insert rather than an upsert: the same statements on SQLite and PostgreSQL.
    await trx.deleteFrom('label_templates').where('kind', '=', kind).execute();
    await trx.insertInto('label_templates').values(row).execute();
    await audit(trx, now, caller, 'label_template.saved', 'label_template', kind, {
      id: template.id,
    });
  });
  return {
    kind,
    custom: true,
    template,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** Go back to the default template of a kind. */
export async function resetTemplate(context: ServerContext, caller: Caller, kind: LabelKind) {
  const { db } = context.storage;
  const now = context.now();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('label_templates').where('kind', '=', kind).execute();
    await audit(trx, now, caller, 'label_template.reset', 'label_template', kind);
  });
  return {
    kind,
    custom: false,
    template: defaultTemplate(kind),
    updatedAt: null,
    updatedBy: null,
  };
}

/** Renders run on worker threads: a large one never holds the server's event loop. */
const renders = new LabelRenderPool();
const RENDERS_BUSY_RETRY_AFTER_S = 5;

const problems = (error: unknown, path: string) => {
  if (error instanceof LabelDataError) return invalid(error.problems.join('; '), path);
  if (error instanceof RenderPoolBusyError)
    return new AppError(
      'OT_ERR_RATE_LIMITED',
      `The server is rendering many labels already (${error.message}); retry in ${RENDERS_BUSY_RETRY_AFTER_S} s.`,
    ).withRetryAfter(RENDERS_BUSY_RETRY_AFTER_S);
  return error;
};

/** The printable labels of one kind of a released order, on the plant's template. */
async function orderBatchPdf(
  db: Db,
  kind: 'resource' | 'unit',
  order: { code: string | null; state: string },
  ref: string,
  items: readonly LabelItem[],
  language: LabelLanguage,
): Promise<{ orderCode: string; pdf: Buffer }> {
  if (!order.code || items.length === 0) {
    throw conflict(
      `Order ${order.code ?? ref} is ${order.state}: it has no ${kind} labels until it is released.`,
    );
  }
  const template = await storedTemplate(db, kind);
  try {
    const pdf = await renders.render({
      kind: 'batch',
      batchKind: kind,
      orderCode: order.code,
      items,
      options: template ? { template, language } : { language },
    });
    return { orderCode: order.code, pdf };
  } catch (error) {
    throw problems(error, 'template');
  }
}

type LabelItem = { code: string; material?: string; step?: string; product?: string };
/** The captions' language (docs/labels.md, "Language"): the back office asks in its user's. */
export type LabelLanguage = 'en' | 'zh-CN';

/** One kind of labels of the order `ref` names, on one PDF: `itemsOf` says which. */
async function orderLabelsPdf(
  context: ServerContext,
  caller: Caller,
  ref: string,
  kind: 'resource' | 'unit',
  language: LabelLanguage,
  itemsOf: (db: Db, orderId: string) => Promise<readonly LabelItem[]>,
): Promise<{ orderCode: string; pdf: Buffer }> {
  const { db } = context.storage;
  const order = await findOrder(db, caller, ref);
  return orderBatchPdf(db, kind, order, ref, await itemsOf(db, order.id), language);
}

/** All resource labels of a released order in one PDF, one per page, material and step in `language`. */
export const resourceLabelsPdf = (
  context: ServerContext,
  caller: Caller,
  ref: string,
  language: LabelLanguage = 'en',
) =>
  orderLabelsPdf(context, caller, ref, 'resource', language, async (db, orderId) => {
    const resources = await db
      .selectFrom('resources')
      .select(['code', 'material_name', 'material_name_zh', 'step', 'step_zh'])
      .where('order_id', '=', orderId)
      .orderBy('serial')
      .execute();
    return resources.map((r) => ({
      code: r.code,
      material: nameIn(language, r.material_name, r.material_name_zh),
      step: nameIn(language, r.step, r.step_zh),
    }));
  });

/** All unit labels of a released order in one PDF, one per page, each with its product (unitProduct). */
export const unitLabelsPdf = (
  context: ServerContext,
  caller: Caller,
  ref: string,
  language: LabelLanguage = 'en',
) =>
  orderLabelsPdf(context, caller, ref, 'unit', language, async (db, orderId) => {
    const named = (await namedOrderLines(db, orderId)).map((line) => ({
      quantity: line.quantity,
      nameEn: line.name_en ?? '',
      nameZh: line.name_zh ?? '',
    }));
    const units = await db
      .selectFrom('units')
      .select(['code', 'serial'])
      .where('order_id', '=', orderId)
      .orderBy('serial')
      .execute();
    return units.map((unit) => {
      const product = unitProduct(named, unit.serial);
      return product ? { code: unit.code, product } : { code: unit.code };
    });
  });

/** A PNG of the template filled with the given data, or with sample data of its kind. */
export async function previewLabel(body: LabelPreviewBody): Promise<Buffer> {
  const kind = body.template.kind;
  try {
    return await renders.render({
      kind: 'label',
      input: { kind, data: body.data ?? sampleLabel(kind).data },
      format: 'png',
      options: { template: body.template, ...(body.dpi ? { pngDpi: body.dpi } : {}) },
    });
  } catch (error) {
    throw problems(error, 'data');
  }
}
