import { liveUpdateSchema, orderSchema, type OrderView } from '#core/api/orders.ts';
import { call } from '../lib/api.ts';

/**
 * One order, kept current by the server's live feed (SSE, event `order` with the whole order
 * each time anything changes), so a reconnect is never out of step. EventSource reconnects
 * by itself; `connected` says whether it currently is.
 */
export class OrderLive {
  order = $state<OrderView | null>(null);
  error = $state<unknown>(null);
  connected = $state(false);
  busy = $state(false);
  #source: EventSource | null = null;

  constructor(readonly id: string) {}

  start = async () => {
    try {
      this.order = await call(orderSchema, 'GET', `/api/v1/orders/${encodeURIComponent(this.id)}`);
    } catch (error) {
      this.error = error;
      return;
    }
    const source = new EventSource(`/api/v1/orders/${encodeURIComponent(this.order.id)}/live`);
    source.addEventListener('open', () => (this.connected = true));
    source.addEventListener('error', () => (this.connected = false));
    source.addEventListener('order', (event) => {
      const update = liveUpdateSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
      // A malformed message is skipped: the next one carries the whole order again.
      if (update.success) this.order = update.data.order;
      this.connected = true;
    });
    this.#source = source;
  };

  stop = () => {
    this.#source?.close();
    this.#source = null;
  };

  #act = async (path: string, body: unknown) => {
    if (!this.order) return;
    this.busy = true;
    this.error = null;
    try {
      this.order = await call(orderSchema, 'POST', `/api/v1/orders/${this.order.id}/${path}`, body);
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = false;
    }
  };

  /** One choice per line awaiting one: a candidate's product code, or null for customer service. */
  choose = (choices: { position: number; product: string | null }[]) =>
    this.#act('choose', { choices });

  cancel = (reason: string) => this.#act('cancel', { reason });
}
