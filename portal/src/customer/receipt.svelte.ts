import { parseCode } from '#core/codes/formats.ts';
import { orderListSchema, orderSchema, type OrderView } from '#core/api/orders.ts';
import { parseScan } from '#core/scan/parse-scan.ts';
import { ssccInput } from '#core/gs1/sscc-input.ts';
import { ApiError, call, query } from '../lib/api.ts';
import { allPages } from '../lib/paged.svelte.ts';
import type { I18n } from '../lib/i18n/i18n.svelte.ts';

type PackageView = OrderView['packages'][number];

/** All of the customer's own orders, every page (a customer has few). */
const myOrders = () =>
  allPages(async (cursor) => {
    const page = await call(
      orderListSchema,
      'GET',
      `/api/v1/orders${query({ cursor, limit: '200' })}`,
    );
    return { items: page.orders, nextCursor: page.nextCursor };
  });

/**
 * Receiving a package: the code (scanned or typed) is checked here first — it must be a
 * package code of one of the customer's own orders — and then by the server, which has the
 * last word. A package of another order is refused with a sentence saying so.
 */
export class ReceiptDesk {
  code = $state('');
  found = $state<{ order: OrderView; pkg: PackageView } | null>(null);
  problem = $state('');
  error = $state<unknown>(null);
  done = $state('');
  reason = $state('');
  busy = $state(false);
  #orders: OrderView[] = [];

  constructor(private readonly i18n: I18n) {}

  /** What a scanner or camera delivered, with any AIM identifier or GS1 wrapping removed. */
  scanned = async (raw: string) => {
    const parsed = parseScan(raw);
    // The GS1-128 symbol on the label carries the SSCC; check() finds the package it names.
    this.code = parsed.gs1?.['00'] ?? parsed.code;
    await this.check();
  };

  check = async () => {
    const { t } = this.i18n;
    this.found = null;
    this.problem = '';
    this.error = null;
    this.done = '';
    const sscc = ssccInput(this.code);
    if (sscc) {
      // An SSCC, scanned or typed: the package that carries it.
      const orders = await myOrders().catch(() => null);
      const pkg = orders?.flatMap((o) => o.packages).find((p) => p.sscc === sscc);
      if (!pkg) {
        this.problem = t('receipt.unknownPackage');
        return;
      }
      this.code = pkg.code;
    }
    const parsed = parseCode(this.code.trim().toUpperCase());
    if (!parsed.valid) {
      this.problem = t(`code.${parsed.reason}`);
      return;
    }
    if (parsed.kind !== 'package') {
      this.problem = t('receipt.notPackage', { kind: t(`kind.${parsed.kind}`) });
      return;
    }
    try {
      this.#orders = await myOrders();
    } catch (error) {
      this.error = error;
      return;
    }
    const order = this.#orders.find((o) => o.code === parsed.order);
    const pkg = order?.packages.find((p) => p.code === parsed.code);
    if (!order || !pkg) {
      this.problem = order
        ? t('receipt.unknownPackage')
        : t('receipt.notYours', { order: parsed.order ?? '' });
      return;
    }
    if (pkg.receipt) {
      this.problem = t('receipt.alreadyDone', {
        receipt: t(pkg.receipt === 'confirmed' ? 'order.received' : 'state.receipt_rejected'),
      });
    }
    this.found = { order, pkg };
  };

  record = async (verdict: 'confirm' | 'reject') => {
    if (!this.found) return;
    this.busy = true;
    this.error = null;
    try {
      const body =
        verdict === 'confirm'
          ? { verdict, package: this.found.pkg.code }
          : { verdict, package: this.found.pkg.code, reason: this.reason };
      const order = await call(orderSchema, 'POST', '/api/v1/receipts', body);
      const pkg = order.packages.find((p) => p.code === this.found?.pkg.code);
      this.found = pkg ? { order, pkg } : null;
      this.done = this.i18n.t(verdict === 'confirm' ? 'receipt.confirmed' : 'receipt.rejectedDone');
      this.reason = '';
    } catch (error) {
      // The server's word on "not yours" is a 404: say it the way the customer understands.
      if (error instanceof ApiError && error.code === 'OT_ERR_NOT_FOUND')
        this.problem = this.i18n.t('receipt.unknownPackage');
      else this.error = error;
    } finally {
      this.busy = false;
    }
  };
}
