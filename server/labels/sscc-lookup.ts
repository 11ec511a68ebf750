import { hasValidGs1CheckDigit } from '#core/gs1/check-digit.ts';
import type { Db } from '../context.ts';
import { invalid } from '../errors.ts';

/**
 * The package an SSCC names, with its order's code; undefined when no package has it.
 * An SSCC that fails its check digit is a misread and refused as such (400), never looked up.
 */
export async function packageBySscc(
  db: Db,
  sscc: string,
  field: string,
): Promise<{ code: string; orderCode: string | null } | undefined> {
  if (!hasValidGs1CheckDigit(sscc)) throw invalid(`SSCC ${sscc} fails its check digit.`, field);
  const row = await db
    .selectFrom('packages')
    .innerJoin('orders', 'orders.id', 'packages.order_id')
    .select(['packages.code', 'orders.code as order_code'])
    .where('packages.sscc', '=', sscc)
    .executeTakeFirst();
  return row ? { code: row.code, orderCode: row.order_code } : undefined;
}
