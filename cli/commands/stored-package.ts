import pino from 'pino';
import type { LabelDataInput } from '#core/labels/label-data.ts';
import { loadServerConfig } from '#server/config.ts';
import { AppError } from '#server/errors.ts';
import { openContext } from '#server/open-context.ts';
import { packageLabelData } from '#server/labels/package-label-data.ts';
import { UsageError } from '../usage-error.ts';

/** A closed package's label data, read from the server's storage (data dir or DATABASE_URL). */
export async function storedPackage(
  dataDir: string,
  order: string,
  number: number,
): Promise<LabelDataInput> {
  const config = loadServerConfig({
    flags: { 'data-dir': dataDir },
    env: process.env,
    cwd: process.cwd(),
  });
  const { context } = await openContext(config, { logger: pino({ level: 'warn' }) });
  try {
    return { kind: 'package', data: await packageLabelData(context, order, number) };
  } catch (error) {
    if (error instanceof AppError) throw new UsageError(error.message);
    throw error;
  } finally {
    await context.live.close();
    await context.storage.close();
  }
}
