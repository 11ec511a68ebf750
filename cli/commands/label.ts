import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { mintOrderScopedCode, parseCode, SERIAL_MAX } from '#core/codes/formats.ts';
import { DEFAULT_SIZES } from '#core/labels/default-templates.ts';
import { LabelDataError, type LabelDataInput } from '#core/labels/label-data.ts';
import type { LabelKind } from '#core/labels/label-fields.ts';
import type { LabelSizeId } from '#core/labels/label-sizes.ts';
import {
  LABEL_FORMATS,
  layoutFor,
  renderLabel,
  renderResourceBatch,
  type LabelOptions,
} from '#labels/render-label.ts';
import type { ServerTrust } from '#station/sync/enroll.ts';
import { printJson } from '../output.ts';
import { EXIT, UsageError } from '../usage-error.ts';

export const labelUsage = `ordertrace label package --order CODE [--package N/M] [--sscc SSCC] [--ship-to TEXT]
    [--contents TEXT] [--customer-ref TEXT] [--size 100x150mm|4x6in] OUTPUT
ordertrace label package --data-dir DIR --order CODE [--package N] [--size …] OUTPUT
    the real package N of the order (its SSCC, n of m, ship-to, contents, reference) from
    the server's storage: the data dir's SQLite, or DATABASE_URL
ordertrace label package --server URL --user EMAIL (--fingerprint SHA256 | --ca FILE)
    --order CODE [--package N] [--size …] OUTPUT
    the same from a running server over HTTPS, logged in as a planner, supervisor or admin
    with the password in ORDERTRACE_PASSWORD; the server is verified by its certificate's
    SHA-256 fingerprint (the back office shows it) or by the CA that signed it
ordertrace label resource --code CODE [--material TEXT] [--step TEXT] [--size 100x50mm|50x30mm] OUTPUT
ordertrace label resource --order CODE --serials FIRST-LAST [--material TEXT] [--step TEXT] --format pdf …
ordertrace label unit --code CODE [--product TEXT] [--size 100x50mm|50x30mm] OUTPUT
  OUTPUT is --format pdf|zpl|png|svg --out FILE (- for standard output), and optionally
  --template FILE (a label template as JSON, see docs/labels.md), --dpi N (PNG resolution),
  --zpl-cjk-font NAME (printer font for Chinese text in ZPL, default E:ANMDS.TTF),
  --language en|zh-CN (the captions' language, default en).
  Render a label; prints {"kind", "format", "out", "bytes", "pages", "truncated"} as JSON.
  With --serials, all resource labels of the order go into one PDF, one label per page.
  Exit 0 when written, 2 for a usage error or data that cannot make a valid label.`;

const text = z.string().optional();
const output = {
  format: z.enum(LABEL_FORMATS, { error: `--format is one of ${LABEL_FORMATS.join(', ')}` }),
  out: z.string({ error: '--out FILE is required' }).min(1, '--out FILE is required'),
  template: z.string().optional(),
  dpi: z
    .string()
    .regex(/^[0-9]{2,4}$/, '--dpi is a whole number')
    .transform(Number)
    .pipe(z.number().min(72, '--dpi is at least 72').max(1200, '--dpi is at most 1200'))
    .optional(),
  'zpl-cjk-font': z
    .string()
    .regex(/^[A-Z]:[A-Z0-9_.-]{1,32}$/i, '--zpl-cjk-font is a printer font like E:ANMDS.TTF')
    .optional(),
  language: z.enum(['en', 'zh-CN'], { error: '--language is en or zh-CN' }).optional(),
};

const sizeOf = (kind: LabelKind) =>
  z
    .string()
    .refine((size) => (DEFAULT_SIZES[kind] as readonly string[]).includes(size), {
      error: `--size of a ${kind} label is one of ${DEFAULT_SIZES[kind].join(', ')}`,
    })
    .optional();

const packageFlags = z.strictObject({
  ...output,
  order: z.string({ error: '--order CODE is required' }),
  package: z
    .string()
    .regex(
      /^[0-9]{1,4}(\/[0-9]{1,4})?$/,
      '--package is N/M, e.g. 2/3 (N alone with --data-dir or --server)',
    )
    .default('1/1'),
  sscc: text,
  'ship-to': text,
  contents: text,
  'customer-ref': text,
  size: sizeOf('package'),
  'data-dir': text,
  server: text,
  user: text,
  fingerprint: text,
  ca: text,
});

