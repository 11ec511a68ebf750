import type { CommandReply, Decision } from '#core/api/station-api.ts';
import { parseCode } from '#core/codes/formats.ts';
import type { StationEventBody } from '#core/events/station-events.ts';
import { parseScan, type ScanParse } from '#core/scan/parse-scan.ts';
import { visibleText } from '#core/text/plain-text.ts';
import { outcome, type Outcome } from '../rules/outcome.ts';
import { decidePacking } from '../rules/packing.ts';
import { decideProduction } from '../rules/production.ts';
import { englishReason } from '../rules/reasons.ts';
import { decideShipping } from '../rules/shipping.ts';
import { badgeNeeded } from './operator-gate.ts';
import { refuse, type StationContext } from './station-context.ts';
import { workAfter } from './work-state.ts';

const MAX_SCANNED_TEXT = 1024;

const validOrder = (code: string | null | undefined): string | null => {
  if (!code) return null;
  const parsed = parseCode(code);
  return parsed.valid && parsed.kind === 'order' ? parsed.code : null;
};

/**
 * Scans and badges (docs/design.md "Station rules"): every scan is decided here against the
 * local replica by the role's rule and recorded, with its effect on the replica and on the
 * work state, in one transaction (work-journal.ts); the verdict goes to the feed.
 */
export class ScanDecisions {
  constructor(private readonly station: StationContext) {}

  /** One scan from the UI or the command API: the decision, then the state view with it. */
  scan(text: string): CommandReply {
    const decided = this.decideScan(text);
    return 'seq' in decided ? this.station.feed.reply({ decision: decided }) : decided;
  }

  /**
   * One scan, from any scanner: normalised once, decided and recorded synchronously, the
   * verdict out as soon as its commit returns; a scanner needs no state view back (the UI
   * gets it after, docs/performance.md "scan_verdict"). Answers the decision, or the reply of
   * what was not a decision (a badge, a refusal without an operator).
   */
  decideScan(text: string): Decision | CommandReply {
    const parsed = parseScan(text);
    if (parsed.valid && parsed.kind === 'badge') return this.badgeScan(parsed, text);
    const missing = this.station.gate.operatorMissing();
    if (missing) return missing;
    return this.recordDecision(text, this.decide(parsed), parsed);
  }

  /** A read the scanner could not frame (noise, no suffix…): a misread on record. */
  unreadable(what: string): Decision | null {
    if (this.station.gate.operatorMissing()) return null;
    const result = this.station.journal.work.lineStop
      ? outcome('line_stopped', null, 'line_stopped')
      : outcome('misread', null, 'misread', { detail: what.slice(0, 200) });
    return this.recordDecision(what, result);
  }

  login(code: string): CommandReply {
    const parsed = parseScan(code);
    if (!parsed.valid || parsed.kind !== 'badge') return refuse('badge_unknown');
    return this.badgeScan(parsed, code);
  }

  /** A typed order code: the same decision as scanning the job card. */
  loadOrder(code: string): CommandReply {
    const parsed = parseScan(code);
    if (!parsed.valid || parsed.kind !== 'order') return refuse('unknown_code');
    return this.scan(parsed.code);
  }

  logout(): CommandReply {
    const { journal, feed } = this.station;
    journal.update({ ...journal.work, operator: null });
    feed.publish();
    return feed.reply();
  }

  private decide(scan: ScanParse): Outcome {
    const { options, journal, gate } = this.station;
    const { replica } = options;
    const work = journal.work;
    // A stopped line refuses every scan, whatever the role (a badge is handled before this).
    if (work.lineStop) return outcome('line_stopped', scan.order, 'line_stopped');
    switch (options.identity.role) {
      case 'production':
        return decideProduction(
          scan,
          {
            order: work.order,
            lineStopped: false,
            // Asked only of a code the replica lacks: sync's status reads the outbox (three
            // queries), which a scan the replica knows must not wait for.
            get replicaCurrent() {
              return gate.replicaCurrent();
            },
          },
          replica,
        );
      case 'packing':
        return decidePacking(
          scan,
          {
            order: work.order,
            units: work.packing.units,
            awaitingVerify: work.packing.awaitingVerify?.package ?? null,
          },
          replica,
        );
      case 'shipping':
        return decideShipping(scan, { order: work.order, ...work.shipping }, replica);
    }
  }

  private recordDecision(text: string, result: Outcome, parsed?: ScanParse): Decision {
    const { options, now, journal, feed } = this.station;
    const at = now().toISOString();
    // What was read, kept for the audit trail with control characters made visible; the
    // decision itself rests on the normalised code and travels as the effect.
    const scanned = visibleText(text).slice(0, MAX_SCANNED_TEXT);
    const body: StationEventBody = {
      type: 'scan.decided',
      role: options.identity.role,
      currentOrder: validOrder(journal.work.order),
      scanned,
      code: parsed?.valid ? parsed.code : null,
      scannedOrder: validOrder(result.scannedOrder),
      verdict: result.verdict,
      reason: englishReason(result.message),
      effect: result.verdict === 'accepted' ? (result.action ?? null) : null,
    };
    const next = workAfter(journal.work, result, scanned, at);
    const action = result.action;
    const event =
      action?.kind === 'load_order'
        ? journal.together(() => {
            const decided = journal.record(body, next);
            journal.record({ type: 'order.loaded', order: action.order });
            return decided;
          })
        : journal.record(body, next);
    const decision: Decision = {
      seq: event.seq,
      at: event.stationTime,
      verdict: result.verdict,
      scanned,
      scannedOrder: body.scannedOrder,
      message: result.message,
    };
    feed.verdict(decision);
    if (result.verdict === 'line_stop') void options.devices.signal('stop');
    feed.publish();
    return decision;
  }

  /** A badge: logs in; or, on a stopped line, a supervisor's starts the clearance. */
  private badgeScan(scan: ScanParse, text: string): CommandReply {
    const { options, journal, feed } = this.station;
    const badge = options.replica.badge(scan.code);
    const work = journal.work;
    if (!badge || badge.revoked) {
      const key = badge ? 'badge_revoked' : 'badge_unknown';
      // With nobody logged in there is no operator to record it under: shown, not recorded.
      if (badgeNeeded(work, options.replica, options.identity.line))
        return feed.notice({ key, params: {} });
      const result = outcome(badge ? 'wrong_state' : 'unknown', null, key);
      return feed.reply({ decision: this.recordDecision(text, result, scan) });
    }
    if (work.lineStop) {
      if (badge.role !== 'supervisor') {
        const result = outcome('line_stopped', null, 'line_stopped');
        return feed.reply({ decision: this.recordDecision(text, result, scan) });
      }
      journal.update({ ...work, lineStop: { ...work.lineStop, supervisorBadge: badge.code } });
      feed.publish();
      return feed.reply({ note: { key: 'supervisor_badge_read', params: {} } });
    }
    journal.update({ ...work, operator: { code: badge.code, name: badge.name, role: badge.role } });
    feed.publish();
    return feed.told({ key: 'logged_in', params: { name: badge.name } });
  }
}
