import { getContext, setContext } from 'svelte';
import { signUpAnswerSchema, userSchema, type User, type UserRole } from '#core/api/auth.ts';
import { okSchema } from '#core/api/ok.ts';
import { ApiError, call, UNAUTHENTICATED_EVENT } from './api.ts';

export const STAFF_ROLES: readonly UserRole[] = [
  'customer_service',
  'planner',
  'supervisor',
  'admin',
];

/** Who is logged in (the session itself is an HttpOnly cookie the portal never sees). */
export class Session {
  user = $state<User | null>(null);
  ready = $state(false);
  isStaff = $derived(this.user !== null && STAFF_ROLES.includes(this.user.role));

  constructor() {
    addEventListener(UNAUTHENTICATED_EVENT, () => (this.user = null));
  }

  load = async () => {
    try {
      this.user = await call(userSchema, 'GET', '/api/v1/auth/me');
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      this.user = null;
    } finally {
      this.ready = true;
    }
  };

  login = async (email: string, password: string) => {
    this.user = await call(userSchema, 'POST', '/api/v1/auth/login', { email, password });
  };

  /** Sign up, then log in: the sign-up's answer does not say whether the email was new. */
  register = async (name: string, email: string, password: string) => {
    await call(signUpAnswerSchema, 'POST', '/api/v1/auth/register', { name, email, password });
    await this.login(email, password);
  };

  logout = async () => {
    await call(okSchema, 'POST', '/api/v1/auth/logout');
    this.user = null;
  };

  /** Whether the user has one of these roles (admin may do everything staff may). */
  can = (...roles: UserRole[]): boolean =>
    this.user !== null && (this.user.role === 'admin' || roles.includes(this.user.role));
}

const KEY = Symbol('session');
export const setSession = (session: Session): Session => setContext(KEY, session);
export const getSession = (): Session => getContext<Session>(KEY);
