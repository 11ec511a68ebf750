import type { Suffix } from '#core/devices/scanner-config.ts';

/*
 * Cuts a scanner's byte stream into reads: at the configured suffix, or after a silence
 * when the scanner sends none. Memory stays bounded whatever arrives: a read longer than
 * maxBytes is counted and dropped up to its end, and bytes that never get their suffix are
 * handed over as "no-suffix" after suffixTimeoutMs instead of waiting forever.
 */
export interface FramerOptions {
  suffix: Suffix;
  interByteTimeoutMs: number;
  suffixTimeoutMs: number;
  maxScanBytes: number;
}

export type FrameEvent =
  | { kind: 'frame'; bytes: Uint8Array }
  | { kind: 'overlong'; length: number }
  | { kind: 'no-suffix'; bytes: Uint8Array };

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const DELIMITERS: Readonly<Record<Suffix, readonly number[]>> = {
  cr: [CR],
  lf: [LF],
  crlf: [CR, LF],
  tab: [TAB],
  none: [],
};

export class ScanFramer {
  #pending: number[] = [];
  #overlong = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #delimiter: readonly number[];

  constructor(
    private readonly options: FramerOptions,
    private readonly emit: (event: FrameEvent) => void,
  ) {
    this.#delimiter = DELIMITERS[options.suffix];
  }

  push(bytes: Uint8Array): void {
    for (const byte of bytes) this.#pushByte(byte);
    this.#arm();
  }

  /** End what is pending now (the port closed): a read without its suffix is reported. */
  flush(): void {
    this.#clearTimer();
    this.#endBySilence();
  }

  dispose(): void {
    this.#clearTimer();
    this.#pending = [];
    this.#overlong = 0;
  }

  #pushByte(byte: number): void {
    const delimiter = this.#delimiter;
    if (delimiter.length > 0 && byte === delimiter[delimiter.length - 1]) {
      const before = delimiter.length - 1;
      const tail = this.#pending.slice(this.#pending.length - before);
      const complete = tail.length === before && tail.every((value, i) => value === delimiter[i]);
      if (complete) {
        this.#pending.length -= before;
        this.#end();
        return;
      }
    }
    // With suffix CR a scanner left on CRLF sends an LF first in every next read (and the
    // reverse for LF): drop it at the start of a read rather than call the read noise.
    if (this.#pending.length === 0 && this.#overlong === 0 && (byte === CR || byte === LF)) return;
    if (this.#overlong > 0) {
      this.#overlong += 1;
    } else if (this.#pending.length >= this.options.maxScanBytes) {
      this.#overlong = this.#pending.length + 1;
      this.#pending = [];
    } else {
      this.#pending.push(byte);
    }
  }

  #end(): void {
    if (this.#overlong > 0) {
      this.emit({ kind: 'overlong', length: this.#overlong });
    } else if (this.#pending.length > 0) {
      this.emit({ kind: 'frame', bytes: Uint8Array.from(this.#pending) });
    }
    this.#pending = [];
    this.#overlong = 0;
  }

  #endBySilence(): void {
    if (this.options.suffix === 'none' || this.#overlong > 0) {
      this.#end();
    } else if (this.#pending.length > 0) {
      this.emit({ kind: 'no-suffix', bytes: Uint8Array.from(this.#pending) });
      this.#pending = [];
    }
  }

  #arm(): void {
    this.#clearTimer();
    if (this.#pending.length === 0 && this.#overlong === 0) return;
    const wait =
      this.options.suffix === 'none'
        ? this.options.interByteTimeoutMs
        : this.options.suffixTimeoutMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#endBySilence();
    }, wait);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
