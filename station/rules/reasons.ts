import type { Message, MessageKey } from '#core/api/station-api.ts';

/*
 * The English sentence recorded in each event's `reason` (the audit trail and the back
 * office read it); the UI shows its own translation of the same message key.
 */
const REASONS: Readonly<Record<MessageKey, string>> = {
  job_card_loaded: 'Job card scanned: order {order} loaded.',
  resource_consumed:
    'Resource of this order, required, not yet consumed ({material}, step {step}).',
  resource_other_order: 'Resource of another order ({order}): line stopped.',
  misread: 'The scan failed its check or could not be read: {detail}',
  unknown_code: 'A well-formed code this station does not know.',
  already_consumed: 'This resource was consumed already.',
  not_in_bom: 'The bill of materials does not call for {material}.',
  bom_complete: 'All {required} of {material} are consumed already.',
  order_state: 'The order is {state}; this station cannot work on it now.',
  line_stopped: 'The line is stopped: a supervisor must clear it first.',
  no_order_loaded: 'No order is loaded: scan the job card first.',
  wrong_kind: 'A {kind} code is not taken here.',
  unit_gathered: 'Unit of this order gathered ({count} in the package).',
  unit_other_order: 'Unit of another order ({order}): refused.',
  unit_packed_already: 'This unit is packed already.',
  verify_label_first: 'Scan the printed package label back first.',
  label_verified: 'Package label {package} scanned back: it reads and matches.',
  label_mismatch: 'The label scanned back is not the package just closed ({package}).',
  package_scanned: 'Package scanned ({count} of {expected}).',
  package_other_order: 'Package of another order ({order}): dispatch blocked.',
  package_dispatched_already: 'This package was dispatched already.',
  package_scanned_already: 'This package is scanned already.',
  sscc_unknown: 'SSCC {sscc} is on no package this station knows.',
  badge_unknown: 'A badge this station does not know.',
  badge_revoked: 'This badge is revoked.',
  supervisor_badge_read: 'Supervisor badge read: give the reason to clear the line.',
  order_loaded: 'Order {order} loaded.',
  invalid_input: 'The request is not valid: {detail}',
  not_supervisor: 'Only a supervisor badge clears a line stop.',
  nothing_to_close: 'No units are gathered: nothing to close.',
  dispatch_incomplete: '{missing} package(s) of the order are missing.',
  dispatch_blocked: 'Dispatch is blocked: {detail}',
  print_failed: 'The label did not print: {detail}',
  wrong_role: 'This station does not do that.',
  device_failed: 'The device failed: {detail}',
  device_ok: 'The device works.',
  not_stopped: 'The line is not stopped.',
  operator_required: 'Nobody is logged in: scan your badge first.',
  unknown_label: 'A label of this order that the server never issued ({code}): line stopped.',
  replica_stale:
    "This label is not in the station's data and the station is not in sync: wait for sync, then scan again.",
  materials_missing: 'Materials are missing: {missing}.',
  units_missing:
    '{remaining} unit(s) of the order are still to pack: close a partial package, or a supervisor overrides.',
  package_partial: 'Partial package {number} closed; {remaining} unit(s) of the order remain.',
  package_count_unknown:
    "The order's last package has not closed yet: its package count is unknown.",
  override_recorded: 'Supervisor override recorded: {reason}',
  local_api_locked: 'The station’s local API needs its secret.',
  supervisor_required: 'Device settings need a supervisor badge.',
  logged_in: '{name} logged in.',
  dispatched: '{count} package(s) of order {order} dispatched.',
  line_cleared: 'Line stop cleared by {name}: {reason}',
  units_undone: '{units} unit(s) through {step} undone: nothing recorded.',
  units_too_many: 'Only {remaining} unit(s) through {step} are left to report.',
  nothing_to_undo: 'Nothing to undo for {step}.',
};

export function englishReason(message: Message): string {
  return REASONS[message.key]
    .replace(/\{(\w+)\}/g, (_, name: string) => String(message.params[name] ?? ''))
    .slice(0, 500);
}
