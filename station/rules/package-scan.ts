import { parseScan, type ScanParse } from '#core/scan/parse-scan.ts';
import { outcome, type Outcome } from './outcome.ts';
import type { ReplicaLookup } from './replica-lookup.ts';

/**
 * A package is named by its package code (Code 128 and QR on its label) or by the SSCC of
 * its GS1 logistic label: the GS1-128 `(00)` symbol a dock scanner often reads first, with
 * or without its AIM prefix and FNC1, or the `(00) …` text typed. An SSCC is turned into
 * the package code here, once, so the rules decide on the package code either way and
 * both scans get the same decision. An SSCC on no known package is refused by name.
 */
export function packageNamedBy(
  scan: ScanParse,
  replica: ReplicaLookup,
): { scan: ScanParse } | { refused: Outcome } {
  const sscc = scan.valid && scan.kind === 'gs1' ? scan.gs1?.['00'] : undefined;
  if (sscc === undefined) return { scan };
  const pkg = replica.packageBySscc(sscc);
  if (!pkg) return { refused: outcome('unknown', scan.order, 'sscc_unknown', { sscc }) };
  return { scan: parseScan(pkg.code) };
}
