/**
 * Split a byte stream into text lines and hand each to `onLine` as it completes, without
 * its newline; a last line without one is handed over at the end. One synchronous call per
 * line: a snapshot has a million of them, so no promise per line.
 */
export async function forEachLine(
  body: AsyncIterable<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      onLine(buffer.slice(start, newline));
      start = newline + 1;
      newline = buffer.indexOf('\n', start);
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (buffer) onLine(buffer);
}
