import type { CommandReply } from '#core/api/station-api.ts';
import type { Override } from '#core/events/station-events.ts';
import { checkOverride } from '../rules/completeness-checks.ts';
import type { StationOptions } from './station-context.ts';
import type { StationFeed } from './station-feed.ts';
import type { WorkJournal } from './work-journal.ts';

/** A polling station whose last pull is older than this may lack codes the server issued. */
const CURRENT_PULL_MS = 30_000;

/** Who may act now, by the line's rules, the badge logged in and how current the replica is. */
export class OperatorGate {
  constructor(
    private readonly options: StationOptions,
    private readonly journal: WorkJournal,
    private readonly feed: StationFeed,
    private readonly now: () => Date,
  ) {}

  /** The line's rules for this station (replicated from the server; defaults until then). */
  get lineRules() {
    return this.options.replica.lineRules(this.options.identity.line);
  }

  /**
   * Operators are known: with the line's rule on, nothing is scanned or done while no badge
   * is logged in. The refusal is shown (a notice on the stream) and not recorded as an event.
   */
  operatorMissing(): CommandReply | null {
    if (this.journal.work.operator || !this.lineRules.requireOperator) return null;
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
