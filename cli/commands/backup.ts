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

type ServerConfig = ReturnType<typeof loadServerConfig>;

/** Both commands: the data dir's (or DATABASE_URL's) server config and one required FILE. */
async function onFile(
  args: string[],
  flag: 'out' | 'from',
  action: (config: ServerConfig, file: string) => Promise<unknown>,
): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { 'data-dir': { type: 'string' }, [flag]: { type: 'string' } },
  });
  const file = values[flag];
  if (typeof file !== 'string' || !file) throw new UsageError(`--${flag} FILE is required`);
  const dataDir = values['data-dir'];
  const config = loadServerConfig({
    flags: { 'data-dir': typeof dataDir === 'string' ? dataDir : undefined },
    env: process.env,
    cwd: process.cwd(),
  });
  printJson(await action(config, file));
  return 0;
}

export const backupCommand = (args: string[]) => onFile(args, 'out', backupDatabase);
export const restoreCommand = (args: string[]) => onFile(args, 'from', restoreDatabase);
