import { EventEmitter } from 'node:events';
import type { Database } from 'better-sqlite3';
import {
  stationSettingsSchema,
  type CommandReply,
  type Decision,
  type Message,
  type StationSettings,
  type StationState,
  type StationStreamEvent,
} from '#core/api/station-api.ts';
import { parseCode } from '#core/codes/formats.ts';
import type { StationEvent, StationEventBody } from '#core/events/station-events.ts';
import type { StationRole } from '#core/orders/state-machine.ts';
import { parseScan, type ScanParse } from '#core/scan/parse-scan.ts';
import { visibleText } from '#core/text/plain-text.ts';
import { applyLocalEffect } from '#db/local-effects.ts';
import type { Outbox } from '#db/outbox.ts';
import type { ReplicaStore } from '#db/replica-store.ts';
import type { SyncStatus } from '../sync/sync-client.ts';
import type { StationDevices } from '../devices/station-devices.ts';
import { outcome, type Outcome } from '../rules/outcome.ts';
import { decidePacking } from '../rules/packing.ts';
import { decideProduction } from '../rules/production.ts';
import { englishReason } from '../rules/reasons.ts';
import type { ReplicaLookup } from '../rules/replica-lookup.ts';
import { decideShipping } from '../rules/shipping.ts';
import { stationState } from './state-view.ts';
import { loadWork, saveWork, workAfter, type WorkState } from './work-state.ts';

export interface StationIdentity {
  id: string;
  name: string;
  role: StationRole;
  line: string;
  serverUrl: string;
}

/** What the service needs of the sync client (station/sync/sync-client.ts). */
export interface SyncLink {
  kick(): void;
  status(): SyncStatus;
  on(event: 'status', listener: (status: SyncStatus) => void): unknown;
}

export interface StationServiceOptions {
  db: Database;
  store: ReplicaStore;
  outbox: Outbox;
  replica: ReplicaLookup;
  identity: StationIdentity;
  devices: StationDevices;
  sync?: SyncLink;
  now?: () => Date;
}

export const SETTINGS_KEY = 'station.settings';
const LAST_SCANS = 12;
const MAX_SCANNED_TEXT = 1024;
/** A polling station whose last pull is older than this may lack codes the server issued. */
const CURRENT_PULL_MS = 30_000;

export const DEFAULT_SETTINGS: StationSettings = {
  scanner: null,
  printer: { kind: 'dry-run' },
  lineStop: { kind: 'dry-run' },
  language: 'zh-CN',
  kiosk: false,
};

const validOrder = (code: string | null | undefined): string | null => {
  if (!code) return null;
  const parsed = parseCode(code);
  return parsed.valid && parsed.kind === 'order' ? parsed.code : null;
};

export const refuse = (key: Message['key'], params: Message['params'] = {}): CommandReply => ({
  ok: false,
  error: { key, params },
});

/**
 * The station service (docs/design.md "Station rules"): every scan is decided here against the
 * local replica by the role's rule, recorded in the outbox in one transaction with its
 * effect on the replica and on the work state, then pushed (kick) without waiting for it.
 * Emits a 'verdict' per decision and a 'state' after every change.
 */
export class StationService extends EventEmitter<{ event: [StationStreamEvent] }> {
  protected work: WorkState;
  private lastScans: Decision[] = [];
  settings: StationSettings;
  protected readonly now: () => Date;

  constructor(protected readonly options: StationServiceOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.work = loadWork(options.store);
    this.settings = this.loadSettings();
  }

  /** The rules' view of the replica (read-only lookups). */
  get replica(): ReplicaLookup {
    return this.options.replica;
  }

  get role(): StationRole {
    return this.options.identity.role;
  }

