import type { Socket } from 'node:net';
import { DeviceError } from '../device-error.ts';
import { parseHostStatus, splitHostStatus, type HostStatus } from './zebra-host-status.ts';

/*
 * Send ~HS on an open connection and read the three-string reply (Zebra ZPL II
 * Programming Guide, ~HS). A printer that accepts the connection and never answers ends
 * in a timeout; one that answers something else ends in "rejected", never in a wait.
 */
const MAX_REPLY = 4096;

export function queryHostStatus(
  socket: Socket,
  where: string,
  timeoutMs: number,
): Promise<HostStatus> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const notStatus = () =>
      new DeviceError(
        'rejected',
        `The printer at ${where} answered ~HS with something that is not a host status.`,
      );
    const done = (result: HostStatus | DeviceError) => {
      clearTimeout(timer);
      socket.off('data', onData).off('close', onClose).off('error', onClose);
      if (result instanceof DeviceError) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(() => {
      const message =
        `The printer at ${where} accepted the connection but did not answer the status query (~HS) within ${timeoutMs} ms. ` +
        'It may be busy or hung; if it does not support ~HS, turn statusQuery off.';
      done(new DeviceError('timeout', message));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.length > MAX_REPLY) return done(notStatus());
      if (splitHostStatus(reply)) done(parseHostStatus(reply) ?? notStatus());
    };
    const onClose = () =>
      done(
        new DeviceError(
          'unreachable',
          `The printer at ${where} closed the connection before answering the status query.`,
        ),
      );
    socket.on('data', onData).on('close', onClose).on('error', onClose);
    socket.write('~HS');
  });
}
