import { z } from 'zod';

/*
 * RS-232 framing as scanners and relay boards document it ("9600 8N1"). The baud rates are
 * the ones scanners offer; anything else is almost always a typo.
 */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] as const;

export const serialFramingShape = {
  baudRate: z
    .number()
    .int()
    .refine((rate) => (BAUD_RATES as readonly number[]).includes(rate), {
      error: `baudRate must be one of ${BAUD_RATES.join(', ')}`,
    })
    .default(9600),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
};

export const devicePathSchema = z
  .string()
  .min(1, 'a device path like /dev/ttyUSB0 or COM3')
  .max(256);