  private loadSettings(): StationSettings {
    const saved = this.options.store.meta(SETTINGS_KEY);
    const parsed = stationSettingsSchema.safeParse(
      saved ? { ...DEFAULT_SETTINGS, ...JSON.parse(saved) } : DEFAULT_SETTINGS,
    );
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  async start(): Promise<void> {
    const { devices, sync } = this.options;
    devices.on('scan', (text) => this.scan(text));
    devices.on('unreadable', (what) => this.unreadable(what));
    devices.on('status', () => this.publish());
    sync?.on('status', () => this.publish());
    await devices.apply(this.settings);
    // A line stop survives a restart: the stack light goes red again before anything else.
    if (this.work.lineStop) await devices.signal('stop');
    this.publish();
  }

  /** Anyone may switch the language; the devices (where labels and stop signals go) need a supervisor. */
  async saveSettings(patch: Partial<StationSettings>): Promise<CommandReply> {
    const devicesTouched = Object.keys(patch).some((key) => key !== 'language');
    if (devicesTouched && !this.supervisorLoggedIn()) return refuse('supervisor_required');
    const next = stationSettingsSchema.parse({ ...this.settings, ...patch });
    this.options.store.setMeta(SETTINGS_KEY, JSON.stringify(next));
    this.settings = next;
    await this.options.devices.apply(next);
    if (this.work.lineStop) await this.options.devices.signal('stop');
    return this.reply();
  }

  protected supervisorLoggedIn(): boolean {
    const operator = this.work.operator;
    if (operator?.role !== 'supervisor') return false;
    const badge = this.options.replica.badge(operator.code);
    return badge !== undefined && !badge.revoked && badge.role === 'supervisor';
  }

  protected publish(): void {
    this.emit('event', { type: 'state', state: this.state() });
  }

  reply(extra: { decision?: Decision; note?: Message } = {}): CommandReply {
    return { ok: true, state: this.state(), ...extra };
  }

  /**
   * Write an event, its replica effect and the new work state in one transaction, then ask
   * sync to push. The effect runs before the envelope exists, so it gets a provisional one
   * with the same body and time (all applyLocalEffect reads).
   */
  protected record(
    body: StationEventBody,
    nextWork: WorkState = this.work,
    operator: string | null = this.work.operator?.code ?? null,
  ): StationEvent {
    const { db, store, outbox, identity } = this.options;
    const { event } = outbox.record(body, operator, () => {
      const provisional: StationEvent = {
        id: '',
        stationId: identity.id,
        seq: 0,
        operator,
        stationTime: this.now().toISOString(),
        body,
      };
      applyLocalEffect(db, provisional);
      saveWork(store, nextWork);
    });
    this.work = nextWork;
    this.options.sync?.kick();
    return event;
  }

  protected updateWork(next: WorkState): void {
    saveWork(this.options.store, next);
    this.work = next;
  }

  /** The line's rules for this station (replicated from the server; defaults until then). */
  protected get lineRules() {
    return this.options.replica.lineRules(this.options.identity.line);
  }

  /**
   * Operators are known: with the line's rule on, nothing is scanned or done while no badge
   * is logged in. The refusal is shown (a notice on the stream) and not recorded as an event.
   */
  protected operatorMissing(): CommandReply | null {
    if (this.work.operator || !this.lineRules.requireOperator) return null;
    const message: Message = { key: 'operator_required', params: {} };
    this.emit('event', { type: 'notice', message });
    return { ok: false, error: message };
  }

  /** Whether a code the replica lacks was never issued, rather than not synced yet. */
  protected replicaCurrent(): boolean {
    const sync = this.options.sync?.status();
    if (!sync) return true;
    if (!sync.ready) return false;
    if (sync.link === 'live') return true;
    const lastPull = sync.lastPullAt ? Date.parse(sync.lastPullAt) : 0;
    return sync.link === 'polling' && this.now().getTime() - lastPull < CURRENT_PULL_MS;
  }

  /** One scan, from any scanner or the UI: normalised once, decided and recorded synchronously. */
  scan(text: string): CommandReply {
    const parsed = parseScan(text);
    if (parsed.valid && parsed.kind === 'badge') return this.badgeScan(parsed, text);
    const missing = this.operatorMissing();
    if (missing) return missing;
    const result = this.decide(parsed);
    const decision = this.recordDecision(text, result, parsed);
    return this.reply({ decision });
  }

  /** A read the scanner could not frame (noise, no suffix…): a misread on record. */
  unreadable(what: string): Decision | null {
    if (this.operatorMissing()) return null;
    const result = this.work.lineStop
      ? outcome('line_stopped', null, 'line_stopped')
      : outcome('misread', null, 'misread', { detail: what.slice(0, 200) });
    return this.recordDecision(what, result);
  }

  private decide(scan: ScanParse): Outcome {
    const { replica } = this.options;
    const work = this.work;
    // A stopped line refuses every scan, whatever the role (a badge is handled before this).
    if (work.lineStop) return outcome('line_stopped', scan.order, 'line_stopped');
    switch (this.role) {
      case 'production':
        return decideProduction(
          scan,
          { order: work.order, lineStopped: false, replicaCurrent: this.replicaCurrent() },
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
    const at = this.now().toISOString();
    // What was read, kept for the audit trail with control characters made visible; the
    // decision itself rests on the normalised code and travels as the effect.
    const scanned = visibleText(text).slice(0, MAX_SCANNED_TEXT);
    const body: StationEventBody = {
      type: 'scan.decided',
      role: this.role,
      currentOrder: validOrder(this.work.order),
      scanned,
      code: parsed?.valid ? parsed.code : null,
      scannedOrder: validOrder(result.scannedOrder),
      verdict: result.verdict,
      reason: englishReason(result.message),
      effect: result.verdict === 'accepted' ? (result.action ?? null) : null,
    };
    const event = this.record(body, workAfter(this.work, result, scanned, at));
    if (result.action?.kind === 'load_order')
      this.record({ type: 'order.loaded', order: result.action.order });
    const decision: Decision = {
      seq: event.seq,
      at: event.stationTime,
      verdict: result.verdict,
      scanned,
      scannedOrder: body.scannedOrder,
      message: result.message,
    };
    this.lastScans = [decision, ...this.lastScans].slice(0, LAST_SCANS);
    this.emit('event', { type: 'verdict', decision });
    if (result.verdict === 'line_stop') void this.options.devices.signal('stop');
    this.publish();
    return decision;
  }

  /** A badge: logs in; or, on a stopped line, a supervisor's starts the clearance. */
  private badgeScan(scan: ScanParse, text: string): CommandReply {
    const badge = this.options.replica.badge(scan.code);
    if (!badge || badge.revoked) {
      const key = badge ? 'badge_revoked' : 'badge_unknown';
      // With nobody logged in there is no operator to record it under: shown, not recorded.
      if (!this.work.operator && this.lineRules.requireOperator) {
        const message: Message = { key, params: {} };
        this.emit('event', { type: 'notice', message });
        return { ok: false, error: message };
      }
      const decision = this.recordDecision(
        text,
        outcome(badge ? 'wrong_state' : 'unknown', null, key),
        scan,
      );
      return this.reply({ decision });
    }
    if (this.work.lineStop) {
      if (badge.role !== 'supervisor') {
        const decision = this.recordDecision(
          text,
          outcome('line_stopped', null, 'line_stopped'),
          scan,
        );
        return this.reply({ decision });
      }
      this.updateWork({
        ...this.work,
        lineStop: { ...this.work.lineStop, supervisorBadge: badge.code },
      });
      this.publish();
      return this.reply({ note: { key: 'supervisor_badge_read', params: {} } });
    }
    this.updateWork({
      ...this.work,
      operator: { code: badge.code, name: badge.name, role: badge.role },
    });
    this.publish();
    return this.reply();
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
    this.updateWork({ ...this.work, operator: null });
    this.publish();
    return this.reply();
  }

  state(): StationState {
    return stationState({
      work: this.work,
      lastScans: this.lastScans,
      settings: this.settings,
      identity: this.options.identity,
      replica: this.options.replica,
      outbox: this.options.outbox.status(),
      sync: this.options.sync?.status(),
      devices: this.options.devices.statuses,
    });
  }
}
