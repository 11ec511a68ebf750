import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#core/api/sync.ts';
import { mintOrderCode, mintOrderScopedCode } from '#core/codes/formats.ts';
import { createUuidV7Generator } from '#core/ids/uuid-v7.ts';
import { validatePush } from './validate-push.ts';

const nextId = createUuidV7Generator();
const order = mintOrderCode();
const units = Array.from({ length: 300 }, (_, i) => mintOrderScopedCode('unit', order, i + 1));
const pushOf = (events: number) => ({
  protocol: PROTOCOL_VERSION,
  outboxDepth: events,
  events: Array.from({ length: events }, (_, i) => ({
    id: nextId(),
    stationId: '0190a0b0-0000-7000-8000-000000000001',
    seq: i + 1,
    operator: null,
    stationTime: new Date().toISOString(),
    body: {
      type: 'package.closed',
      order,
      package: mintOrderScopedCode('package', order, i + 1),
      sscc: null,
      units,
      number: i + 1,
      of: null,
    },
  })),
});

describe('validatePush', () => {
  it('lets other work run while it checks a push of tens of thousands of codes', async () => {
    // Counts turns of the event loop (what a health request or another push needs) taken
    // while the push is checked: checked in one go, there would be none.
    let turns = 0;
    let checking = true;
    const turn = () => {
      turns++;
      if (checking) setImmediate(turn);
    };
    setImmediate(turn);
    const push = pushOf(125); // 37,500 unit codes, each with its check character
    const checked = await validatePush(push);
    checking = false;
    expect(checked.events).toHaveLength(125);
    expect(turns).toBeGreaterThanOrEqual(2);
  });

  it('answers what core’s schema answers: the checked push, defaults and all', async () => {
    const push = pushOf(2);
    expect(await validatePush(push)).toEqual(push);
  });

  it('names every failing event by its place, and the envelope before the events', async () => {
    const push = pushOf(3);
    (push.events[0] as { seq: number }).seq = 0;
    (push.events[2]!.body as { units: string[] }).units = [];
    await expect(validatePush(push)).rejects.toMatchObject({
      code: 'OT_ERR_VALIDATION',
      issues: [
        { path: 'body.events.0.seq', message: expect.any(String) },
        { path: 'body.events.2.body.units', message: expect.any(String) },
      ],
    });
    await expect(validatePush({ ...push, protocol: 'one' })).rejects.toMatchObject({
      issues: [{ path: 'body.protocol', message: expect.any(String) }],
    });
  });
});
