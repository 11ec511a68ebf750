import { packageContents } from '#core/labels/package-contents.ts';
import { unitProduct } from '#core/labels/unit-product.ts';
import type { OrderRecord } from '../rules/replica-lookup.ts';
import type { LabelJob } from './label-desk.ts';

/** The package label (docs/labels.md: SSCC, package code, ship-to, contents, n of m, order). */
export function packageLabelJob(
  order: OrderRecord,
  number: number,
  of: number | null,
  code: string,
  sscc: string | null = null,
): LabelJob {
  const contents = packageContents(order.lines);
  const input = {
    kind: 'package' as const,
    data: {
      orderCode: order.code,
      packageNumber: number,
      ...(of === null ? {} : { packageCount: of }),
      ...(sscc ? { sscc } : {}),
      shipTo: order.shipTo,
      contents,
      ...(order.customerReference ? { customerReference: order.customerReference } : {}),
    },
  };
  return {
    input,
    code,
    title: `package ${number}/${of ?? '?'} of ${order.code}`,
    titleSaid: { key: 'label_title_package', params: { number, of: of ?? '?', order: order.code } },
  };
}

/** A unit label (unit code as Code 128 and QR, product, order), as the back office prints it. */
export function unitLabelJob(order: OrderRecord, unit: string, serial: number): LabelJob {
  const product = unitProduct(order.lines, serial);
  const input = {
    kind: 'unit' as const,
    data: { code: unit, ...(product ? { product } : {}) },
  };
  return {
    input,
    code: unit,
    title: `unit ${unit} of ${order.code}`,
    titleSaid: { key: 'label_title_unit', params: { unit, order: order.code } },
  };
}
