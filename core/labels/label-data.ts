import { z } from 'zod';
import {
  formatSerial,
  mintOrderScopedCode,
  parseCode,
  withArticle,
  type CodeKind,
} from '../codes/formats.ts';
import { hasValidGs1CheckDigit, SSCC_LENGTH } from '../gs1/check-digit.ts';
import { encodeElementString } from '../gs1/element-string.ts';
import type { LabelFieldValues, LabelKind } from './label-fields.ts';

/*
 * What each label kind prints, validated before anything is drawn: a code that does not
 * parse or an SSCC that fails its check digit is refused with a sentence, because a label
 * with a wrong barcode is worse than none. Free text is only bounded here; the renderer
 * fits it into its box and shows an ellipsis where it had to cut.
 */
const ownCode = (kind: CodeKind, what: string) =>
  z.string({ error: `${what} is required` }).superRefine((value, ctx) => {
    if (value.length === 0) {
      ctx.addIssue({ code: 'custom', message: `${what} is empty` });
      return;
    }
    const parsed = parseCode(value);
    if (!parsed.valid) {
      ctx.addIssue({ code: 'custom', message: `${what} is not valid: ${parsed.error}` });
    } else if (parsed.kind !== kind) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} is ${withArticle(parsed.kind)} code, not ${withArticle(kind)} code`,
      });
    }
  });

export const ssccSchema = z.string().superRefine((value, ctx) => {
  if (!new RegExp(`^[0-9]{${SSCC_LENGTH}}$`).test(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `An SSCC has exactly ${SSCC_LENGTH} digits; got '${value.slice(0, 40)}'`,
    });
  } else if (!hasValidGs1CheckDigit(value)) {
    ctx.addIssue({ code: 'custom', message: `SSCC ${value} fails its GS1 check digit` });
  }
});

/** Bounds far beyond any real value; past them the input is a fault, not an address. */
const text = (what: string, max: number) =>
  z.string().max(max, `${what} is longer than ${max} characters`).optional();

export const packageLabelDataSchema = z
  .strictObject({
    orderCode: ownCode('order', 'The order code'),
    packageNumber: z.int().min(1).max(9999),
    /** Absent on a package closed while units of the order are still to pack: "2 of ?". */
    packageCount: z.int().min(1).max(9999).optional(),
    sscc: ssccSchema.optional(),
    shipTo: text('The ship-to address', 4000),
    contents: text('The contents', 4000),
    customerReference: text('The customer reference', 200),
  })
  .refine((data) => data.packageCount === undefined || data.packageNumber <= data.packageCount, {
    message: 'The package number is larger than the package count',
    path: ['packageNumber'],
  });

export const resourceLabelDataSchema = z.strictObject({
  code: ownCode('resource', 'The resource code'),
  material: text('The material name', 400),
  step: text('The step', 200),
});

export const unitLabelDataSchema = z.strictObject({
  code: ownCode('unit', 'The unit code'),
  product: text('The product name', 400),
});

export const LABEL_DATA_SCHEMAS = {
  package: packageLabelDataSchema,
  resource: resourceLabelDataSchema,
  unit: unitLabelDataSchema,
} as const;

export type PackageLabelData = z.infer<typeof packageLabelDataSchema>;
export type ResourceLabelData = z.infer<typeof resourceLabelDataSchema>;
export type UnitLabelData = z.infer<typeof unitLabelDataSchema>;

export type LabelRequest =
  | { kind: 'package'; data: PackageLabelData }
  | { kind: 'resource'; data: ResourceLabelData }
  | { kind: 'unit'; data: UnitLabelData };

export type LabelDataInput = { kind: LabelKind; data: unknown };

/** Validate label data; the error lists every problem as sentences. */
export function parseLabelRequest(input: LabelDataInput): LabelRequest {
  const result = LABEL_DATA_SCHEMAS[input.kind].safeParse(input.data);
  if (!result.success) {
    throw new LabelDataError(result.error.issues.map((issue) => issue.message));
  }
  return { kind: input.kind, data: result.data } as LabelRequest;
}

export class LabelDataError extends Error {
  override name = 'LabelDataError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

function scopedFields(code: string): LabelFieldValues {
  const parsed = parseCode(code);
  if (!parsed.valid) return { code };
  return {
    code,
    orderCode: parsed.order,
    ...(parsed.serial ? { serial: formatSerial(parsed.serial) } : {}),
  };
}

/** The values a template can place, from validated label data. */
export function labelFieldValues(request: LabelRequest): LabelFieldValues {
  switch (request.kind) {
    case 'package': {
      const { data } = request;
      return {
        orderCode: data.orderCode,
        // The package code is the order code plus the package number: what the customer
        // scans on receipt (docs/design.md "Station rules", receipt).
        packageCode: mintOrderScopedCode('package', data.orderCode, data.packageNumber),
        packageNumber: String(data.packageNumber),
        packageCount: data.packageCount === undefined ? '?' : String(data.packageCount),
        sscc: data.sscc,
        ssccElementString: data.sscc
          ? encodeElementString([{ ai: '00', value: data.sscc }])
          : undefined,
        shipTo: data.shipTo,
        contents: data.contents,
        customerReference: data.customerReference,
      };
    }
    case 'resource':
      return { ...scopedFields(request.data.code), ...request.data };
    case 'unit':
      return { ...scopedFields(request.data.code), ...request.data };
  }
}
