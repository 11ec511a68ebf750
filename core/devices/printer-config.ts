import { z } from 'zod';

/*
 * Label printers. `cups` prints PDF through the OS spooler (CUPS `lp`); `zpl-tcp` sends ZPL
 * straight to a Zebra-compatible printer's raw port; `dry-run` records and prints nothing.
 */

// CUPS destination names: no spaces, slashes or '#' (CUPS Implementation Notes, lpadmin -p).
const cupsName = z.string().regex(/^[^\s/#]{1,127}$/, 'a CUPS printer name, without spaces');

export const cupsPrinterConfigSchema = z.strictObject({
  kind: z.literal('cups'),
  printer: cupsName,
  /** A CUPS media name: "w288h432" (4×6 in, in points), "Custom.100x150mm", "A6". */
  media: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a media name like w288h432 or Custom.100x150mm')
    .optional(),
  copies: z.number().int().min(1).max(99).default(1),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
});

export const zplPrinterConfigSchema = z.strictObject({
  kind: z.literal('zpl-tcp'),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65_535).default(9100),
  connectTimeoutMs: z.number().int().min(50).max(60_000).default(3000),
  replyTimeoutMs: z.number().int().min(50).max(60_000).default(3000),
  /** Ask ~HS before printing: refuse when out of paper or paused. Off for printers without it. */
  statusQuery: z.boolean().default(true),
});

export const dryRunPrinterConfigSchema = z.strictObject({ kind: z.literal('dry-run') });

export const printerConfigSchema = z.discriminatedUnion('kind', [
  cupsPrinterConfigSchema,
  zplPrinterConfigSchema,
  dryRunPrinterConfigSchema,
]);

export type PrinterConfig = z.output<typeof printerConfigSchema>;
/** One kind's settings, by its `kind`: `PrinterConfigOf<'zpl-tcp'>`. */
export type PrinterConfigOf<K extends PrinterConfig['kind']> = Extract<PrinterConfig, { kind: K }>;
