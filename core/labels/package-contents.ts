/** A line of an order as the package label lists it. */
export interface ContentsLine {
  quantity: number;
  nameEn: string;
  nameZh: string;
}

/**
 * The package label's contents: one line per order line, quantity and product, Chinese
 * name first where there is one (the carrier's and the customer's language), then English.
 */
export function packageContents(lines: readonly ContentsLine[]): string {
  return lines
    .map((line) => `${line.quantity} × ${line.nameZh || line.nameEn} ${line.nameEn}`.trim())
    .join('\n');
}
