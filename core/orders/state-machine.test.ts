import { describe, expect, it } from 'vitest';
import {
  FINAL_STATES,
  OPEN_STATES,
  ORDER_ACTIONS,
  ORDER_STATES,
  scanAllowed,
  transition,
  type OrderAction,
  type OrderState,
  type OrderStatus,
} from './state-machine.ts';

function walk(start: OrderState, actions: OrderAction[]): OrderStatus {
  let status: OrderStatus = { state: start };
  for (const action of actions) {
    const next = transition(status, action);
    if (!next.ok) throw new Error(`${action} from ${status.state}: ${next.reason}`);
    status = next.status;
  }
  return status;
}

describe('order lifecycle', () => {
  it('walks the happy path from submission to delivery, one state at a time', () => {
    const steps: [OrderAction, OrderState][] = [
      ['start_matching', 'matching'],
      ['offer_candidates', 'awaiting_choice'],
      ['confirm', 'confirmed'],
      ['release', 'released'],
      ['start_production', 'in_production'],
      ['finish_production', 'produced'],
      ['pack', 'packed'],
      ['ship', 'shipped'],
      ['confirm_receipt', 'delivered'],
    ];
    let status: OrderStatus = { state: 'submitted' };
    for (const [action, state] of steps) {
      status = walk(status.state, [action]);
      expect(status).toEqual({ state });
    }
  });

  it('routes an unmatched order through customer service', () => {
    expect(walk('submitted', ['start_matching', 'refer_to_customer_service', 'confirm'])).toEqual({
      state: 'confirmed',
    });
    expect(
      walk('submitted', ['start_matching', 'offer_candidates', 'refer_to_customer_service']),
    ).toEqual({
      state: 'customer_service',
    });
  });

  it('records a rejected receipt as final', () => {
    const rejected = walk('shipped', ['reject_receipt']);
    expect(rejected).toEqual({ state: 'receipt_rejected' });
    expect(transition(rejected, 'confirm_receipt')).toMatchObject({
      ok: false,
      reason: /nothing more can happen/,
    });
  });

  it('holds any open order and resumes it where it was', () => {
    for (const state of OPEN_STATES) {
      const held = walk(state, ['hold']);
      expect(held).toEqual({ state: 'on_hold', heldFrom: state });
      expect(walk(state, ['hold', 'resume'])).toEqual({ state });
    }
  });

  it('cancels any open or held order', () => {
    for (const state of OPEN_STATES)
      expect(walk(state, ['cancel'])).toEqual({ state: 'cancelled' });
    expect(walk('released', ['hold', 'cancel'])).toEqual({ state: 'cancelled' });
  });

  it('refuses to hold or cancel goods that have left the dock', () => {
    expect(transition({ state: 'shipped' }, 'cancel')).toMatchObject({
      ok: false,
      reason: /only returned/,
    });
    expect(transition({ state: 'shipped' }, 'hold')).toMatchObject({
      ok: false,
      reason: /can no longer be held/,
    });
  });

  it('refuses every move out of a final state', () => {
    for (const state of FINAL_STATES) {
      for (const action of ORDER_ACTIONS) {
        const result = transition({ state }, action);
        expect(result.ok).toBe(false);
      }
    }
  });

  it('names the reason for an illegal move', () => {
    const result = transition({ state: 'confirmed' }, 'ship');
    expect(result).toEqual({
      ok: false,
      code: 'OT_ERR_ILLEGAL_TRANSITION',
      reason: 'Cannot ship: the order must be packed, but it is confirmed.',
    });
    expect(
      transition({ state: 'on_hold', heldFrom: 'released' }, 'start_production'),
    ).toMatchObject({
      ok: false,
      reason: /on hold; resume it before you start production it/,
    });
    expect(transition({ state: 'released' }, 'resume')).toMatchObject({
      ok: false,
      reason: /Only an order on hold/,
    });
    expect(transition({ state: 'on_hold', heldFrom: 'released' }, 'hold')).toMatchObject({
      ok: false,
    });
  });

  it('never leads to a state outside the lifecycle', () => {
    for (const state of ORDER_STATES) {
      for (const action of ORDER_ACTIONS) {
        const result = transition({ state, heldFrom: 'released' }, action);
        if (result.ok) expect(ORDER_STATES).toContain(result.status.state);
        else expect(result.reason.length).toBeGreaterThan(10);
      }
    }
  });
});

describe('which scans an order state allows', () => {
  it('lets production scan only released or running orders', () => {
    expect(scanAllowed('production', 'released')).toEqual({ allowed: true });
    expect(scanAllowed('production', 'in_production')).toEqual({ allowed: true });
    expect(scanAllowed('production', 'on_hold')).toMatchObject({
      allowed: false,
      reason: /on hold/,
    });
    expect(scanAllowed('production', 'cancelled')).toMatchObject({ allowed: false });
  });

  it('lets packing, shipping and receipt work only at their stage', () => {
    expect(scanAllowed('packing', 'produced')).toEqual({ allowed: true });
    expect(scanAllowed('shipping', 'packed')).toEqual({ allowed: true });
    expect(scanAllowed('shipping', 'produced')).toMatchObject({
      allowed: false,
      reason: /only when it is packed/,
    });
    expect(scanAllowed('receipt', 'shipped')).toEqual({ allowed: true });
    expect(scanAllowed('receipt', 'delivered')).toMatchObject({
      allowed: false,
      reason: /received only when/,
    });
  });
});
