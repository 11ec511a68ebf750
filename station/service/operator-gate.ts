import type { CommandReply } from '#core/api/station-api.ts';
import type { Override } from '#core/events/station-events.ts';
import { checkOverride } from '../rules/completeness-checks.ts';
import type { StationOptions } from './station-context.ts';
import type { StationFeed } from './station-feed.ts';
import type { ReplicaLookup } from '../rules/replica-lookup.ts';
import type { WorkJournal } from './work-journal.ts';
import type { WorkState } from './work-state.ts';

/** A polling station whose last pull is older than this may lack codes the server issued. */
const CURRENT_PULL_MS = 30_000;

/**
 * Whether nothing may be scanned or done until a badge logs in: nobody is, and the line's rule
 * wants operators known. The screen offers no work then (state.badgeNeeded).
 */
export const badgeNeeded = (
  work: Pick<WorkState, 'operator'>,
  replica: ReplicaLookup,
  line: string,
): boolean => !work.operator && replica.lineRules(line).requireOperator;

/** Who may act now, by the line's rules, the badge logged in and how current the replica is. */
export class OperatorGate {
  constructor(
    private readonly options: StationOptions,
    private readonly journal: WorkJournal,
    private readonly feed: StationFeed,
    private readonly now: () => Date,
  ) {}

  /**
   * Operators are known: with the line's rule on, nothing is scanned or done while no badge
   * is logged in. The refusal is shown (a notice on the stream) and not recorded as an event.
   */
  operatorMissing(): CommandReply | null {
    if (!badgeNeeded(this.journal.work, this.options.replica, this.options.identity.line))
      return null;
    return this.feed.notice({ key: 'operator_required', params: {} });
  }

  supervisorLoggedIn(): boolean {
    const operator = this.journal.work.operator;
    if (operator?.role !== 'supervisor') return false;
    const badge = this.options.replica.badge(operator.code);
    return badge !== undefined && !badge.revoked && badge.role === 'supervisor';
  }

  /** Whether a code the replica lacks was never issued, rather than not synced yet. */
  replicaCurrent(): boolean {
    const sync = this.options.sync?.status();
    if (!sync) return true;
    if (!sync.ready) return false;
    if (sync.link === 'live') return true;
    const lastPull = sync.lastPullAt ? Date.parse(sync.lastPullAt) : 0;
    return sync.link === 'polling' && this.now().getTime() - lastPull < CURRENT_PULL_MS;
  }

  /** A supervisor's override from a command's input, or the refusal that says why not. */
  override(
    input: { badge: string; reason: string } | undefined,
  ): { ok: true; override: Override | null } | { ok: false; reply: CommandReply } {
    if (!input) return { ok: true, override: null };
    const checked = checkOverride(input, this.options.replica);
    return checked.ok ? checked : { ok: false, reply: { ok: false, error: checked.message } };
  }
}
