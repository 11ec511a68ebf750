/*
 * The reply to ~HS, "Host Status Return" (Zebra ZPL II Programming Guide, ~HS): three
 * strings, each <STX> … <ETX><CR><LF>:
 *   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l   b = paper out, c = pause, f = buffer full …
 *   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www   o = head up, p = ribbon out …
 *   3: xxxx,y                             password, static RAM
 * Flags are "1" for set.
 */
export interface HostStatus {
  paperOut: boolean;
  paused: boolean;
  bufferFull: boolean;
  headUp: boolean;
  ribbonOut: boolean;
  /** Labels still to print in the current batch. */
  labelsRemaining: number;
}

const STX = '\u0002';
const ETX = '\u0003';

/** The three strings once all have arrived, else undefined (keep reading). */
export function splitHostStatus(reply: string): string[] | undefined {
  const strings = [...reply.matchAll(new RegExp(`${STX}([^${ETX}]*)${ETX}`, 'g'))].map(
    (match) => match[1] ?? '',
  );
  return strings.length >= 3 ? strings.slice(0, 3) : undefined;
}

export function parseHostStatus(reply: string): HostStatus | undefined {
  const strings = splitHostStatus(reply);
  if (!strings) return undefined;
  const first = (strings[0] ?? '').split(',');
  const second = (strings[1] ?? '').split(',');
  if (first.length < 12 || second.length < 11) return undefined;
  const flag = (fields: string[], index: number) => fields[index]?.trim() === '1';
  return {
    paperOut: flag(first, 1),
    paused: flag(first, 2),
    bufferFull: flag(first, 5),
    headUp: flag(second, 2),
    ribbonOut: flag(second, 3),
    labelsRemaining: Number.parseInt(second[8] ?? '0', 10) || 0,
  };
}
