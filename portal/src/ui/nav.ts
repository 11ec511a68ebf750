import type { MessageKey } from '../lib/i18n/en.ts';
import type { Session } from '../lib/session.svelte.ts';

export interface NavLink {
  href: string;
  label: MessageKey;
}

/**
 * Where each person starts (issue 16): customers in the catalog; customer service in its
 * queue; a planner at the orders to release; a supervisor at the line's exceptions; an
 * admin at the dashboard.
 */
export function homeFor(session: Session): string {
  switch (session.user?.role) {
    case 'customer_service':
      return '/office/queue';
    case 'planner':
      return '/office/orders';
    case 'supervisor':
      return '/office/exceptions';
    case 'admin':
      return '/office/dashboard';
    default:
      return session.user ? '/catalog' : '/login';
  }
}

/** The screens each role reaches; the server enforces the same roles on every call. */
export function navFor(session: Session): NavLink[] {
  if (!session.user) return [];
  if (!session.isStaff)
    return [
      { href: '/catalog', label: 'nav.catalog' },
      { href: '/orders', label: 'nav.orders' },
      { href: '/receipt', label: 'nav.receipt' },
    ];
  const links: (NavLink & { show: boolean })[] = [
    { href: '/office/queue', label: 'nav.queue', show: session.can('customer_service') },
    { href: '/office/orders', label: 'nav.officeOrders', show: true },
    { href: '/office/products', label: 'nav.products', show: true },
    { href: '/office/stations', label: 'nav.stations', show: session.can('planner', 'supervisor') },
    { href: '/office/lines', label: 'nav.lines', show: session.can('planner', 'supervisor') },
    { href: '/office/badges', label: 'nav.badges', show: session.can('planner', 'supervisor') },
    {
      href: '/office/exceptions',
      label: 'nav.exceptions',
      show: session.can('customer_service', 'planner', 'supervisor'),
    },
    { href: '/office/trace', label: 'nav.trace', show: true },
    { href: '/office/audit', label: 'nav.audit', show: session.can('planner', 'supervisor') },
    { href: '/office/dashboard', label: 'nav.dashboard', show: true },
    { href: '/office/labels', label: 'nav.labels', show: session.can('planner') },
    { href: '/office/export', label: 'nav.export', show: true },
    { href: '/office/users', label: 'nav.users', show: session.can('admin') },
    { href: '/office/webhooks', label: 'nav.webhooks', show: session.can('admin') },
  ];
  return links.filter((link) => link.show);
}
