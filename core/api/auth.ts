import { z } from 'zod';

export const USER_ROLES = [
  'customer',
  'customer_service',
  'planner',
  'supervisor',
  'admin',
] as const;
export const userRoleSchema = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof userRoleSchema>;

export const emailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
export const passwordSchema = z.string().min(10, 'a password has at least 10 characters').max(200);

export const loginBodySchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(200),
});
export const registerBodySchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(100),
  password: passwordSchema,
});

/** The answer to a sign-up, the same whether the email was free or not (docs/security.md). */
export const signUpAnswerSchema = z.object({ message: z.string() });
export const SIGN_UP_MESSAGE =
  'If this email had no account, it has one now: log in with it. If it had one, log in with its password.';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: userRoleSchema,
});
export type User = z.infer<typeof userSchema>;

export const createUserBodySchema = registerBodySchema.extend({ role: userRoleSchema });
