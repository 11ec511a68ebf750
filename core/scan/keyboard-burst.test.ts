import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createKeyboardBurstDetector,
  type BurstOptions,
  type BurstOutput,
  type KeyInput,
} from './keyboard-burst.ts';

const OPTIONS: BurstOptions = { suffix: 'enter', maxInterKeyMs: 40, minLength: 4 };

/** Key events for text typed at a steady pace from `start`. */
function keysOf(text: string, start: number, gapMs: number): KeyInput[] {
  return [...text].map((key, index) => ({ key, time: start + index * gapMs }));
}

function feed(events: KeyInput[], options = OPTIONS, endAt?: number): BurstOutput[] {
  const detector = createKeyboardBurstDetector(options);
  const out = events.flatMap((event) => detector.push(event));
  const last = events.at(-1)?.time ?? 0;
  return [...out, ...detector.flush(endAt ?? last + 10_000)];
}

const scans = (out: BurstOutput[]) => out.flatMap((o) => (o.kind === 'scan' ? [o.text] : []));
const typed = (out: BurstOutput[]) => out.flatMap((o) => (o.kind === 'typed' ? o.keys : []));

describe('keyboard burst detector', () => {
  it('reads a scanner burst ended by Enter as one scan', () => {
    const events = [...keysOf('RD7K2M9QX4T', 1000, 4), { key: 'Enter', time: 1044 }];
    expect(feed(events)).toEqual([
      { kind: 'scan', text: 'RD7K2M9QX4T', startedAt: 1000, endedAt: 1044 },
    ]);
  });

  it('hands typing back as typed keys, Enter included', () => {
    const events = [...keysOf('ab12', 0, 150), { key: 'Enter', time: 600 }];
    const out = feed(events);
    expect(scans(out)).toEqual([]);
    expect(typed(out)).toEqual(['a', 'b', '1', '2', 'Enter']);
  });

  it('ignores Shift, which wedge scanners press for every capital', () => {
    const events: KeyInput[] = [];
    for (const [index, key] of [...'RD12'].entries()) {
      events.push({ key: 'Shift', time: index * 6 }, { key, time: index * 6 + 2 });
    }
    events.push({ key: 'Enter', time: 30 });
    expect(scans(feed(events))).toEqual(['RD12']);
  });

  it('turns Ctrl+] into GS (FNC1) inside a GS1 scan', () => {
    const events: KeyInput[] = [
      ...keysOf(']C1010950110153000310ABC', 0, 3),
      { key: ']', ctrlKey: true, time: 75 },
      ...keysOf('2110', 78, 3),
      { key: 'Enter', time: 92 },
    ];
    expect(scans(feed(events))).toEqual([']C1010950110153000310ABC\u001d2110']);
  });

  it('reads a burst shorter than minLength as typing', () => {
    const events = [...keysOf('ab', 0, 5), { key: 'Enter', time: 12 }];
    expect(typed(feed(events))).toEqual(['a', 'b', 'Enter']);
  });

  it('separates back-to-back scans without losing a character', () => {
    const first = [...keysOf('RS0001', 0, 3), { key: 'Enter', time: 18 }];
    const second = [...keysOf('RS0002', 19, 3), { key: 'Enter', time: 37 }];
    expect(scans(feed([...first, ...second]))).toEqual(['RS0001', 'RS0002']);
  });

  it('keeps a key typed just before a scan as typing', () => {
    const events = [
      { key: 'x', time: 0 },
      ...keysOf('RD1234', 500, 4),
      { key: 'Enter', time: 524 },
    ];
    const out = feed(events);
    expect(typed(out)).toEqual(['x']);
    expect(scans(out)).toEqual(['RD1234']);
  });

  it('with suffix none, ends a scan by silence at the deadline', () => {
    const options: BurstOptions = { suffix: 'none', maxInterKeyMs: 40, minLength: 4 };
    const detector = createKeyboardBurstDetector(options);
    for (const event of keysOf('PK12345', 0, 5)) expect(detector.push(event)).toEqual([]);
    expect(detector.deadline()).toBe(71);
    expect(detector.flush(50)).toEqual([]);
    expect(detector.flush(71)).toEqual([
      { kind: 'scan', text: 'PK12345', startedAt: 0, endedAt: 30 },
    ]);
    expect(detector.deadline()).toBeUndefined();
  });

  it('with suffix enter, a burst that never gets its Enter is handed back as typed', () => {
    const out = feed(keysOf('RD1234', 0, 4));
    expect(scans(out)).toEqual([]);
    expect(typed(out)).toEqual([...'RD1234']);
  });

  it('treats a held key (autorepeat) as typing, not a burst', () => {
    const events: KeyInput[] = [
      { key: 'a', time: 0 },
      ...[1, 2, 3, 4, 5].map((n) => ({ key: 'a', time: n * 30, repeat: true })),
      { key: 'Enter', time: 400 },
    ];
    const out = feed(events);
    expect(scans(out)).toEqual([]);
    expect(typed(out)).toHaveLength(7);
  });

  it('reports a 10,000-character burst as overlong instead of holding it', () => {
    const events = [...keysOf('9'.repeat(10_000), 0, 1), { key: 'Enter', time: 10_000 }];
    expect(feed(events)).toEqual([{ kind: 'overlong', length: 10_000, startedAt: 0 }]);
  });

  it('reads the next scan normally after an overlong one', () => {
    const detector = createKeyboardBurstDetector({ ...OPTIONS, maxLength: 8 });
    keysOf('X'.repeat(20), 0, 1).forEach((event) => detector.push(event));
    expect(detector.push({ key: 'Enter', time: 20 })).toEqual([
      { kind: 'overlong', length: 20, startedAt: 0 },
    ]);
    keysOf('RD1234', 30, 2).forEach((event) => detector.push(event));
    expect(scans(detector.push({ key: 'Enter', time: 42 }))).toEqual(['RD1234']);
  });

  it('ends a burst at a non-text key and passes that key on', () => {
    const events = [...keysOf('RD12', 0, 3), { key: 'ArrowLeft', time: 10 }];
    expect(typed(feed(events))).toEqual(['R', 'D', '1', '2', 'ArrowLeft']);
  });

  it('never loses or invents a character (property)', () => {
    const code = fc.stringMatching(/^[0-9A-Z]{4,30}$/);
    const word = fc.stringMatching(/^[a-z]{1,6}$/);
    const piece = fc.oneof(
      code.map((text) => ({ scan: true, text })),
      word.map((text) => ({ scan: false, text })),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.integer({ min: 1, max: 8 }),
        (pieces, gap) => {
          const events: KeyInput[] = [];
          let time = 0;
          for (const { scan, text } of pieces) {
            time += scan ? 1 : 200;
            for (const key of text) {
              events.push({ key, time });
              time += scan ? gap : 200;
            }
            events.push({ key: 'Enter', time });
          }
          const out = feed(events);
          expect(scans(out)).toEqual(pieces.filter((p) => p.scan).map((p) => p.text));
          const typedText = typed(out).join('').replaceAll('Enter', '\n');
          expect(typedText).toEqual(
            pieces
              .filter((p) => !p.scan)
              .map((p) => `${p.text}\n`)
              .join(''),
          );
        },
      ),
    );
  });
});
