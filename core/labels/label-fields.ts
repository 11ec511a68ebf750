/*
 * The named values a label template can place. A template refers to them as `{name}` in
 * text and by name in a barcode, so a plant can rearrange a label without code.
 */
export const LABEL_KINDS = ['package', 'resource', 'unit'] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

export const LABEL_FIELDS = {
  package: [
    'orderCode',
    'packageCode',
    'packageNumber',
    'packageCount',
    'sscc',
    'ssccElementString',
    'shipTo',
    'contents',
    'customerReference',
  ],
  resource: ['code', 'orderCode', 'serial', 'material', 'step'],
  unit: ['code', 'orderCode', 'serial', 'product'],
} as const satisfies Record<LabelKind, readonly string[]>;

export type LabelFieldName<K extends LabelKind = LabelKind> = (typeof LABEL_FIELDS)[K][number];

/** Field values of one label; a missing value leaves out the elements that need it. */
export type LabelFieldValues = Partial<Record<LabelFieldName, string>>;

export const isLabelField = (kind: LabelKind, name: string): boolean =>
  (LABEL_FIELDS[kind] as readonly string[]).includes(name);

/** The `{name}` placeholders of a template text, in order. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1] ?? '');
}

/**
 * Fill a template text. Returns undefined when a placeholder has no value, so
 * "Customer ref. {customerReference}" disappears rather than printing a dangling caption.
 */
export function fillText(text: string, values: LabelFieldValues): string | undefined {
  let missing = false;
  const filled = text.replace(/\{([A-Za-z]+)\}/g, (_whole, name: string) => {
    const value = values[name as LabelFieldName];
    if (value === undefined || value === '') missing = true;
    return value ?? '';
  });
  return missing ? undefined : filled;
}
