import { SUPPORTED_PROTOCOLS } from '#core/api/sync.ts';
import { AppError } from '../errors.ts';

/** Refuse a station that speaks a sync protocol this server does not (push, pull, snapshot alike). */
export function checkProtocol(protocol: number): void {
  if (!SUPPORTED_PROTOCOLS.includes(protocol)) {
    throw new AppError(
      'OT_ERR_PROTOCOL',
      `Sync protocol ${protocol} is not supported; this server speaks ${SUPPORTED_PROTOCOLS.join(', ')}. Update the station.`,
    );
  }
}
