import type { z } from 'zod';
import { describeConfigIssues } from '#core/devices/config-error.ts';

/*
 * Errors from devices, shaped like node-serialport's: a sentence for the person at the
 * station, a stable code for the program, and `disconnected: true` when the device went
 * away (unplugged, switched off) rather than misbehaved.
 */
export type DeviceErrorCode =
  | 'disconnected'
  | 'not-found'
  | 'permission'
  | 'open-failed'
  | 'noise'
  | 'overlong'
  | 'no-suffix'
  | 'incomplete'
  | 'unavailable'
  | 'write-failed'
  | 'unreachable'
  | 'timeout'
  | 'paper-out'
  | 'paused'
  | 'head-open'
  | 'ribbon-out'
  | 'rejected'
  | 'wrong-format';

export class DeviceError extends Error {
  override name = 'DeviceError';
  readonly code: DeviceErrorCode;
  readonly disconnected: boolean;
  readonly at: number;

  constructor(code: DeviceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.disconnected = code === 'disconnected';
    this.at = Date.now();
  }
}

/** A config that fails its schema; `option` names the first bad option. */
export class DeviceOptionError extends TypeError {
  override name = 'DeviceOptionError';
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

/** Validate a device config against its core/devices schema, naming the bad option. */
export function validateDeviceConfig<T>(device: string, schema: z.ZodType<T>, config: unknown): T {
  const result = schema.safeParse(config);
  if (result.success) return result.data;
  const issues = describeConfigIssues(device, result.error.issues);
  throw new DeviceOptionError(
    issues[0]?.option ?? 'kind',
    issues.map((issue) => issue.message).join('; '),
  );
}

/** The errno code of a Node system error ("ENOENT"), if it is one. */
export const errnoOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};
