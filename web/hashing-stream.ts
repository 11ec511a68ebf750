import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/*
 * The replica file's SHA-256 and size are counted as its bytes stream past: by the server
 * as it writes the file, by the station as it downloads it, with this one pass-through, so
 * both sides count the same bytes the same way.
 */
export function hashingStream(): {
  stream: Transform;
  result: () => { sha256: string; bytes: number };
} {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, result: () => ({ sha256: hash.digest('hex'), bytes }) };
}
