import type { ContentsLine } from './package-contents.ts';

/**
 * The product a unit label names: release numbers units line by line in position order, so
 * unit n belongs to the line whose quantities reach n. Chinese name first, then English;
 * undefined past the order's units. The back office's batch and the packing station's
 * single label say the same.
 */
export function unitProduct(lines: readonly ContentsLine[], serial: number): string | undefined {
  let reached = 0;
  for (const line of lines) {
    reached += line.quantity;
    if (serial <= reached) {
      return [line.nameZh, line.nameEn].filter(Boolean).join(' ').slice(0, 400) || undefined;
    }
  }
  return undefined;
}
