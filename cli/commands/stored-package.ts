import type { LabelDataInput } from '#core/labels/label-data.ts';
import { AppError } from '#server/errors.ts';
import { packageLabelData } from '#server/labels/package-label-data.ts';
import { withStoredContext } from '../stored-context.ts';
import { UsageError } from '../usage-error.ts';

/** A closed package's label data, read from the server's storage (data dir or DATABASE_URL). */
export async function storedPackage(
  dataDir: string,
  order: string,
  number: number,
): Promise<LabelDataInput> {
  return withStoredContext(dataDir, async (context) => {
    try {
      return { kind: 'package', data: await packageLabelData(context, order, number) };
    } catch (error) {
      if (error instanceof AppError) throw new UsageError(error.message);
      throw error;
    }
  });
}
