import type { OrderRecord } from '../rules/replica-lookup.ts';
import type { LabelDocument } from '#native/printers/printer.ts';
import { packageContents } from '#core/labels/package-contents.ts';

/** The package label (docs/design.md: order code, SSCC, ship-to, contents, n of m) in the printer's format. */
export async function packageLabel(
  order: OrderRecord,
  number: number,
  of: number | null,
  accepts: LabelDocument['format'] | 'any',
  sscc: string | null = null,
): Promise<LabelDocument> {
  // Loaded on first print: packing is the only role that renders labels.
  const { renderLabel } = await import('#labels/render-label.ts');
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
  const title = `package ${number}/${of ?? '?'} of ${order.code}`;
  if (accepts === 'zpl') {
    return { format: 'zpl', data: (await renderLabel(input, 'zpl')).toString('utf8'), title };
  }
  return { format: 'pdf', data: new Uint8Array(await renderLabel(input, 'pdf')), title };
}
