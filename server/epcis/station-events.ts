import { FINISHED_STEP } from '#core/api/sync.ts';
import { mintOrderScopedCode, parseCode } from '#core/codes/formats.ts';
import type { Verdict } from '#core/events/station-events.ts';
import { prodOrder, type EpcisEvent, type LineStopClearance, type PackageFacts } from './events.ts';
import {
  codeUri,
  ext,
  lineUri,
  packageUri,
  stationEventUri,
  stationUri,
  timeZoneOffset,
  transformationUri,
} from './identifiers.ts';
import type { EventRow } from '../back-office/order-events.ts';

/*
 * Station events as EPCIS 2.0 events (docs/epcis.md has the table). CBV 2.0's business
 * step and disposition vocabularies give the words; what the CBV lacks (our verdict, the
 * raw scan, the operator) travels as `ordertrace:` extension fields.
 */

/** When, where and who: what every station event shares (EPCIS 2.0 event dimensions). */
function stationDimensions(row: EventRow): EpcisEvent {
  return {
    eventTime: row.stationTime,
    eventTimeZoneOffset: timeZoneOffset(row.stationTime),
    recordTime: row.serverTime,
    eventID: stationEventUri(row.id),
    readPoint: { id: stationUri(row.stationId) },
    bizLocation: { id: lineUri(row.line) },
    [ext('station')]: row.stationName,
    ...(row.operator ? { [ext('operator')]: row.operator } : {}),
    ...(row.operatorName ? { [ext('operatorName')]: row.operatorName } : {}),
  };
}

/** CBV 2.0 dispositions for a refused scan; the exact verdict travels as an extension. */
const MISMATCH_DISPOSITION: Partial<Record<Verdict, string>> = {
  line_stop: 'mismatch_instance',
  wrong_order: 'mismatch_instance',
  wrong_material: 'mismatch_class',
  wrong_kind: 'mismatch_class',
};

/** Finished units so far per order, while the events are walked in time order. */
export type ProducedCounter = Map<string, number>;

/**
 * One station event as zero or more EPCIS events. `produced` carries the finished-unit
 * count of each order across calls, so each finished-step report yields only new units.
 */
export function stationEventToEpcis(
  row: EventRow,
  packages: ReadonlyMap<string, PackageFacts>,
  clearances: ReadonlyMap<string, LineStopClearance>,
  produced: ProducedCounter,
): EpcisEvent[] {
  const body = row.event.body;
  switch (body.type) {
    case 'scan.decided': {
      if (body.verdict === 'accepted') {
        // A resource consumed into the order (the effect the station decided): an input of
        // the order's transformation. Accepted packing and shipping scans are summed up by
        // the aggregation and shipping events, so they are not repeated here.
        const effect = body.effect;
        if (effect?.kind !== 'consume') return [];
        const order = parseCode(effect.resource);
        const orderCode = order.valid ? (order.order ?? '') : '';
        return [
          {
            type: 'TransformationEvent',
            ...stationDimensions(row),
            inputEPCList: [codeUri(effect.resource)],
            transformationID: transformationUri(orderCode),
            bizStep: 'assembling',
            disposition: 'in_progress',
            bizTransactionList: prodOrder(orderCode),
          },
        ];
      }
      // The normalised code the station decided on (what it read, when it was a code).
      const scanned = parseCode(body.code ?? '');
      // A refused scan: the object was inspected and found not to belong (CBV inspecting).
      const clearance = clearances.get(row.id);
      return [
        {
          type: 'ObjectEvent',
          ...stationDimensions(row),
          epcList: scanned.valid ? [codeUri(scanned.code)] : [],
          action: 'OBSERVE',
          bizStep: 'inspecting',
          disposition: MISMATCH_DISPOSITION[body.verdict] ?? 'non_conformant',
          ...(body.currentOrder ? { bizTransactionList: prodOrder(body.currentOrder) } : {}),
          [ext('verdict')]: body.verdict,
          [ext('reason')]: body.reason,
          [ext('scanned')]: body.scanned,
          [ext('role')]: body.role,
          ...(clearance?.clearedBy
            ? {
                [ext('clearedBy')]: clearance.clearedBy,
                [ext('clearReason')]: clearance.reason,
                [ext('clearedAt')]: clearance.clearedAt,
              }
            : {}),
        },
      ];
    }
    case 'progress.reported': {
      // Units are numbered in the order they are finished: the report's new units are the
      // outputs of the order's transformation.
      if (body.step !== FINISHED_STEP) return [];
      const before = produced.get(body.order) ?? 0;
      const done = Math.min(body.unitsDone, body.unitsOrdered);
      if (done <= before) return [];
      produced.set(body.order, done);
      const outputs = Array.from({ length: done - before }, (_, i) =>
        codeUri(mintOrderScopedCode('unit', body.order, before + i + 1)),
      );
      return [
        {
          type: 'TransformationEvent',
          ...stationDimensions(row),
          outputEPCList: outputs,
          transformationID: transformationUri(body.order),
          bizStep: 'assembling',
          disposition: 'active',
          bizTransactionList: prodOrder(body.order),
          [ext('unitsDone')]: body.unitsDone,
          [ext('unitsOrdered')]: body.unitsOrdered,
        },
      ];
    }
    case 'package.closed':
      // Units into the package (EPCIS 2.0 §7.4.3 AggregationEvent, CBV packing).
      return [
        {
          type: 'AggregationEvent',
          ...stationDimensions(row),
          parentID: packageUri(body.package, body.sscc),
          childEPCs: body.units.map(codeUri),
          action: 'ADD',
          bizStep: 'packing',
          disposition: 'container_closed',
          bizTransactionList: prodOrder(body.order),
          [ext('packageCode')]: body.package,
          [ext('packageNumber')]: body.number,
          ...(body.of !== null ? { [ext('packageCount')]: body.of } : {}),
          ...(body.override
            ? {
                [ext('overrideBy')]: body.override.supervisor,
                [ext('overrideReason')]: body.override.reason,
              }
            : {}),
        },
      ];
    case 'package.dispatched': {
      const pkg = packages.get(body.package);
      return [
        {
          type: 'ObjectEvent',
          ...stationDimensions(row),
          epcList: [packageUri(body.package, pkg?.sscc ?? null)],
          action: 'OBSERVE',
          bizStep: 'shipping',
          disposition: 'in_transit',
          bizTransactionList: prodOrder(body.order),
          [ext('packageCode')]: body.package,
          ...(body.carrier ? { [ext('carrier')]: body.carrier } : {}),
        },
      ];
    }
    // Loading a job card, printing a label and clearing a stop change no object's state;
    // a clearance is written onto the line stop it cleared (above).
    case 'order.loaded':
    case 'label.printed':
    case 'line.cleared':
      return [];
  }
}
