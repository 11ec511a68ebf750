import { parseArgs } from 'node:util';
import { createUserBodySchema } from '#core/api/auth.ts';
import { createUser } from '#server/auth/users.ts';
import { withStoredContext } from '../stored-context.ts';
import { UsageError } from '../usage-error.ts';

export const userUsage = `ordertrace user add --email EMAIL --name NAME --role ROLE [--password-stdin] [--data-dir DIR]
  Add a person (the first admin, say). ROLE: customer, customer_service, planner, supervisor, admin.
  The password is read from standard input (one line), so it stays out of shell history.`;

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

export async function userCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
  });
  if (positionals[0] !== 'add' || positionals.length > 1)
    throw new UsageError("user takes one subcommand: 'add'");
  const parsed = createUserBodySchema.safeParse({
    email: values.email,
    name: values.name,
    role: values.role,
    password: await readPassword(),
  });
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map(
          (issue) =>
            `${issue.path.join('.') === 'password' ? 'password (stdin)' : `--${issue.path.join('.')}`}: ${issue.message}`,
        )
        .join('; '),
    );
  }
  return withStoredContext(values['data-dir'], async (context) => {
    const user = await createUser(context, { kind: 'system', name: 'cli' }, parsed.data);
    console.log(JSON.stringify(user));
    return 0;
  });
}
