import { z } from 'zod';
import { nextCursorField, pageQueryFields, searchTextSchema } from './paging.ts';

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

/** A person as the admin's users list shows them. */
export const userAccountSchema = userSchema.extend({
  createdAt: z.string(),
  /** When an admin disabled the account: no log-in, no session, no live feed. */
  disabledAt: z.string().nullable(),
});
export type UserAccount = z.infer<typeof userAccountSchema>;
export const userListSchema = z.object({
  users: z.array(userAccountSchema),
  ...nextCursorField,
});
export const USER_SORTS = ['name', 'email', 'newest'] as const;
export const USER_STATUSES = ['active', 'disabled'] as const;
export const userListQuerySchema = z.strictObject({
  q: searchTextSchema,
  role: userRoleSchema.optional(),
  status: z.enum(USER_STATUSES).optional(),
  ...pageQueryFields(USER_SORTS),
});

/** An admin's change to a person: another role, a new name, disabled or enabled again. */
export const userPatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    role: userRoleSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change');
export type UserPatch = z.infer<typeof userPatchSchema>;
