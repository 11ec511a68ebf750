import { connect, type Socket } from 'node:net';
import { DeviceError, errnoOf } from '../device-error.ts';

/*
 * Connect to a network printer within a timeout, with a sentence for each way it fails:
 * refused (switched off, or raw printing disabled), unknown host, or no answer at all.
 */
function connectError(host: string, port: number, error: Error): DeviceError {
  const where = `${host}:${port}`;
  switch (errnoOf(error)) {
    case 'ECONNREFUSED':
      return new DeviceError(
        'unreachable',
        `The printer at ${where} refused the connection: is it switched on, and is raw printing on port ${port} enabled?`,
        { cause: error },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DeviceError(
        'unreachable',
        `There is no printer called ${host} on the network (check the host name).`,
        { cause: error },
      );
    default:
      return new DeviceError(
        'unreachable',
        `The printer at ${where} cannot be reached (${error.message}): is it switched on and on the network?`,
        { cause: error },
      );
  }
}

export function connectWithTimeout(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (error: DeviceError) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => {
      const message = `The printer at ${host}:${port} did not answer within ${timeoutMs} ms: is it switched on and on the network?`;
      fail(new DeviceError('timeout', message));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => fail(connectError(host, port, error)));
  });
}