const serialRange = z
  .string()
  .regex(/^[0-9]+-[0-9]+$/, '--serials is FIRST-LAST, e.g. 1-250')
  .transform((range) => range.split('-').map(Number) as [number, number])
  .refine(([first, last]) => first >= 1 && first <= last && last <= SERIAL_MAX, {
    error: `--serials runs from 1 up to ${SERIAL_MAX}, first ≤ last`,
  })
  .refine(([first, last]) => last - first < 10_000, {
    error: '--serials covers at most 10000 labels per PDF',
  });

const resourceFlags = z
  .strictObject({
    ...output,
    code: text,
    order: text,
    serials: serialRange.optional(),
    material: text,
    step: text,
    size: sizeOf('resource'),
  })
  .refine((flags) => (flags.code === undefined) !== (flags.order === undefined), {
    error: 'give either --code CODE, or --order CODE with --serials FIRST-LAST',
  })
  .refine((flags) => (flags.order === undefined) === (flags.serials === undefined), {
    error: '--order and --serials go together',
  });

const unitFlags = z.strictObject({
  ...output,
  code: text,
  product: text,
  size: sizeOf('unit'),
});

function validate<T>(schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new UsageError(result.error.issues.map((issue) => issue.message).join('; '));
  }
  return result.data;
}

