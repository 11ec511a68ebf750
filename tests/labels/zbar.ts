import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * An independent check that labels scan: poppler rasterises the PDF as a printer would,
 * zbar (Debian zbar-tools) decodes the image. Neither shares code with bwip-js.
 */
const run = promisify(execFile);

export interface Decoded {
  /** zbar's symbology name: CODE-128, QR-Code, … */
  type: string;
  data: string;
  /** GS1-128: zbar saw FNC1 in first position. */
  gs1: boolean;
}

export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ordertrace-labels-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Rasterise pages `first`…`last` of a PDF to PNG files; returns their paths in page order. */
export async function rasterise(
  pdf: Buffer,
  dir: string,
  { dpi = 300, first, last }: { dpi?: number; first?: number; last?: number } = {},
): Promise<string[]> {
  const input = join(dir, 'label.pdf');
  await writeFile(input, pdf);
  const range = [...(first ? ['-f', String(first)] : []), ...(last ? ['-l', String(last)] : [])];
  await run('pdftoppm', ['-r', String(dpi), '-png', '-gray', ...range, input, join(dir, 'page')]);
  const pages = (await readdir(dir)).filter((name) => name.startsWith('page')).sort();
  return pages.map((name) => join(dir, name));
}

const unescapeXml = (text: string) =>
  text.replace(
    /&(lt|gt|amp|quot|apos);/g,
    (_m, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[name] ?? '',
  );

export async function decodeImage(png: string): Promise<Decoded[]> {
  let xml: string;
  try {
    ({ stdout: xml } = await run('zbarimg', ['--xml', '-q', '--nodbus', png]));
  } catch (error) {
    // zbarimg exits 4 when the image holds no symbol: that is an answer, not a failure.
    const failed = error as { code?: number; stdout?: string };
    if (failed.code !== 4) throw error;
    xml = failed.stdout ?? '';
  }
  return [
    ...xml.matchAll(/<symbol ([^>]*)><data>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/data>/g),
  ].map((match) => {
    const attributes = match[1] ?? '';
    return {
      type: /type='([^']*)'/.exec(attributes)?.[1] ?? '',
      data: match[2] ?? unescapeXml(match[3] ?? ''),
      gs1: /modifiers='[^']*GS1/.test(attributes),
    };
  });
}

export const byTypeAndData = (a: Decoded, b: Decoded) =>
  `${a.type}${a.data}`.localeCompare(`${b.type}${b.data}`);

/**
 * The symbols a ZPL label prints (Code 128, GS1-128 with FNC1 first, QR), as zbar would
 * report them: what a decoded preview must equal.
 */
export function zplSymbols(zpl: string): Decoded[] {
  const symbols: Decoded[] = [];
  for (const field of zpl.matchAll(/\^B([CQ])N[^^]*(?:\^FH)?\^FD([^^]*)\^FS/g)) {
    const [, type, data = ''] = field;
    if (type === 'Q') symbols.push({ type: 'QR-Code', data: data.replace(/^MA,/, ''), gs1: false });
    else if (data.startsWith('>;>8'))
      symbols.push({ type: 'CODE-128', data: data.slice(4), gs1: true });
    else symbols.push({ type: 'CODE-128', data, gs1: false });
  }
  return symbols.sort(byTypeAndData);
}
