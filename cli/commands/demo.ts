import { parseArgs } from 'node:util';
import { loadServerConfig } from '#server/config.ts';
import { isEmpty, seedDemo, type DemoSummary } from '#server/demo/seed.ts';
import { openContext } from '#server/open-context.ts';
import pino from 'pino';
import { UsageError } from '../usage-error.ts';

export const demoUsage = `ordertrace demo seed [--data-dir DIR]
  Fill an empty database (the data dir's SQLite, or DATABASE_URL) with the demo plant:
  catalog, people, lines, badges and orders at every stage. Refuses a database with data.`;

export function printDemoSummary(summary: DemoSummary): void {
  console.log(`Demo plant seeded. Every demo login has the password: ${summary.password}`);
  for (const user of summary.users)
    console.log(`  ${user.role.padEnd(17)} ${user.email}  (${user.name})`);
  for (const badge of summary.badges)
    console.log(`  badge ${badge.role.padEnd(11)} ${badge.code}  (${badge.name})`);
  const byState = new Map<string, number>();
  for (const order of summary.orders) byState.set(order.state, (byState.get(order.state) ?? 0) + 1);
  console.log(`  orders: ${[...byState].map(([state, n]) => `${n} ${state}`).join(', ')}`);
}

export async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' } },
  });
  if (positionals[0] !== 'seed' || positionals.length > 1)
    throw new UsageError("demo takes one subcommand: 'seed'");
  const config = loadServerConfig({ flags: values, env: process.env, cwd: process.cwd() });
  const { context } = await openContext(config, { logger: pino({ level: 'warn' }) });
  try {
    if (!(await isEmpty(context))) {
      console.error(
        `ordertrace demo seed: ${context.storage.location} has data already; the demo goes into an empty database only.`,
      );
      return 1;
    }
    printDemoSummary(await seedDemo(context));
    return 0;
  } finally {
    await context.live.close();
    await context.storage.close();
  }
}