function optionsFrom(flags: z.infer<z.ZodObject<typeof output>> & { size?: string }): LabelOptions {
  let template: unknown;
  if (flags.template !== undefined) {
    try {
      template = JSON.parse(readFileSync(flags.template, 'utf8'));
    } catch (error) {
      throw new UsageError(`--template ${flags.template}: ${(error as Error).message}`);
    }
  }
  return {
    ...(template !== undefined ? { template } : {}),
    ...(flags.size ? { size: flags.size as LabelSizeId } : {}),
    ...(flags.dpi ? { pngDpi: flags.dpi } : {}),
    ...(flags['zpl-cjk-font'] ? { zpl: { cjkFont: flags['zpl-cjk-font'] } } : {}),
    ...(flags.language ? { language: flags.language } : {}),
  };
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

/**
 * Where a stored package's data comes from: the server's storage (--data-dir) or a running
 * server (--server); undefined when the flags carry the data themselves.
 */
function storedSource(flags: z.infer<typeof packageFlags>) {
  const from =
    flags['data-dir'] !== undefined ? '--data-dir' : flags.server !== undefined ? '--server' : null;
  const remote = (['user', 'fingerprint', 'ca'] as const).filter(
    (flag) => flags[flag] !== undefined,
  );
  if (!from) {
    if (remote.length > 0) throw new UsageError(`--${remote[0]} goes with --server URL`);
    return undefined;
  }
  if (flags['data-dir'] !== undefined && flags.server !== undefined)
    throw new UsageError('give --data-dir or --server, not both');
  const typed = (['sscc', 'ship-to', 'contents', 'customer-ref'] as const).filter(
    (flag) => flags[flag] !== undefined,
  );
  if (typed.length > 0) {
    throw new UsageError(
      `${from} takes the package's data from the server; leave out --${typed.join(', --')}`,
    );
  }
  if (flags['data-dir'] !== undefined) {
    if (remote.length > 0)
      throw new UsageError(`--${remote[0]} goes with --server, not --data-dir`);
    return { kind: 'data-dir' as const, dataDir: flags['data-dir'], order: flags.order };
  }
  if (!flags.user)
    throw new UsageError('--server needs --user EMAIL (a planner, supervisor or admin)');
  if ((flags.fingerprint === undefined) === (flags.ca === undefined))
    throw new UsageError(
      "--server needs one of --fingerprint SHA256 (the server certificate's, shown in the back office) and --ca FILE",
    );
  let trust: ServerTrust;
  if (flags.ca !== undefined) {
    try {
      trust = { caPem: readFileSync(flags.ca, 'utf8') };
    } catch (error) {
      throw new UsageError(`--ca ${flags.ca}: ${(error as Error).message}`);
    }
  } else trust = { fingerprint: flags.fingerprint ?? '' };
  return {
    kind: 'server' as const,
    server: flags.server ?? '',
    user: flags.user,
    trust,
    order: flags.order,
  };
}

/** Flags → the label to render, or a batch of resource labels. */
function request(kind: string | undefined, values: Record<string, unknown>) {
  switch (kind) {
    case 'package': {
      const flags = validate(packageFlags, values);
      const source = storedSource(flags);
      if (source) return { flags, stored: source };
      const [number, count] = flags.package.split('/').map(Number);
      if (count === undefined) throw new UsageError('--package is N/M, e.g. 2/3');
      const input: LabelDataInput = {
        kind,
        data: {
          orderCode: flags.order,
          packageNumber: number,
          packageCount: count,
          ...optional('sscc', flags.sscc),
          ...optional('shipTo', flags['ship-to']),
          ...optional('contents', flags.contents),
          ...optional('customerReference', flags['customer-ref']),
        },
      };
      return { flags, input };
    }
    case 'resource': {
      const flags = validate(resourceFlags, values);
      const details = { ...optional('material', flags.material), ...optional('step', flags.step) };
      if (flags.order !== undefined && flags.serials) {
        const order = parseCode(flags.order);
        if (!order.valid || order.kind !== 'order') {
          throw new UsageError(`--order '${flags.order}' is not a valid order code`);
        }
        if (flags.format !== 'pdf')
          throw new UsageError('a batch (--serials) is written as --format pdf');
        const [first, last] = flags.serials;
        const batch = Array.from({ length: last - first + 1 }, (_, index) => ({
          code: mintOrderScopedCode('resource', flags.order ?? '', first + index),
          ...details,
        }));
        return { flags, batch: { order: flags.order, resources: batch } };
      }
      return { flags, input: { kind, data: { code: flags.code, ...details } } as LabelDataInput };
    }
    case 'unit': {
      const flags = validate(unitFlags, values);
      const input: LabelDataInput = {
        kind,
        data: { code: flags.code, ...optional('product', flags.product) },
      };
      return { flags, input };
    }
    case undefined:
      throw new UsageError('label needs a kind: package, resource or unit');
    default:
      throw new UsageError(`there is no '${kind}' label: expected package, resource or unit`);
  }
}

/** A stored package's label data; the server code is loaded only here (flags need none). */
async function storedInput(
  stored: NonNullable<ReturnType<typeof storedSource>>,
  number: number,
): Promise<LabelDataInput> {
  if (stored.kind === 'data-dir') {
    const { storedPackage } = await import('./stored-package.ts');
    return storedPackage(stored.dataDir, stored.order, number);
  }
  const { serverPackage, PASSWORD_ENV } = await import('./server-package.ts');
  return serverPackage({ ...stored, password: process.env[PASSWORD_ENV], number });
}

export async function labelCommand(args: string[]): Promise<number> {
  const stringFlags = [
    'format',
    'out',
    'template',
    'dpi',
    'zpl-cjk-font',
    'language',
    'size',
    'order',
    'package',
    'sscc',
    'ship-to',
    'contents',
    'customer-ref',
    'code',
    'serials',
    'material',
    'step',
    'product',
    'data-dir',
    'server',
    'user',
    'fingerprint',
    'ca',
  ];
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: Object.fromEntries(stringFlags.map((flag) => [flag, { type: 'string' as const }])),
  });
  const [kind, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const { flags, batch, stored, ...given } = request(kind, values);
  const input = stored
    ? await storedInput(stored, Number(flags.package?.split('/')[0]))
    : given.input;
  const options = optionsFrom(flags);
  let bytes: Buffer;
  let pages = 1;
  let truncated: string[] = [];
  try {
    if (batch) {
      bytes = await renderResourceBatch(batch.order, batch.resources, options);
      pages = batch.resources.length;
    } else if (input) {
      truncated = layoutFor(input, options).truncated;
      bytes = await renderLabel(input, flags.format, options);
    } else {
      throw new UsageError('nothing to render');
    }
  } catch (error) {
    // Data that cannot make a valid label came from the flags: a usage error, like `new`.
    if (error instanceof LabelDataError) throw new UsageError(error.message);
    throw error;
  }
  if (flags.out === '-') process.stdout.write(bytes);
  else writeFileSync(flags.out, bytes);
  if (flags.out !== '-') {
    printJson({
      kind,
      format: flags.format,
      out: flags.out,
      bytes: bytes.length,
      pages,
      truncated,
    });
  }
  return EXIT.ok;
}
