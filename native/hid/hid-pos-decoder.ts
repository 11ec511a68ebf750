/*
 * Decodes HID POS scanner input reports (usage page 0x8C, "Bar Code Scanner", HID Point of
 * Sale Usage Tables 1.02 §3: the Scanned Data Report) into whole reads. A read longer than
 * one report arrives in several, each but the last flagged "Decode Data Continued".
 *
 * The layout is the one Honeywell, Zebra and Datalogic scanners send in HID POS mode
 * (64-byte report, id 0x02):
 *   [0] report id 0x02   [1] number of data bytes in this report (≤ 56)
 *   [2..4] AIM symbology identifier ("]C1"), zeros when absent   [5..60] data
 *   [61..62] vendor symbology id   [63] bit 0: Decode Data Continued
 */
export const HID_POS_REPORT_ID = 0x02;
const LENGTH_AT = 1;
const AIM_AT = 2;
const DATA_AT = 5;
const DATA_MAX = 56;
const FLAGS_AT = 63;
const CONTINUED = 0x01;

export type HidPosRead = { kind: 'read'; bytes: Uint8Array } | { kind: 'overlong'; length: number };

function aimIdentifier(report: Uint8Array): number[] {
  const bytes = [...report.subarray(AIM_AT, DATA_AT)].filter((byte) => byte !== 0);
  if (bytes.length === 0 || bytes.some((byte) => byte < 0x21 || byte > 0x7e)) return [];
  // Some scanners send the identifier without its "]" flag character.
  return bytes[0] === 0x5d ? bytes : [0x5d, ...bytes.slice(0, 2)];
}

export class HidPosDecoder {
  #bytes: number[] = [];
  #length = 0;

  constructor(private readonly maxBytes: number) {}

  /** Whether a read has started and is waiting for its continuation reports. */
  get pending(): boolean {
    return this.#length > 0;
  }

  /** A whole read when this report ends one; undefined while it continues or for other reports. */
  push(report: Uint8Array): HidPosRead | undefined {
    if (report[0] !== HID_POS_REPORT_ID || report.length <= DATA_AT) return undefined;
    const count = Math.min(report[LENGTH_AT] ?? 0, DATA_MAX, report.length - DATA_AT);
    const part = [
      ...(this.#length === 0 ? aimIdentifier(report) : []),
      ...report.subarray(DATA_AT, DATA_AT + count),
    ];
    this.#length += part.length;
    if (this.#length <= this.maxBytes) this.#bytes.push(...part);
    const continued = ((report[FLAGS_AT] ?? 0) & CONTINUED) !== 0;
    if (continued) return undefined;
    const read: HidPosRead =
      this.#length > this.maxBytes
        ? { kind: 'overlong', length: this.#length }
        : { kind: 'read', bytes: Uint8Array.from(this.#bytes) };
    this.reset();
    return read;
  }

  reset(): void {
    this.#bytes = [];
    this.#length = 0;
  }
}
