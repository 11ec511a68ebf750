import { z } from 'zod';

/** The answer of a command that worked and has nothing more to say (log out, resolve…). */
export const okSchema = z.object({ ok: z.literal(true) });
