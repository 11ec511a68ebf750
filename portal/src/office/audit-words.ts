import { LABEL_KINDS, type LabelKind } from '#core/labels/label-fields.ts';
import type { MessageKey } from '../lib/i18n/en.ts';
import { actionWords, type Say } from './trace-timeline.ts';

/*
 * The audit log in people's words (issue 16): what was done and to which kind of thing, in
 * the reader's language, never the stored key ("user.role_changed"). Order actions read as
 * the trace reads them; a key this list does not know reads as "changed", not as English.
 */

const ACTIONS = [
  'product.created',
  'product.updated',
  'user.created',
  'user.sign_up_again',
  'user.renamed',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'badge.created',
  'badge.revoked',
  'line.created',
  'line.rules',
  'station.created',
  'station.enrollment_reissued',
  'station.revoked',
  'label_template.saved',
  'label_template.reset',
  'webhook.created',
  'webhook.disabled',
  'webhook.replayed',
  'exception.resolved',
  'receipt.confirmed',
  'receipt.rejected',
] as const;
type KnownAction = (typeof ACTIONS)[number];
const KNOWN = new Set<string>(ACTIONS);

/** The kinds of thing the audit log names, for the filter and the "which" column. */
export const AUDIT_ENTITIES = [
  'order',
  'product',
  'user',
  'badge',
  'line',
  'station',
  'package',
  'exception',
  'label_template',
  'webhook',
  'webhook_delivery',
] as const;
type Entity = (typeof AUDIT_ENTITIES)[number];
const ENTITIES = new Set<string>(AUDIT_ENTITIES);

const actionKey = (action: KnownAction) => `audit.action.${action.replace('.', '_')}` as MessageKey;

/** What was done, as words. */
export function auditActionWords(action: string, say: Say): string {
  if (KNOWN.has(action)) return say.t(actionKey(action as KnownAction));
  if (action.startsWith('order.') || action.startsWith('problem.')) return actionWords(action, say);
  return say.t('audit.action.other');
}

/** The kind of thing, as a word. */
export function auditEntityWord(entity: string, say: Say): string {
  return ENTITIES.has(entity)
    ? say.t(`audit.entity.${entity as Entity}`)
    : say.t('audit.entity.other');
}

/**
 * The thing's id as shown: a label template is named by its kind in words ("unit" is a
 * word, not a code); other ids are codes, emails or generated ids, shown as stored.
 */
export function auditIdShown(entity: string, entityId: string, say: Say): string {
  if (entity === 'label_template' && (LABEL_KINDS as readonly string[]).includes(entityId))
    return say.t(`labelKind.${entityId as LabelKind}`);
  return entityId;
}

/** Who did it, as the log writes it (`user:…`, `station:…`, `system:…`), without the prefix. */
export function auditActorName(actor: string, say: Say): string {
  const [kind, ...rest] = actor.split(':');
  const name = rest.join(':');
  if (kind === 'system') return say.t('trace.system');
  return name || actor;
}
