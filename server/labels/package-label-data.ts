import type { PackageLabelData } from '#core/labels/label-data.ts';
import { packageContents } from '#core/labels/package-contents.ts';
import { parseCode } from '#core/codes/formats.ts';
import type { Db, ServerContext } from '../context.ts';
import { conflict, invalid, notFound } from '../errors.ts';

/** An order's lines in position order with their products' names: what labels list. */
export const namedOrderLines = (db: Db, orderId: string) =>
  db
    .selectFrom('order_lines')
    .leftJoin('products', 'products.id', 'order_lines.product_id')
    .select(['order_lines.quantity', 'products.name_en', 'products.name_zh'])
    .where('order_lines.order_id', '=', orderId)
    .orderBy('order_lines.position')
    .execute();

/**
 * The data of a closed package's label as the server holds it: its number, the order's
 * package count, its SSCC, the order's ship-to, contents and customer reference. What
 * `ordertrace label package --data-dir` prints, so a reprint carries the real SSCC.
 */
export async function packageLabelData(
  context: ServerContext,
  orderCode: string,
  packageNumber: number,
): Promise<PackageLabelData> {
  const parsed = parseCode(orderCode.trim().toUpperCase());
  if (!parsed.valid || parsed.kind !== 'order') {
    throw invalid(`'${orderCode}' is not an order code`, 'order');
  }
  const { db } = context.storage;
  const order = await db
    .selectFrom('orders')
    .select(['id', 'code', 'state', 'ship_to', 'customer_reference'])
    .where('code', '=', parsed.code)
    .executeTakeFirst();
  if (!order?.code) throw notFound(`Order ${parsed.code}`);
  const pkg = await db
    .selectFrom('packages')
    .select(['serial', 'package_count', 'sscc'])
    .where('order_id', '=', order.id)
    .where('serial', '=', packageNumber)
    .executeTakeFirst();
  if (!pkg) {
    throw conflict(
      `Order ${order.code} (${order.state}) has no package ${packageNumber} closed yet: a package label is printed when its package is closed.`,
    );
  }
  const lines = await namedOrderLines(db, order.id);
  const contents = packageContents(
    lines.map((line) => ({
      quantity: line.quantity,
      nameEn: line.name_en ?? '',
      nameZh: line.name_zh ?? '',
    })),
  );
  return {
    orderCode: order.code,
    packageNumber: pkg.serial,
    packageCount: Math.max(pkg.package_count, pkg.serial),
    ...(pkg.sscc ? { sscc: pkg.sscc } : {}),
    shipTo: order.ship_to,
    ...(contents ? { contents } : {}),
    ...(order.customer_reference ? { customerReference: order.customer_reference } : {}),
  };
}
