import { mintSscc, SSCC_LENGTH } from './check-digit.ts';

/*
 * SSCCs are minted offline by packing stations from blocks of serial references the server
 * hands out (docs/decisions/0006-sscc-blocks.md). A reference is the extension digit
 * followed by the serial reference, read as one number: with a 7-digit company prefix
 * 0…9,999,999,999. Blocks never overlap and are never handed out twice.
 */

/** References per block: a busy packing bench closes a few hundred packages a day. */
export const SSCC_BLOCK_SIZE = 1000;
/** A station asks for another block once fewer references than this are left unused. */
export const SSCC_REFILL_BELOW = SSCC_BLOCK_SIZE;

export interface SsccBlock {
  companyPrefix: string;
  /** The first reference of the block. */
  first: number;
  count: number;
}

export const COMPANY_PREFIX_PATTERN = /^[0-9]{6,12}$/;

/**
 * The demo plant's company prefix: GS1 prefix 952 is reserved for demonstrations and
 * examples, so its SSCCs can never collide with a real company's.
 */
export const DEMO_COMPANY_PREFIX = '9521234';

/** How many references a company prefix leaves room for, extension digit included. */
export function referenceCapacity(companyPrefix: string): number {
  return 10 ** (SSCC_LENGTH - 1 - companyPrefix.length);
}

/** The SSCC of one reference: extension digit, company prefix, serial reference, check digit. */
export function ssccOfReference(companyPrefix: string, reference: number): string {
  const serialDigits = SSCC_LENGTH - 2 - companyPrefix.length;
  const capacity = referenceCapacity(companyPrefix);
  if (!Number.isSafeInteger(reference) || reference < 0 || reference >= capacity) {
    throw new RangeError(
      `SSCC reference ${reference} is outside 0…${capacity - 1} for company prefix ${companyPrefix}`,
    );
  }
  const serialSpan = 10 ** serialDigits;
  return mintSscc(companyPrefix, reference % serialSpan, Math.floor(reference / serialSpan));
}

/** Where a block ends: its first reference plus its count (exclusive). */
export const blockEnd = (block: Pick<SsccBlock, 'first' | 'count'>): number =>
  block.first + block.count;
