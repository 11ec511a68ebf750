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

/**
 * A Modbus TCP coil on a PLC: the usual way to ask it to stop a conveyor. `stopValue` is
 * what the coil holds while the line is stopped (true for a "stop request" coil, false
 * for a "run permit" coil).
 */
export const modbusCoilConfigSchema = z.strictObject({
  kind: z.literal('modbus-coil'),
  host: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(502),
  unitId: z.number().int().min(0).max(255).default(1),
  coil: z.number().int().min(0).max(65535),
  stopValue: z.boolean().default(true),
  /** How long one request may take before the PLC counts as not answering. */
  timeoutMs: z.number().int().min(100).max(30_000).default(1000),
  /** While the PLC does not answer, try again this often until the coil holds the line's state. */
  retryMs: z.number().int().min(100).max(60_000).default(2000),
});

export const dryRunLineStopConfigSchema = z.strictObject({ kind: z.literal('dry-run') });

export const lineStopConfigSchema = z.discriminatedUnion('kind', [
  serialRelayConfigSchema,
  hidRelayConfigSchema,
  modbusCoilConfigSchema,
  dryRunLineStopConfigSchema,
]);

export type LineStopConfig = z.output<typeof lineStopConfigSchema>;
/** One kind's settings, by its `kind`: `LineStopConfigOf<'modbus-coil'>`. */
export type LineStopConfigOf<K extends LineStopConfig['kind']> = Extract<
  LineStopConfig,
  { kind: K }
>;
