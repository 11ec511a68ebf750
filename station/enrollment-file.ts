import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Enrollment } from './sync/enroll.ts';

/** The station's enrollment (its token and the server's pinned certificate), 0600 in the data dir. */
export const enrollmentPath = (dataDir: string) => join(dataDir, 'enrollment.json');

export function readEnrollment(dataDir: string): Enrollment | undefined {
  const file = enrollmentPath(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Enrollment;
}

export function writeEnrollment(dataDir: string, enrollment: Enrollment): void {
  const file = enrollmentPath(dataDir);
  writeFileSync(file, JSON.stringify(enrollment, null, 2), { mode: 0o600 });
  // writeFileSync keeps an existing file's mode: make sure a token never sits world-readable.
  chmodSync(file, 0o600);
}
