import { describe, expect, it } from 'vitest';
import { forEachLine } from './line-reader.ts';

async function* chunks(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

const linesOf = async (body: AsyncIterable<Uint8Array>) => {
  const lines: string[] = [];
  await forEachLine(body, (line) => lines.push(line));
  return lines;
};

describe('forEachLine', () => {
  it('joins lines split across chunks and hands over a last line without a newline', async () => {
    expect(await linesOf(chunks('{"a":', '1}\n{"b"', ':2}\n\nlast'))).toEqual([
      '{"a":1}',
      '{"b":2}',
      '',
      'last',
    ]);
  });

  it('decodes a character whose bytes are split across chunks', async () => {
    const bytes = new TextEncoder().encode('订单\n');
    expect(await linesOf(chunks(bytes.slice(0, 2), bytes.slice(2, 4), bytes.slice(4)))).toEqual([
      '订单',
    ]);
  });

  it('hands over nothing for an empty stream', async () => {
    expect(await linesOf(chunks())).toEqual([]);
  });
});
