import { createHash, randomBytes } from 'node:crypto';
import { CODE_ALPHABET } from '#core/codes/alphabet.ts';

/** Session and station tokens: 32 random bytes; only their SHA-256 is stored. */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** A one-time enrollment code a person can read off a screen and type: XXXX-XXXX-XXXX. */
export function newEnrollmentCode(): string {
  const symbols = [...randomBytes(12)].map((byte) => CODE_ALPHABET[byte & 31]).join('');
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
}
