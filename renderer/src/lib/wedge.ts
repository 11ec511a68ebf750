import { createDoubleReadFilter } from '#core/scan/double-read.ts';
import { createKeyboardBurstDetector } from '#core/scan/keyboard-burst.ts';
import { wedgeScannerConfigSchema, type ScannerConfigOf } from '#core/devices/scanner-config.ts';

/** How a keyboard-wedge scanner's keys are read: core's scanner config without its kind. */
export type WedgeOptions = Omit<ScannerConfigOf<'keyboard-wedge'>, 'kind'>;

/** The schema's defaults, for stations configured with another kind of scanner. */
const { kind: _kind, ...defaults } = wedgeScannerConfigSchema.parse({ kind: 'keyboard-wedge' });
export const WEDGE_DEFAULTS: WedgeOptions = defaults;

/**
 * The keyboard-wedge fallback: a scanner the OS treats as a keyboard types codes into the
 * window. Keys are read at the window, so no field needs focus; keys typed into a field
 * are left to it. Returns the function that stops listening.
 */
export function listenForWedgeScans(
  onScan: (text: string) => void,
  options: WedgeOptions = WEDGE_DEFAULTS,
): () => void {
  const detector = createKeyboardBurstDetector(options);
  const doubles = createDoubleReadFilter(options.doubleReadWindowMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const handle = (outputs: ReturnType<typeof detector.flush>) => {
    for (const output of outputs)
      if (output.kind === 'scan' && doubles.accept(output.text, output.endedAt))
        onScan(output.text);
  };
  const arm = () => {
    clearTimeout(timer);
    const deadline = detector.deadline();
    if (deadline !== undefined)
      timer = setTimeout(
        () => {
          handle(detector.flush(performance.now()));
          arm();
        },
        Math.max(0, deadline - performance.now()),
      );
  };
  const onKey = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement | null;
    if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
    handle(
      detector.push({
        key: event.key,
        time: event.timeStamp,
        ctrlKey: event.ctrlKey,
        altKey: event.altKey,
        metaKey: event.metaKey,
        repeat: event.repeat,
      }),
    );
    arm();
  };
  window.addEventListener('keydown', onKey);
  return () => {
    window.removeEventListener('keydown', onKey);
    clearTimeout(timer);
  };
}
