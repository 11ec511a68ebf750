/*
 * Keyboard-wedge fallback: a scanner the OS owns as a keyboard (Windows, or no hidraw
 * access) types its codes into whatever has focus. The UI feeds every key event here
 * (from a window-level listener, so no input field needs focus) and gets back scans, and
 * the keys a person typed, to hand on unchanged.
 *
 * A scanner "types" a whole code within a few milliseconds per key and ends it with its
 * suffix; a person is an order of magnitude slower. So: keys closer together than
 * maxInterKeyMs form a burst; a burst of at least minLength characters ended by the suffix
 * (or, with suffix `none`, by silence) is a scan; anything else was typed. Pure: the caller
 * passes timestamps (KeyboardEvent.timeStamp) and calls flush() at deadline() when no key
 * arrives.
 */
export interface KeyInput {
  /** KeyboardEvent.key: "A", "7", "Enter", "Shift" … */
  key: string;
  /** Milliseconds, monotonic (KeyboardEvent.timeStamp or performance.now()). */
  time: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  /** KeyboardEvent.repeat: a key held down, which only a person does. */
  repeat?: boolean;
}

export interface BurstOptions {
  suffix: 'enter' | 'tab' | 'none';
  maxInterKeyMs: number;
  minLength: number;
  /** Longer bursts are reported as overlong rather than held in memory. */
  maxLength?: number;
}

export type BurstOutput =
  | { kind: 'scan'; text: string; startedAt: number; endedAt: number }
  | { kind: 'typed'; keys: string[] }
  | { kind: 'overlong'; length: number; startedAt: number };

export interface KeyboardBurstDetector {
  push(event: KeyInput): BurstOutput[];
  /** Settle what is pending if no key came for maxInterKeyMs; call at deadline(). */
  flush(now: number): BurstOutput[];
  /** When flush() has something to decide, or undefined when nothing is pending. */
  deadline(): number | undefined;
}

const GS = '\u001d';
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock']);
const SUFFIX_KEYS = { enter: 'Enter', tab: 'Tab', none: undefined } as const;

/** The character a key adds to a scan, or undefined for keys that are not text. */
function characterOf(event: KeyInput): string | undefined {
  // Scanners send FNC1 as Ctrl+] (ASCII 29 is "control-]" since the ASCII-1967 control
  // keyboards; USB HID Usage Tables keep no key of its own for it).
  if (event.ctrlKey && (event.key === ']' || event.key === '}')) return GS;
  if (event.key === GS) return GS;
  if (event.ctrlKey || event.altKey || event.metaKey) return undefined;
  return [...event.key].length === 1 ? event.key : undefined;
}

export function createKeyboardBurstDetector(options: BurstOptions): KeyboardBurstDetector {
  const maxLength = options.maxLength ?? 4096;
  const suffixKey = SUFFIX_KEYS[options.suffix];
  let keys: string[] = [];
  let startedAt = 0;
  let lastAt = 0;
  let overlong = 0;

  const reset = () => {
    keys = [];
    overlong = 0;
  };

  /** End the pending burst without a suffix (silence, or a key that is not text). */
  const settle = (): BurstOutput[] => {
    if (overlong > 0) {
      const out: BurstOutput = { kind: 'overlong', length: overlong, startedAt };
      reset();
      return [out];
    }
    if (keys.length === 0) return [];
    const text = keys.join('');
    const out: BurstOutput =
      options.suffix === 'none' && keys.length >= options.minLength
        ? { kind: 'scan', text, startedAt, endedAt: lastAt }
        : { kind: 'typed', keys };
    reset();
    return [out];
  };

  const pending = () => keys.length > 0 || overlong > 0;

  return {
    push(event) {
      if (MODIFIERS.has(event.key)) return [];
      const out: BurstOutput[] = [];
      if (pending() && event.time - lastAt > options.maxInterKeyMs) out.push(...settle());

      const character = characterOf(event);
      if (suffixKey !== undefined && event.key === suffixKey && !event.repeat) {
        if (overlong > 0) return [...out, ...settle()];
        if (keys.length >= options.minLength) {
          out.push({ kind: 'scan', text: keys.join(''), startedAt, endedAt: event.time });
          reset();
          return out;
        }
        const typed = [...keys, event.key];
        reset();
        return [...out, { kind: 'typed', keys: typed }];
      }
      if (character === undefined || event.repeat) {
        // Arrows, Backspace, shortcuts, a held key: a person at the keyboard.
        out.push(...settle());
        if (!event.ctrlKey && !event.altKey && !event.metaKey) {
          out.push({ kind: 'typed', keys: [event.key] });
        }
        return out;
      }
      if (!pending()) startedAt = event.time;
      lastAt = event.time;
      if (overlong > 0 || keys.length >= maxLength) {
        overlong = overlong > 0 ? overlong + 1 : keys.length + 1;
        keys = [];
      } else {
        keys.push(character);
      }
      return out;
    },

    flush(now) {
      return pending() && now - lastAt > options.maxInterKeyMs ? settle() : [];
    },

    deadline() {
      return pending() ? lastAt + options.maxInterKeyMs + 1 : undefined;
    },
  };
}
