import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret: 32 random bytes, shown to the subscriber once. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * `Ordertrace-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as
 * Stripe signs: the time is inside the MAC, so a receiver can refuse an old replayed request.
 */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
