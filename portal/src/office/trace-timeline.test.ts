import { describe, expect, it } from 'vitest';
import type { Trace } from '#core/api/back-office.ts';
import { nameIn } from '#core/text/bilingual.ts';
import { en, type MessageKey } from '../lib/i18n/en.ts';
import { zh } from '../lib/i18n/zh.ts';
import { latinWords, LATIN_ALLOWED } from '../../../tests/lint/latin-words.ts';
import { traceTimeline, type Say } from './trace-timeline.ts';

/** The portal's I18n over its real catalogs, without Svelte (i18n.svelte.ts does the same). */
function sayIn(locale: 'en' | 'zh-CN'): Say {
  const messages: Readonly<Record<string, string>> = locale === 'en' ? en : zh;
  const t = (key: MessageKey, params: Record<string, string | number> = {}) =>
    messages[key]!.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  return {
    t,
    said: (key, params, english) =>
      key && key in messages ? t(key as MessageKey, params) : english,
    name: (nameEn, nameZh) => nameIn(locale, nameEn, nameZh),
  };
}

const station = { id: 's1', name: 'P1', role: 'production', line: 'L1' };
const event = (id: string, serverTime: string, body: Record<string, unknown>, more = {}) => ({
  id,
  type: body['type'],
  station,
  operator: { code: 'BGAAAAAAAA0', name: 'Wang Li' },
  stationTime: serverTime,
  serverTime,
  verdict: (body['verdict'] as string | undefined) ?? null,
  body,
  mentionsCode: false,
  outcome: 'applied',
  rejection: null,
  ...more,
});
const trace = {
  resources: [{ code: 'RS1', step: 'assembly', stepZh: '组装' }],
  history: [
    {
      at: '2026-01-01T08:00:00.000Z',
      actor: 'user:planner@example.com',
      by: { kind: 'user', name: 'Zhou Min' },
      action: 'order.release',
      detail: {},
    },
    {
      at: '2026-01-01T07:00:00.000Z',
      actor: 'user:wang.fang@example.com',
      by: { kind: 'user', name: 'Wang Fang' },
      action: 'order.lines_chosen',
      detail: {},
    },
  ],
  events: [
    event(
      'e2',
      '2026-01-01T09:00:01.000Z',
      {
        type: 'scan.decided',
        scanned: 'RSX',
        code: 'RSX',
        verdict: 'line_stop',
        reason: 'Resource of another order.',
      },
      { mentionsCode: true },
    ),
    event(
      'e1',
      '2026-01-01T08:30:01.000Z',
      { type: 'order.loaded', order: 'RD1' },
      { operator: null },
    ),
    event('e3', '2026-01-01T08:40:00.000Z', {
      type: 'scan.decided',
      scanned: 'RS1',
      code: 'RS1',
      verdict: 'accepted',
      reason: 'Resource of this order.',
      effect: { kind: 'consume', resource: 'RS1' },
    }),
    event('e4', '2026-01-01T08:50:00.000Z', {
      type: 'progress.reported',
      order: 'RD1',
      step: 'assembly',
      unitsDone: 1,
      unitsOrdered: 2,
    }),
  ],
  exceptions: [
    {
      id: 'x1',
      kind: 'line_stop',
      description: 'Line stopped at P1: scanned RSX (Resource of another order.)',
      messageKey: 'msg.line_stop',
      params: { station: 'P1', scanned: 'RSX', reason: 'Resource of another order.' },
      status: 'open',
      event: 'e2',
      resolutionNote: null,
      resolvedBy: null,
      createdAt: '2026-01-01T09:00:02.000Z',
    },
  ],
} as unknown as Trace;

describe('the trace time line', () => {
  it('tells audit history, station events and exceptions in time order, in sentences with names', () => {
    expect(traceTimeline(trace, sayIn('en')).map((entry) => entry.what)).toEqual([
      'Products chosen for the order lines — by Wang Fang',
      'Released to production — by Zhou Min',
      'Order RD1 loaded at station P1',
      'Scanned RS1 at station P1: accepted, material used — by Wang Li',
      '1 of 2 units through assembly at station P1 — by Wang Li',
      'Scanned RSX at station P1: refused, it belongs to another order; the line stopped — by Wang Li',
      'Line stop: Line stopped at P1: RSX was scanned, which belongs to another order.',
    ]);
  });

  it('says the same in Chinese, with no English word but codes and names', () => {
    const said = traceTimeline(trace, sayIn('zh-CN')).map((entry) => entry.what);
    expect(said).toEqual([
      '已为订单行选定产品（Wang Fang）',
      '下达生产（Zhou Min）',
      '在站点 P1 载入订单 RD1',
      '在站点 P1 扫描 RS1：已接受，物料已使用（Wang Li）',
      '在站点 P1：2 件中 1 件完成工序“组装”（Wang Li）',
      '在站点 P1 扫描 RSX：被拒绝，属于另一个订单，产线已停（Wang Li）',
      expect.stringMatching(/^停线：P1 停线：扫描了 RSX/),
    ]);
    const names = new Set(['Wang', 'Fang', 'Zhou', 'Min', 'Wang', 'Li', 'P', 'RD', 'RS', 'RSX']);
    const english = said.flatMap((text) =>
      latinWords(text).filter((word) => !LATIN_ALLOWED.has(word) && !names.has(word)),
    );
    expect(english).toEqual([]);
  });

  it('marks the entries that name the traced code and the ones that went wrong', () => {
    const [, , loaded, , , stop, exception] = traceTimeline(trace, sayIn('en'));
    expect(loaded).toMatchObject({ hit: false, problem: false });
    expect(stop).toMatchObject({ hit: true, problem: true });
    expect(exception).toMatchObject({ problem: true });
  });

  it('says an event the server did not apply', () => {
    const rejected = {
      ...trace,
      exceptions: [],
      history: [],
      events: [{ ...trace.events[1]!, outcome: 'rejected' }],
    } as Trace;
    expect(traceTimeline(rejected, sayIn('zh-CN'))[0]).toMatchObject({
      what: '在站点 P1 载入订单 RD1（服务器未执行）',
      problem: true,
    });
  });
});
