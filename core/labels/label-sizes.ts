/*
 * Label media the default templates are made for. Sizes are the media itself, edge to edge:
 * thermal printers print a PDF whose page size differs from the loaded media blank,
 * cropped or scaled, so every page is exactly one of these.
 */
const MM_PER_INCH = 25.4;

export interface LabelSize {
  widthMm: number;
  heightMm: number;
}

export const LABEL_SIZES = {
  '100x150mm': { widthMm: 100, heightMm: 150 },
  '4x6in': { widthMm: 4 * MM_PER_INCH, heightMm: 6 * MM_PER_INCH },
  '100x50mm': { widthMm: 100, heightMm: 50 },
  '50x30mm': { widthMm: 50, heightMm: 30 },
} as const satisfies Record<string, LabelSize>;

export type LabelSizeId = keyof typeof LABEL_SIZES;
export const LABEL_SIZE_IDS = Object.keys(LABEL_SIZES) as LabelSizeId[];

export const POINTS_PER_MM = 72 / MM_PER_INCH;
export const mmToPoints = (mm: number): number => mm * POINTS_PER_MM;
export const pointsToMm = (points: number): number => points / POINTS_PER_MM;
export const mmToDots = (mm: number, dpi: number): number => Math.round((mm * dpi) / MM_PER_INCH);
export const dotsToMm = (dots: number, dpi: number): number => (dots * MM_PER_INCH) / dpi;
