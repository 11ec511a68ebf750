import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  formatSerial,
  mintBadgeCode,
  mintOrderCode,
  mintOrderScopedCode,
  mintProductCode,
  parseCode,
  SERIAL_MAX,
} from '#core/codes/formats.ts';
import { messageOf } from '#core/errors/message-of.ts';
import { mintSscc } from '#core/gs1/check-digit.ts';
import { printJson } from '../output.ts';
import { EXIT, UsageError } from '../usage-error.ts';

export const newUsage = `ordertrace new order
ordertrace new badge | product
ordertrace new resource --order CODE --serial N
ordertrace new unit --order CODE --serial N
ordertrace new package --order CODE --serial N
ordertrace new sscc --prefix GCP --serial N [--extension D]
  Mint a code and print it as JSON: {"kind": …, "code": …}.`;

const wholeNumber = (flag: string) =>
  z
    .string({ error: `${flag} N is required` })
    .regex(/^[0-9]+$/, `${flag} must be a whole number`)
    .transform(Number);

const serial = wholeNumber('--serial').pipe(
  z.number().min(1, '--serial starts at 1').max(SERIAL_MAX, `--serial goes up to ${SERIAL_MAX}`),
);

const orderCode = z.string({ error: '--order CODE is required' }).refine(
  (code) => {
    const parsed = parseCode(code);
    return parsed.valid && parsed.kind === 'order';
  },
  { error: (issue) => `--order '${String(issue.input)}' is not a valid order code` },
);

const scopedFlags = z.strictObject({
  order: orderCode,
  serial,
});
const ssccFlags = z.strictObject({
  prefix: z
    .string({ error: '--prefix GCP is required' })
    .regex(/^[0-9]{6,12}$/, '--prefix is a GS1 company prefix of 6 to 12 digits'),
  serial: wholeNumber('--serial'),
  extension: z
    .string()
    .regex(/^[0-9]$/, '--extension is one digit')
    .default('0'),
});

function validate<T>(schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new UsageError(result.error.issues.map((issue) => issue.message).join('; '));
  }
  return result.data;
}

export function newCommand(args: string[]): number {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      order: { type: 'string' },
      serial: { type: 'string' },
      prefix: { type: 'string' },
      extension: { type: 'string' },
    },
  });
  const [kind, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const flagsGiven = Object.keys(values).length > 0;
  const noFlags = (name: string) => {
    if (flagsGiven) throw new UsageError(`'new ${name}' takes no flags`);
  };
  switch (kind) {
    case 'order':
      noFlags(kind);
      printJson({ kind, code: mintOrderCode() });
      return EXIT.ok;
    case 'badge':
      noFlags(kind);
      printJson({ kind, code: mintBadgeCode() });
      return EXIT.ok;
    case 'product':
      noFlags(kind);
      printJson({ kind, code: mintProductCode() });
      return EXIT.ok;
    case 'resource':
    case 'unit':
    case 'package': {
      const flags = validate(scopedFlags, values);
      const code = mintOrderScopedCode(kind, flags.order, flags.serial);
      printJson({ kind, code, order: flags.order, serial: formatSerial(flags.serial) });
      return EXIT.ok;
    }
    case 'sscc': {
      const flags = validate(ssccFlags, values);
      try {
        printJson({ kind, code: mintSscc(flags.prefix, flags.serial, Number(flags.extension)) });
      } catch (error) {
        throw new UsageError(messageOf(error));
      }
      return EXIT.ok;
    }
    case undefined:
      throw new UsageError(
        'new needs a kind: order, resource, unit, package, badge, product or sscc',
      );
    default:
      throw new UsageError(
        `cannot mint '${kind}': expected order, resource, unit, package, badge, product or sscc`,
      );
  }
}
