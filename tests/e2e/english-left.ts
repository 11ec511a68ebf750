import { appendFileSync } from 'node:fs';

/*
 * English still read on Chinese screens (issue 16), screen by screen, found by the walks in
 * Chinese (tests/e2e/portal/screens.test.ts, tests/e2e/station/station-ui.ts with
 * tests/e2e/latin-on-screen.ts). A word found that is not listed for its screen fails the
 * walk. A word listed but no longer found is reported as `gone` (take it off the list).
 *
 * Nothing is left: product attributes read by label and value in the reader's language,
 * resource types, device statuses and label titles by key, and the demo plant's data is
 * typed in Chinese (docs/portal.md "The demo plant's language"). A word that comes back
 * goes here, under its screen, with why it cannot be translated yet.
 */
export const ENGLISH_LEFT: Readonly<Record<string, readonly string[]>> = {};

/**
 * What the walk found on `screen` beyond what is listed, and what is listed but gone. With
 * ORDERTRACE_ENGLISH_FOUND=file set, each screen's words are also appended to that file as a
 * JSON line (to refresh the list above after fixing some).
 */
export function englishLeftDiff(screen: string, found: readonly string[]) {
  const file = process.env.ORDERTRACE_ENGLISH_FOUND;
  if (file) appendFileSync(file, `${JSON.stringify({ screen, words: found })}\n`);
  const listed = new Set(ENGLISH_LEFT[screen] ?? []);
  return {
    screen,
    unlisted: found.filter((word) => !listed.has(word)),
    gone: (ENGLISH_LEFT[screen] ?? []).filter((word) => !found.includes(word)),
  };
}
