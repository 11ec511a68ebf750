import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BAUD_RATES } from '#core/devices/serial-framing.ts';
import {
  HID_SCANNER_MODES,
  SUFFIXES,
  type ScannerConfigInput,
} from '#core/devices/scanner-config.ts';
import { parseVidPid } from '#core/devices/usb-id.ts';
import { DeviceOptionError } from '#native/device-error.ts';
import { openScanner } from '#native/open-scanner.ts';
import { escapeControls } from '#native/scanner/read-frame.ts';
import type { Scan, Scanner } from '#native/scanner/scanner.ts';
import { printJson } from '../output.ts';
import { EXIT, UsageError } from '../usage-error.ts';

export const scannerUsage = `ordertrace scanner listen --serial PATH [--baud N] [--framing 8N1] [--suffix cr|lf|crlf|tab|none]
ordertrace scanner listen --hid VID:PID [--mode auto|pos|keyboard] [--suffix …]
  Read a scanner and print one JSON line per scan: the raw text (control characters
  escaped, GS as \\x1d), the symbology when known, and what \`ordertrace parse\` makes of it.
  Status and rejected reads go to standard error. Stops on Ctrl+C, or after --count N scans.`;

const wholeNumber = (flag: string) =>
  z
    .string()
    .regex(/^[0-9]+$/, `${flag} must be a whole number`)
    .transform(Number);

const FRAMING = /^([5-8])([NEOMS])(1|1\.5|2)$/i;
const PARITY = { N: 'none', E: 'even', O: 'odd', M: 'mark', S: 'space' } as const;

const flagsSchema = z
  .strictObject({
    serial: z.string().min(1).optional(),
    hid: z
      .string()
      .refine((text) => parseVidPid(text) !== undefined, '--hid is VID:PID in hex, like 0c2e:0b61')
      .optional(),
    baud: wholeNumber('--baud')
      .pipe(
        z
          .number()
          .refine(
            (rate) => (BAUD_RATES as readonly number[]).includes(rate),
            `--baud must be one of ${BAUD_RATES.join(', ')}`,
          ),
      )
      .optional(),
    framing: z
      .string()
      .regex(FRAMING, '--framing is data bits, parity, stop bits, like 8N1 or 7E1')
      .optional(),
    suffix: z
      .enum(SUFFIXES, { error: `--suffix must be one of ${SUFFIXES.join(', ')}` })
      .optional(),
    mode: z
      .enum(HID_SCANNER_MODES, { error: `--mode must be one of ${HID_SCANNER_MODES.join(', ')}` })
      .optional(),
    count: wholeNumber('--count').pipe(z.number().min(1, '--count starts at 1')).optional(),
  })
  .refine(
    (flags) => (flags.serial === undefined) !== (flags.hid === undefined),
    'give exactly one of --serial PATH or --hid VID:PID',
  )
  .refine(
    (flags) => flags.hid === undefined || (flags.baud === undefined && flags.framing === undefined),
    '--baud and --framing are for --serial',
  )
  .refine((flags) => flags.serial === undefined || flags.mode === undefined, '--mode is for --hid');

type Flags = z.output<typeof flagsSchema>;

function configOf(flags: Flags): ScannerConfigInput {
  const reading = { ...(flags.suffix ? { suffix: flags.suffix } : {}) };
  const vidPid = flags.hid ? parseVidPid(flags.hid) : undefined;
  if (vidPid)
    return { kind: 'hid', ...vidPid, ...(flags.mode ? { mode: flags.mode } : {}), ...reading };
  const [, dataBits, parity, stopBits] = FRAMING.exec(flags.framing ?? '8N1') ?? [];
  return {
    kind: 'serial',
    path: flags.serial,
    ...(flags.baud ? { baudRate: flags.baud } : {}),
    dataBits: Number(dataBits) as 5 | 6 | 7 | 8,
    parity: PARITY[(parity ?? 'N').toUpperCase() as keyof typeof PARITY],
    stopBits: Number(stopBits) as 1 | 1.5 | 2,
    ...reading,
  };
}

const scanLine = (scan: Scan) => ({
  raw: escapeControls(scan.raw),
  ...(scan.symbology ? { symbology: scan.symbology } : {}),
  parsed: scan.parsed,
  source: scan.source,
  at: new Date(scan.at).toISOString(),
});

/** Print scans until Ctrl+C (or --count scans), then close the scanner. */
function listen(scanner: Scanner, count: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const stop = () => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
    scanner.on('scan', (scan) => {
      printJson(scanLine(scan));
      seen += 1;
      if (count !== undefined && seen >= count) stop();
    });
  });
}

export async function scannerCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: Object.fromEntries(
      ['serial', 'hid', 'baud', 'framing', 'suffix', 'mode', 'count'].map((name) => [
        name,
        { type: 'string' as const },
      ]),
    ),
  });
  const [action, ...extra] = positionals;
  if (action !== 'listen')
    throw new UsageError(
      action
        ? `unknown scanner action '${action}': expected listen`
        : 'scanner needs an action: listen',
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success)
    throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));

  let scanner: Scanner;
  try {
    scanner = await openScanner(configOf(parsed.data));
  } catch (error) {
    if (error instanceof DeviceOptionError) throw new UsageError(error.message);
    throw error;
  }
  const report = (text: string) => process.stderr.write(`ordertrace scanner: ${text}\n`);
  let shown = '';
  const show = ({ state, message }: { state: string; message: string }) => {
    // A status event also fires when only lastError changed; that is reported below.
    if (`${state}: ${message}` !== shown) report((shown = `${state}: ${message}`));
  };
  // Ctrl+C is handled before the first status line: whoever reads "waiting" may press it at once.
  const stopped = listen(scanner, parsed.data.count);
  show(scanner.status());
  scanner.on('status', show);
  scanner.on('error', (error) => {
    if (error.code !== 'disconnected' && error.code !== 'not-found')
      report(`rejected read: ${error.message}`);
  });
  await stopped;
  await scanner.close();
  return EXIT.ok;
}
