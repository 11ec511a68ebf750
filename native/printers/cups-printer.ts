import type { PrinterConfigOf } from '#core/devices/printer-config.ts';
import { DeviceError } from '../device-error.ts';
import { nativeLog } from '../log.ts';
import {
  parseLpstat,
  parseMediaSizes,
  parseRequestId,
  type CupsDestination,
  type MediaSizes,
} from './cups-output.ts';
import type { LabelDocument, LabelPrinter, PrinterStatus, PrintResult } from './printer.ts';
import { runCommand, type CommandResult } from './run-command.ts';

const log = nativeLog('printer:cups');

/*
 * PDF labels through CUPS, the Linux (and macOS) spooler: `lp` queues the job, so a printer
 * that is off keeps the label until it comes back, and CUPS' own drivers handle the model.
 * On Windows the same interface would sit over a maintained package such as pdf-to-printer
 * (docs/hardware.md); only Linux is implemented here.
 */
function spoolerError(printer: string, result: CommandResult): DeviceError {
  const said = result.stderr || result.stdout.trim() || `exit code ${result.code}`;
  if (/scheduler is not running|unable to connect to server|connection refused/i.test(said)) {
    return new DeviceError('unavailable', `CUPS is not running on this station (${said}).`);
  }
  if (/does not exist|unknown destination|no such/i.test(said)) {
    return new DeviceError(
      'rejected',
      `CUPS has no printer named ${printer}: run \`ordertrace devices\` or lpstat -p to see the names (${said}).`,
    );
  }
  return new DeviceError('rejected', `CUPS refused the label for ${printer}: ${said}`);
}

export async function listCupsPrinters(timeoutMs = 5000): Promise<CupsDestination[]> {
  const result = await runCommand('lpstat', ['-p', '-d'], { timeoutMs });
  if (result.code !== 0 && /no destinations added/i.test(result.stderr)) return [];
  if (result.code !== 0) throw spoolerError('any printer', result);
  return parseLpstat(result.stdout);
}

export async function cupsMediaSizes(printer: string, timeoutMs = 5000): Promise<MediaSizes> {
  const result = await runCommand('lpoptions', ['-p', printer, '-l'], { timeoutMs });
  if (result.code !== 0) throw spoolerError(printer, result);
  return parseMediaSizes(result.stdout);
}

export class CupsPrinter implements LabelPrinter {
  readonly accepts = 'pdf';
  readonly description: string;

  constructor(private readonly config: PrinterConfigOf<'cups'>) {
    this.description = `CUPS printer ${config.printer}`;
  }

  async print(document: LabelDocument): Promise<PrintResult> {
    const { printer, copies, media, timeoutMs } = this.config;
    if (document.format !== 'pdf') {
      throw new DeviceError(
        'wrong-format',
        `${this.description} prints PDF labels, not ${document.format.toUpperCase()}.`,
      );
    }
    const args = ['-d', printer, '-n', String(copies), '-t', document.title ?? 'Ordertrace label'];
    if (media) args.push('-o', `media=${media}`);
    const result = await runCommand('lp', args, { stdin: document.data, timeoutMs });
    if (result.code !== 0) throw spoolerError(printer, result);
    const jobId = parseRequestId(result.stdout);
    log('queued %s on %s', jobId ?? 'a job', printer);
    return { printer, ...(jobId ? { jobId } : {}) };
  }

  async status(): Promise<PrinterStatus> {
    const { printer, timeoutMs } = this.config;
    try {
      const found = (await listCupsPrinters(timeoutMs)).find((entry) => entry.name === printer);
      if (!found) {
        return {
          ready: false,
          problem: 'not-found',
          message: `CUPS has no printer named ${printer}.`,
        };
      }
      return found.enabled
        ? { ready: true, message: `${printer} is ${found.state}.` }
        : {
            ready: false,
            problem: 'paused',
            message: `${printer} is disabled in CUPS: enable it with cupsenable ${printer}.`,
          };
    } catch (error) {
      const deviceError =
        error instanceof DeviceError ? error : new DeviceError('unavailable', String(error));
      return { ready: false, problem: deviceError.code, message: deviceError.message };
    }
  }
}
