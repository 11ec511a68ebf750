import { z } from 'zod';
import { lineRulesSchema } from '../sync/replicated-rows.ts';
import { STATION_ROLES } from '../orders/state-machine.ts';
import { nextCursorField } from './paging.ts';

export const createStationBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  role: z.enum(STATION_ROLES),
  line: z.string().min(1).max(64),
});

export const stationSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(STATION_ROLES),
  line: z.string(),
  enrolledAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  outboxDepth: z.number().nullable(),
});
export type StationView = z.infer<typeof stationSchema>;
export const stationListSchema = z.object({
  stations: z.array(stationSchema),
  ...nextCursorField,
});

export const createStationResultSchema = z.object({
  station: stationSchema,
  /** One-time, shown once; the station exchanges it for a token. */
  enrollmentCode: z.string(),
  expiresAt: z.string(),
  /** SHA-256 of the server's certificate: the station checks it before it sends the code. */
  serverFingerprint: z.string(),
});

export const ENROLLMENT_CODE_PATTERN = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
export const enrollBodySchema = z.strictObject({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(ENROLLMENT_CODE_PATTERN, 'an enrollment code looks like ABCD-EFGH-JKMN'),
});
export const enrollResultSchema = z.object({
  token: z.string(),
  station: stationSchema,
  /** SHA-256 of the server's certificate, for the station to pin. */
  serverFingerprint: z.string(),
});

export const lineSchema = z.object({
  id: z.string(),
  name: z.string(),
  plant: z.string(),
  /** How the line's stations enforce the guarantees (docs/station.md "Line rules"). */
  rules: lineRulesSchema,
});
export type LineView = z.infer<typeof lineSchema>;
export const lineRulesBodySchema = lineRulesSchema.partial().strict();
export const createLineBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  plant: z.string().trim().min(1).max(64).default('main'),
});

/** What to run on the station PC: everything it needs to enroll and verify this server. */
export const enrollCommand = (
  serverUrl: string,
  created: { station: { role: string }; enrollmentCode: string; serverFingerprint: string },
): string =>
  `npx ordertrace station --role ${created.station.role} --server ${serverUrl} --enroll ${created.enrollmentCode} --fingerprint ${created.serverFingerprint}`;
