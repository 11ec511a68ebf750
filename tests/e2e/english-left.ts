import { appendFileSync } from 'node:fs';

/*
 * English still read on Chinese screens (issue 16), screen by screen, found by the walks in
 * Chinese (tests/e2e/portal/screens.test.ts, tests/e2e/station/station-ui.ts with
 * tests/e2e/latin-on-screen.ts). A word found that is not listed for its screen fails the
 * walk. A word listed but no longer found is reported as `gone` (take it off the list); it
 * does not fail, as a device's status line depends on timing. What is left, by kind:
 *
 * - DATA: words people typed into the demo plant (server/demo/seed.ts) — names of people and
 *   badges ("Oliver Brown", "Operator 操作员 Zhao"), an address in Hong Kong, a hold reason,
 *   a customer's "similar to, but…", a rejection reason. Shown as typed, never translated.
 * - TO FIX: product attributes on the products page are shown by their keys with the Chinese
 *   values beside them (`material: oak · material_zh: 橡木`), and bill-of-materials resource
 *   types (`leg`, `panel`) are shown as keyed; a station's scanner and printer status
 *   tooltips are the device drivers' English sentences (native/), with the print job's
 *   English title ("package 1/1 of RD…").
 */
/**
 * TO FIX: a station's scanner and printer status tooltips, the drivers' English sentences
 * ("Reading the serial scanner on /dev/…", "Dry run: labels are logged, not printed.",
 * "Printed package 1/1 of RD… (dry-run)."): which one shows depends on timing, so every
 * station screen may have any of them.
 */
const DEVICE_STATUS = [
  ...['Reading', 'the', 'serial', 'scanner', 'on'],
  ...['Dry', 'run', 'labels', 'are', 'logged', 'not', 'printed.'],
  ...['Printed', 'package', 'unit', 'of', 'dry-run.'],
  ...['The', 'printer', 'at', 'is', 'ready.'],
];

export const ENGLISH_LEFT: Readonly<Record<string, readonly string[]>> = {
  // DATA: the customer's "similar to, but…" text
  'order-production': ['walnut'],
  // DATA: the hold reason a planner typed
  'order-on-hold': ['Ash', 'delivery', 'failed', 'moisture', 'check'],
  // DATA: the rejection reason the customer typed
  'order-received': ['Table', 'top', 'scratched', 'in', 'transit'],
  // DATA: a customer's name and Hong Kong address, their "similar to, but…" text
  'office-queue': [
    'Oliver',
    'Brown',
    'Harbour',
    'Road',
    'Wan',
    'Chai',
    'Hong',
    'Kong',
    'A',
    'rocking',
    'horse',
    'for',
    'a',
    'child',
    'painted',
    'red',
  ],
  // DATA: a customer's name
  'office-orders': ['Wang', 'Fang'],
  // TO FIX: attribute keys and values, bill-of-materials resource types
  'office-products': [
    'type',
    'sofa',
    'zh',
    'material',
    'linen',
    'seats',
    'colour',
    'natural',
    'frame',
    'fabric',
    'cushion',
    'dining',
    'table',
    'walnut',
    'length',
    'finish',
    'oil',
    'panel',
    'leg',
    'hardware',
    'grey',
    'chair',
    'oak',
    'seat',
    'paper',
    'cord',
    'bookshelf',
    'ash',
    'height',
    'tiers',
    'black',
    'side',
    'shelf',
    'bedside',
    'drawers',
    'carcass',
    'drawer',
    'runner',
    'leather',
    'coffee',
    'brown',
    'cover',
  ],
  // DATA: the plant's name
  'office-lines': ['Suzhou'],
  // DATA: badge names
  'office-badges': ['Operator', 'Zhao', 'Supervisor', 'Chen'],
  // DATA: the rejection reason the customer typed
  'office-exceptions': ['Table', 'top', 'scratched', 'in', 'transit'],
  // DATA: people's names
  'office-users': ['Chen', 'Jie', 'Li', 'Na', 'Oliver', 'Brown', 'Wang', 'Fang', 'Zhang', 'Wei'],
  // DATA: people's and badge names, the carrier
  'office-trace': ['Oliver', 'Brown', 'Li', 'Na', 'Operator', 'Zhao', 'SF', 'Express'],
};

/**
 * What the walk found on `screen` beyond what is listed, and what is listed but gone. With
 * ORDERTRACE_ENGLISH_FOUND=file set, each screen's words are also appended to that file as a
 * JSON line (to refresh the list above after fixing some).
 */
export function englishLeftDiff(screen: string, found: readonly string[]) {
  const file = process.env.ORDERTRACE_ENGLISH_FOUND;
  if (file) appendFileSync(file, `${JSON.stringify({ screen, words: found })}\n`);
  const listed = new Set([
    ...(ENGLISH_LEFT[screen] ?? []),
    ...(screen.startsWith('station-') ? DEVICE_STATUS : []),
  ]);
  return {
    screen,
    unlisted: found.filter((word) => !listed.has(word)),
    gone: (ENGLISH_LEFT[screen] ?? []).filter((word) => !found.includes(word)),
  };
}
