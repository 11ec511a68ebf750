import { parseArgs } from 'node:util';
import { parseScan } from '#core/scan/parse-scan.ts';
import { printJson } from '../output.ts';
import { EXIT, UsageError } from '../usage-error.ts';

export const parseUsage = `ordertrace parse <scan>
  Describe what a scanner delivered, as one JSON object.
  <scan> may carry an AIM symbology identifier (]C1, ]d2, ]Q3 …) and FNC1 as ASCII 29.
  Because a shell cannot easily pass ASCII 29, the text <GS> or \\x1D in <scan> stands for it.
  Use - to read the scan from standard input (one scan, trailing newline removed).
  Exit 0 for a valid code, 1 for an invalid one, 2 for a usage error.`;

const GS_ESCAPE = /<GS>|\\x1d/gi;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function parseCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
  if (positionals.length !== 1) {
    throw new UsageError(`parse takes exactly one scan, got ${positionals.length}`);
  }
  const [argument = ''] = positionals;
  const scan = argument === '-' ? await readStdin() : argument.replace(GS_ESCAPE, '\u001d');
  const result = parseScan(scan);
  printJson(result);
  return result.valid ? EXIT.ok : EXIT.invalid;
}
