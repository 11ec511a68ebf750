import { afterEach, describe, expect, it } from 'vitest';
import { createKeyboardBurstDetector } from '#core/scan/keyboard-burst.ts';
import { HidPosDecoder } from '#native/hid/hid-pos-decoder.ts';
import { stationFixture } from './station-fixture.ts';

/*
 * A scan is normalised once, whichever way it came in (docs/station.md): the bytes a HID POS
 * scanner reports (AIM identifier in its own field) and the keys a keyboard-wedge scanner
 * types (prefix and all) reach the station as text, and the same label is consumed once
 * whether it arrives with ]C0, ]C1, ]Q1, ]d2 or none. (Serial and typed input, through to
 * the server and EPCIS: tests/guarantees/prefixed-scans.test.ts.)
 */
let fixture: ReturnType<typeof stationFixture> | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** A recorded 64-byte HID POS report: id 2, count, AIM identifier, data. */
function hidPosReport(data: string, aim: string): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes[0] = 0x02;
  bytes[1] = data.length;
  bytes.set(Buffer.from(aim.padEnd(3, '\0'), 'latin1'), 2);
  bytes.set(Buffer.from(data, 'latin1'), 5);
  return bytes;
}

function hidPosText(data: string, aim: string): string {
  const read = new HidPosDecoder(4096).push(hidPosReport(data, aim));
  if (read?.kind !== 'read') throw new Error('the report did not decode');
  return Buffer.from(read.bytes).toString('latin1');
}

/** A wedge scanner types each character 3 ms apart, then Enter. */
function wedgeText(text: string): string {
  const detector = createKeyboardBurstDetector({
    suffix: 'enter',
    maxInterKeyMs: 40,
    minLength: 4,
  });
  let time = 1000;
  const out = [...text, 'Enter'].flatMap((key) => detector.push({ key, time: (time += 3) }));
  const scan = out.find((o) => o.kind === 'scan');
  if (scan?.kind !== 'scan') throw new Error(`the burst was not a scan: ${JSON.stringify(out)}`);
  return scan.text;
}

describe('every scanner path reaches one normalised code', () => {
  for (const [path, read] of [
    ['HID POS', (code: string, aim: string) => hidPosText(code, aim)],
    ['keyboard wedge', (code: string, aim: string) => wedgeText(`${aim}${code}`)],
  ] as const) {
    it(`consumes a label once through ${path}, whatever prefix it carries`, () => {
      fixture = stationFixture('production');
      const f = fixture;
      f.station.scan(f.order);
      const verdicts = [']C0', ']C1', ']Q1', ']d2'].map((aim) => {
        const reply = f.station.scan(read(f.resource(1), aim));
        return reply.ok ? reply.decision?.verdict : reply.error.key;
      });
      expect(verdicts).toEqual([
        'accepted',
        'already_consumed',
        'already_consumed',
        'already_consumed',
      ]);
      const effects = f
        .events()
        .map((e) => (e.body.type === 'scan.decided' ? e.body.effect : undefined))
        .filter(Boolean);
      expect(effects).toEqual([
        { kind: 'load_order', order: f.order },
        { kind: 'consume', resource: f.resource(1) },
      ]);
    });
  }
});
