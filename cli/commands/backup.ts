import { parseArgs } from 'node:util';
import { loadServerConfig } from '#server/config.ts';
import { backupDatabase, restoreDatabase } from '#server/storage/backup.ts';
import { printJson } from '../output.ts';
import { UsageError } from '../usage-error.ts';

export const backupUsage = `ordertrace backup --out FILE [--data-dir DIR]
  A consistent copy of the server's database while it runs: SQLite's online backup of the
  data dir's database, or, with DATABASE_URL, pg_dump in its custom format. Refuses to
  overwrite FILE. Prints {"storage", "out", "bytes"} as JSON. See docs/operations.md.`;

export const restoreUsage = `ordertrace restore --from FILE [--data-dir DIR]
  Put a backup back. Stop the server (every instance) first. The backup is checked before
  anything is replaced; on SQLite the replaced database is kept as
  ordertrace.sqlite.before-restore-<time>. With DATABASE_URL: pg_restore --clean.
  Stations re-send whatever the restored server lost. Prints {"storage", "from", "previous"}.`;

const configFrom = (dataDir: string | undefined) =>
  loadServerConfig({ flags: { 'data-dir': dataDir }, env: process.env, cwd: process.cwd() });

export async function backupCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { 'data-dir': { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.out) throw new UsageError('--out FILE is required');
  const config = configFrom(values['data-dir']);
  printJson(await backupDatabase(config, values.out));
  return 0;
}

export async function restoreCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { 'data-dir': { type: 'string' }, from: { type: 'string' } },
  });
  if (!values.from) throw new UsageError('--from FILE is required');
  const config = configFrom(values['data-dir']);
  printJson(await restoreDatabase(config, values.from));
  return 0;
}
