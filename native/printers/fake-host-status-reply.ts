/* Test support: ~HS replies as a Zebra printer sends them, for fake printers in tests. */
/** A ~HS reply as a ZD420 sends it, with the flags of string 1 and 2 set as given. */
export function hostStatusReply(
  flags: { paperOut?: boolean; paused?: boolean; headUp?: boolean; ribbonOut?: boolean } = {},
): string {
  const bit = (value?: boolean) => (value ? '1' : '0');
  return (
    `\u0002030,${bit(flags.paperOut)},${bit(flags.paused)},1245,000,0,0,0,000,0,0,0\u0003\r\n` +
    `\u0002001,0,${bit(flags.headUp)},${bit(flags.ribbonOut)},1,2,6,0,00000003,1,000\u0003\r\n` +
    '\u00021234,0\u0003\r\n'
  );
}
