import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { epcisQuerySchema } from '#core/api/back-office.ts';
import { exportEpcis } from '#server/epcis/export.ts';
import { printJson } from '../output.ts';
import { withStoredContext } from '../stored-context.ts';
import { UsageError } from '../usage-error.ts';

export const epcisUsage = `ordertrace epcis export [--data-dir DIR] [--order CODE] [--since TIME] [--until TIME] --out FILE
  Write the event history as a GS1 EPCIS 2.0 JSON-LD document (docs/epcis.md): of one order,
  or of everything, optionally only events at or after --since and before --until (ISO 8601
  with offset). Reads the same storage as the server: the data dir's SQLite, or DATABASE_URL.
  --out - writes to standard output; otherwise prints {"out", "events", "bytes"} as JSON.`;

export async function epcisCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      order: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (positionals[0] !== 'export' || positionals.length > 1)
    throw new UsageError("epcis takes one subcommand: 'export'");
  const out = values.out;
  if (!out) throw new UsageError('--out FILE is required (- for standard output)');
  const query = epcisQuerySchema.safeParse({
    order: values.order,
    since: values.since,
    until: values.until,
  });
  if (!query.success) {
    throw new UsageError(
      query.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  return withStoredContext(values['data-dir'], async (context) => {
    const document = await exportEpcis(context, query.data);
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (out === '-') {
      process.stdout.write(text);
    } else {
      writeFileSync(out, text);
      printJson({
        out,
        events: document.epcisBody.eventList.length,
        bytes: Buffer.byteLength(text),
      });
    }
    return 0;
  });
}
