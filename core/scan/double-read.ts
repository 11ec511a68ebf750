/*
 * Double-read suppression. A scanner in presentation or continuous mode reads the same label
 * several times while it is held under the window; people mean one scan. The window slides:
 * a label held for two seconds is still one scan, and scanning it again after taking it away
 * for longer than the window is a second scan (which the station may then refuse as
 * "already consumed" — that is its decision, not the scanner's).
 */
export interface DoubleReadFilter {
  /** True when this read is a new scan; false when it repeats the previous code too soon. */
  accept(code: string, at: number): boolean;
}

export function createDoubleReadFilter(windowMs: number): DoubleReadFilter {
  let lastCode: string | undefined;
  let lastSeen = Number.NEGATIVE_INFINITY;
  return {
    accept(code, at) {
      const repeat =
        windowMs > 0 && code === lastCode && at - lastSeen < windowMs && at >= lastSeen;
      lastCode = code;
      lastSeen = at;
      return !repeat;
    },
  };
}
