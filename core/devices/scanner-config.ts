import { z } from 'zod';
import { devicePathSchema, serialFramingShape } from './serial-framing.ts';
import { usbIdSchema } from './usb-id.ts';

/*
 * Scanner settings, shared by the station (which opens the scanner) and the settings UI
 * (which validates what the technician types). Pure schemas; defaults are what most
 * scanners ship with.
 */
export const SUFFIXES = ['cr', 'lf', 'crlf', 'tab', 'none'] as const;
export type Suffix = (typeof SUFFIXES)[number];

const readingShape = {
  /** What the scanner sends after each code; `none` ends a scan after interByteTimeoutMs of silence. */
  suffix: z.enum(SUFFIXES).default('cr'),
  interByteTimeoutMs: z.number().int().min(5).max(2000).default(60),
  /** Bytes without their suffix for this long are reported as a scan that never ended. */
  suffixTimeoutMs: z.number().int().min(50).max(60_000).default(1000),
  /** The same code again within this window is the same scan (0 turns suppression off). */
  doubleReadWindowMs: z.number().int().min(0).max(60_000).default(750),
  /** Longer reads are noise: no code of ours or GS1 label comes close. */
  maxScanBytes: z.number().int().min(16).max(65_536).default(4096),
  reconnectIntervalMs: z.number().int().min(10).max(60_000).default(1000),
};

const usbShape = { vendorId: usbIdSchema, productId: usbIdSchema };

export const serialScannerConfigSchema = z
  .strictObject({
    kind: z.literal('serial'),
    path: devicePathSchema.optional(),
    /** When set, the port is found by these ids, since the path may change on replug. */
    usb: z.strictObject(usbShape).optional(),
    ...serialFramingShape,
    ...readingShape,
  })
  .refine((config) => config.path !== undefined || config.usb !== undefined, {
    error: 'a serial scanner needs a path (like /dev/ttyUSB0) or usb ids to find it by',
    path: ['path'],
  });

export const HID_SCANNER_MODES = ['auto', 'pos', 'keyboard'] as const;

export const hidScannerConfigSchema = z.strictObject({
  kind: z.literal('hid'),
  ...usbShape,
  /** A hidraw path, to pick one of two identical scanners. */
  path: devicePathSchema.optional(),
  /** `pos`: HID POS (usage page 0x8C); `keyboard`: boot keyboard reports; `auto`: POS if offered. */
  mode: z.enum(HID_SCANNER_MODES).default('auto'),
  ...readingShape,
});

/** A scanner the OS owns as a keyboard: read by the UI's burst detector, not by native/. */
export const wedgeScannerConfigSchema = z.strictObject({
  kind: z.literal('keyboard-wedge'),
  suffix: z.enum(['enter', 'tab', 'none']).default('enter'),
  maxInterKeyMs: z.number().int().min(5).max(500).default(40),
  minLength: z.number().int().min(1).max(64).default(4),
  doubleReadWindowMs: readingShape.doubleReadWindowMs,
});

export const scannerConfigSchema = z.discriminatedUnion('kind', [
  serialScannerConfigSchema,
  hidScannerConfigSchema,
  wedgeScannerConfigSchema,
]);

export type ScannerConfig = z.output<typeof scannerConfigSchema>;
/** One kind's settings, by its `kind`: `ScannerConfigOf<'hid'>`. */
export type ScannerConfigOf<K extends ScannerConfig['kind']> = Extract<ScannerConfig, { kind: K }>;
export type ScannerConfigInput = z.input<typeof scannerConfigSchema>;
export type ScanReadingOptions = Pick<ScannerConfigOf<'serial'>, keyof typeof readingShape>;
