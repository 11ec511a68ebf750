import { z } from 'zod';
import { hexCommandSchema } from './hex-bytes.ts';
import { devicePathSchema, serialFramingShape } from './serial-framing.ts';
import { usbIdSchema } from './usb-id.ts';

/*
 * The line-stop output: a stack light or relay that goes red (and sounds) on a line stop
 * and green when a supervisor clears it.
 */
export const serialRelayConfigSchema = z.strictObject({
  kind: z.literal('serial-relay'),
  path: devicePathSchema,
  ...serialFramingShape,
  /** The bytes the board's manual gives for each state, as hex. */
  commands: z.strictObject({
    stop: hexCommandSchema,
    clear: hexCommandSchema,
    off: hexCommandSchema.optional(),
  }),
});

const relayNumber = z.number().int().min(1).max(8);

/** The common 0x16c0:0x05df "USBRelay" boards (1, 2, 4 or 8 relays). */
export const hidRelayConfigSchema = z.strictObject({
  kind: z.literal('hid-relay'),
  vendorId: usbIdSchema.default(0x16c0),
  productId: usbIdSchema.default(0x05df),
  path: devicePathSchema.optional(),
  relays: z.strictObject({
    red: relayNumber,
    green: relayNumber.optional(),
    buzzer: relayNumber.optional(),
  }),
});

export const dryRunLineStopConfigSchema = z.strictObject({ kind: z.literal('dry-run') });

export const lineStopConfigSchema = z.discriminatedUnion('kind', [
  serialRelayConfigSchema,
  hidRelayConfigSchema,
  dryRunLineStopConfigSchema,
]);

export type SerialRelayConfig = z.output<typeof serialRelayConfigSchema>;
export type HidRelayConfig = z.output<typeof hidRelayConfigSchema>;
export type LineStopConfig = z.output<typeof lineStopConfigSchema>;
