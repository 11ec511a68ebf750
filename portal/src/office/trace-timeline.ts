import type { Trace, TraceEvent } from '#core/api/back-office.ts';
import { ORDER_ACTIONS } from '#core/orders/state-machine.ts';
import { FINISHED_STEP } from '#core/orders/completeness.ts';
import { VERDICTS, type StationEventBody } from '#core/events/station-events.ts';
import type { MessageKey } from '../lib/i18n/en.ts';

/*
 * The trace in people's words (issue 16): each station event, audit entry and exception of
 * an order as a sentence in the reader's language ("Scanned RS… at station P1: accepted,
 * material used — by Wang Li"), people by name, never an event key or a badge code where a
 * name is known. Pure: the words come from the portal's catalogs through `Say`.
 */

/** What the time line needs of the portal's I18n (lib/i18n/i18n.svelte.ts). */
export interface Say {
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  said: (
    messageKey: string | null | undefined,
    params: Record<string, string | number>,
    english: string,
  ) => string;
  name: (en: string | null | undefined, zh: string | null | undefined) => string;
}

export interface TimelineEntry {
  at: string;
  /** The sentence: what happened, where, and who did it. */
  what: string;
  /** The entry names the traced code itself. */
  hit: boolean;
  problem: boolean;
}

const ACTIONS = new Set<string>(ORDER_ACTIONS);
const OTHER_ACTIONS = new Set([
  'submitted',
  'lines_chosen',
  'product_proposed',
  'cancel_undone',
  'problem_reported',
]);
const KNOWN_VERDICTS = new Set<string>(VERDICTS);

/** A step by its name in the reader's language (the bill of materials carries both). */
function stepName(trace: Trace, step: string, say: Say): string {
  if (step === FINISHED_STEP) return say.t('trace.step.finished');
  const known = trace.resources.find((r) => r.step === step);
  return known ? say.name(known.step, known.stepZh) : step;
}

/** One station event as a sentence, without who. */
function eventSentence(trace: Trace, event: TraceEvent, say: Say): string {
  const station = event.station.name;
  // The event as the station sent it (checked against its schema when it was stored).
  const body = event.body as unknown as StationEventBody;
  switch (body.type) {
    case 'scan.decided': {
      const code = body.code ?? body.scanned;
      if (event.verdict === 'accepted' || body.verdict === 'accepted') {
        const effect = body.effect?.kind;
        return effect
          ? say.t('trace.scan.acceptedEffect', {
              code,
              station,
              effect: say.t(`trace.effect.${effect}`),
            })
          : say.t('trace.scan.accepted', { code, station });
      }
      const verdict = KNOWN_VERDICTS.has(body.verdict) ? body.verdict : 'unknown';
      return say.t('trace.scan.refused', {
        code,
        station,
        verdict: say.t(`trace.verdict.${verdict}`),
      });
    }
    case 'order.loaded':
      return say.t('trace.loaded', { order: body.order, station });
    case 'progress.reported':
      return say.t('trace.progress', {
        units: body.unitsDone,
        of: body.unitsOrdered,
        step: stepName(trace, body.step, say),
        station,
      });
    case 'package.closed':
      return body.of === null
        ? say.t('trace.packageClosed', { number: body.number, units: body.units.length, station })
        : say.t('trace.packageClosedOf', {
            number: body.number,
            of: body.of,
            units: body.units.length,
            station,
          });
    case 'package.dispatched':
      return body.carrier
        ? say.t('trace.dispatchedBy', { package: body.package, station, carrier: body.carrier })
        : say.t('trace.dispatched', { package: body.package, station });
    case 'label.printed':
      return body.reprintReason
        ? say.t('trace.reprinted', { code: body.code, station, reason: body.reprintReason })
        : say.t('trace.printed', { code: body.code, station });
    case 'line.cleared':
      return say.t('trace.cleared', { station, reason: body.reason });
  }
}

/** An audit action on the order (`order.release`, `problem.reported`…) as words. */
export function actionWords(action: string, say: Say): string {
  const [entity, verb = ''] = action.split('.');
  if (entity === 'order' && ACTIONS.has(verb))
    return say.t(`trace.action.${verb as (typeof ORDER_ACTIONS)[number]}`);
  const other = entity === 'order' ? verb : action.replace('.', '_');
  if (OTHER_ACTIONS.has(other)) return say.t(`trace.action.${other}` as MessageKey);
  return say.t('trace.action.other');
}

const withWho = (what: string, who: string | null | undefined, say: Say) =>
  who ? say.t('trace.by', { what, who }) : what;

/** The order's audit history, its station events and its exceptions as one time line. */
export function traceTimeline(trace: Trace, say: Say): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...trace.history.map((entry) => ({
      at: entry.at,
      what: withWho(
        actionWords(entry.action, say),
        entry.by.kind === 'system' ? say.t('trace.system') : entry.by.name,
        say,
      ),
      hit: false,
      problem: false,
    })),
    ...trace.events.map((event) => {
      const sentence = eventSentence(trace, event, say);
      const what =
        event.outcome === 'rejected' ? say.t('trace.notApplied', { what: sentence }) : sentence;
      return {
        at: event.serverTime,
        what: withWho(
          what,
          event.operator ? (event.operator.name ?? event.operator.code) : null,
          say,
        ),
        hit: event.mentionsCode,
        problem:
          (event.verdict !== null && event.verdict !== 'accepted') || event.outcome === 'rejected',
      };
    }),
    ...trace.exceptions.map((exception) => ({
      at: exception.createdAt,
      what: say.t('trace.exception', {
        kind: say.t(`exceptionKind.${exception.kind}` as MessageKey),
        what: say.said(exception.messageKey, exception.params, exception.description),
      }),
      hit: false,
      problem: true,
    })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}
