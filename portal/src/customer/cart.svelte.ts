import { getContext, setContext } from 'svelte';
import type { Product } from '#core/api/catalog.ts';
import {
  MAX_UNITS_PER_ORDER,
  orderSchema,
  type OrderLineInput,
  type OrderView,
} from '#core/api/orders.ts';
import { call } from '../lib/api.ts';

export interface CartLine {
  key: number;
  product: Product;
  quantity: number;
  /** Set when the customer wants something like `product`, but different. */
  differences: string | null;
}

/** The order being put together: lines from the catalog, then where it goes. */
export class Cart {
  lines = $state<CartLine[]>([]);
  shipTo = $state('');
  customerReference = $state('');
  carrier = $state('');
  submitting = $state(false);
  #next = 1;
  /**
   * The Idempotency-Key of the order being sent: the same while the same order is sent
   * again (a retry after a lost answer makes no second order), new once the order differs.
   */
  #submission: { key: string; body: string } | null = null;
  canSubmit = $derived(this.lines.length > 0 && this.shipTo.trim().length >= 5 && !this.submitting);

  /** Adds the line when the quantity is one the server takes (a whole 1 to the maximum). */
  add = (product: Product, quantity: number, differences: string | null = null): boolean => {
    if (!quantityOk(quantity)) return false;
    this.lines.push({ key: this.#next++, product, quantity, differences });
    return true;
  };

  remove = (key: number) => {
    this.lines = this.lines.filter((line) => line.key !== key);
  };

  submit = async (): Promise<OrderView> => {
    this.submitting = true;
    try {
      const lines: OrderLineInput[] = this.lines.map((line) =>
        line.differences === null
          ? { product: line.product.code, quantity: line.quantity }
          : {
              similarTo: line.product.code,
              differences: line.differences,
              quantity: line.quantity,
            },
      );
      const body = {
        lines,
        shipTo: this.shipTo,
        customerReference: this.customerReference,
        carrier: this.carrier,
      };
      const text = JSON.stringify(body);
      if (this.#submission?.body !== text)
        this.#submission = { key: crypto.randomUUID(), body: text };
      const order = await call(orderSchema, 'POST', '/api/v1/orders', body, {
        idempotencyKey: this.#submission.key,
      });
      this.#submission = null;
      this.lines = [];
      this.customerReference = '';
      return order;
    } finally {
      this.submitting = false;
    }
  };
}

const KEY = Symbol('cart');
export const setCart = (cart: Cart): Cart => setContext(KEY, cart);
export const getCart = (): Cart => getContext<Cart>(KEY);

/** A quantity the order takes: a whole number from 1 to MAX_UNITS_PER_ORDER (an empty field is null). */
export const quantityOk = (quantity: number | null | undefined): quantity is number =>
  typeof quantity === 'number' &&
  Number.isInteger(quantity) &&
  quantity >= 1 &&
  quantity <= MAX_UNITS_PER_ORDER;
