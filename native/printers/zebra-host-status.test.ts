import { describe, expect, it } from 'vitest';
import { hostStatusProblem } from './zpl-tcp-printer.ts';
import { hostStatusReply } from './fake-host-status-reply.ts';
import { parseHostStatus, splitHostStatus } from './zebra-host-status.ts';

describe('Zebra ~HS host status', () => {
  it('reads a printer that is ready', () => {
    expect(parseHostStatus(hostStatusReply())).toEqual({
      paperOut: false,
      paused: false,
      bufferFull: false,
      headUp: false,
      ribbonOut: false,
      labelsRemaining: 3,
    });
  });

  it('reads the paper-out and pause flags', () => {
    expect(parseHostStatus(hostStatusReply({ paperOut: true, paused: true }))).toMatchObject({
      paperOut: true,
      paused: true,
    });
  });

  it('waits for all three strings before parsing', () => {
    const reply = hostStatusReply();
    expect(splitHostStatus(reply.slice(0, 50))).toBeUndefined();
    expect(splitHostStatus(reply)).toHaveLength(3);
  });

  it('refuses a reply that is not a host status', () => {
    expect(parseHostStatus('\u0002a\u0003\u0002b\u0003\u0002c\u0003')).toBeUndefined();
  });

  it('names the problem a person can fix, paper first', () => {
    const status = parseHostStatus(hostStatusReply({ paperOut: true, paused: true }));
    expect(status && hostStatusProblem('zebra:9100', status)?.code).toBe('paper-out');
    const paused = parseHostStatus(hostStatusReply({ paused: true }));
    expect(paused && hostStatusProblem('zebra:9100', paused)?.message).toMatch(
      /paused: press PAUSE/,
    );
    const ready = parseHostStatus(hostStatusReply());
    expect(ready && hostStatusProblem('zebra:9100', ready)).toBeUndefined();
  });
});
