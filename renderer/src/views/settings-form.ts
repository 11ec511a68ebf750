import type { StationSettings } from '#core/api/station-api.ts';

/** The settings form's flat fields, to and from the station's device configs. */
export interface SettingsForm {
  scannerKind: 'none' | 'serial' | 'keyboard-wedge';
  scannerPath: string;
  baudRate: number;
  suffix: 'cr' | 'lf' | 'crlf' | 'tab' | 'none';
  printerKind: 'dry-run' | 'cups' | 'zpl-tcp';
  printerName: string;
  printerHost: string;
  lineStopKind: 'dry-run' | 'hid-relay';
  redRelay: number;
  kiosk: boolean;
}

export function toForm(settings: StationSettings): SettingsForm {
  const scanner = settings.scanner;
  const printer = settings.printer;
  const lineStop = settings.lineStop;
  return {
    scannerKind:
      scanner?.kind === 'serial' || scanner?.kind === 'keyboard-wedge' ? scanner.kind : 'none',
    scannerPath: scanner?.kind === 'serial' ? (scanner.path ?? '') : '',
    baudRate: scanner?.kind === 'serial' ? scanner.baudRate : 9600,
    suffix: scanner?.kind === 'serial' ? scanner.suffix : 'cr',
    printerKind: printer.kind,
    printerName: printer.kind === 'cups' ? printer.printer : '',
    printerHost: printer.kind === 'zpl-tcp' ? printer.host : '',
    lineStopKind: lineStop.kind === 'hid-relay' ? 'hid-relay' : 'dry-run',
    redRelay: lineStop.kind === 'hid-relay' ? lineStop.relays.red : 1,
    kiosk: settings.kiosk,
  };
}

/** What to send as saveSettings; the station validates it against the shared schemas. */
export function fromForm(form: SettingsForm): Record<string, unknown> {
  return {
    scanner:
      form.scannerKind === 'none'
        ? null
        : form.scannerKind === 'serial'
          ? {
              kind: 'serial',
              path: form.scannerPath,
              baudRate: Number(form.baudRate),
              suffix: form.suffix,
            }
          : { kind: 'keyboard-wedge' },
    printer:
      form.printerKind === 'cups'
        ? { kind: 'cups', printer: form.printerName }
        : form.printerKind === 'zpl-tcp'
          ? { kind: 'zpl-tcp', host: form.printerHost }
          : { kind: 'dry-run' },
    lineStop:
      form.lineStopKind === 'hid-relay'
        ? { kind: 'hid-relay', relays: { red: Number(form.redRelay) } }
        : { kind: 'dry-run' },
    kiosk: form.kiosk,
  };
}
