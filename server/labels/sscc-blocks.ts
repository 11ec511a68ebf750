import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { SsccBlockRequest, SsccBlockResponse } from '#core/api/sscc-blocks.ts';
import {
  blockEnd,
  referenceCapacity,
  SSCC_BLOCK_SIZE,
  SSCC_REFILL_BELOW,
  type SsccBlock,
} from '#core/gs1/sscc-blocks.ts';
import type { ServerConfig } from '../config.ts';
import type { Db, ServerContext, SsccSettings, StationCaller } from '../context.ts';
import { conflict, invalid } from '../errors.ts';

/*
 * The server's side of SSCC blocks (docs/decisions/0006-sscc-blocks.md). A block is handed
 * out once: the next one starts beyond the highest end the database knows, the highest a
 * station reports holding, and the high-water mark kept in a file outside the database, so
 * neither a restored database nor a lost answer can make two packages share an SSCC.
 */

export function ssccSettings(config: ServerConfig): SsccSettings {
  return {
    companyPrefix: config.gs1CompanyPrefix,
    highWaterFile: join(config.dataDir, 'sscc-high-water.json'),
  };
}

function readHighWater(file: string): Record<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null) {
    throw new Error(`${file} is not an SSCC high-water file`);
  }
  return parsed as Record<string, number>;
}

/** Written and synced before the block is granted: a crash in between only wastes the block. */
function writeHighWater(file: string, marks: Record<string, number>): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, JSON.stringify(marks));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

function checkHeld(request: SsccBlockRequest): void {
  request.held.forEach((block, index) => {
    const end = blockEnd(block);
    if (
      end > referenceCapacity(block.companyPrefix) ||
      block.next < block.first ||
      block.next > end
    ) {
      throw invalid(
        `Held SSCC block ${index + 1} (${block.first}+${block.count}, next ${block.next}) is not a block of prefix ${block.companyPrefix}.`,
        `held.${index}`,
      );
    }
  });
}

/** Record blocks a station holds that this database does not know: it was restored. */
async function adoptHeld(trx: Db, station: StationCaller, request: SsccBlockRequest, at: string) {
  for (const block of request.held) {
    const known = await trx
      .selectFrom('sscc_blocks')
      .select('first_reference')
      .where('company_prefix', '=', block.companyPrefix)
      .where('first_reference', '=', block.first)
      .executeTakeFirst();
    if (known) continue;
    await trx
      .insertInto('sscc_blocks')
      .values({
        company_prefix: block.companyPrefix,
        first_reference: block.first,
        count: block.count,
        station_id: station.id,
        granted_at: at,
        adopted: 1,
      })
      .execute();
  }
}

/** Hand out the next block of a prefix, in the caller's transaction. */
async function nextBlock(
  trx: Db,
  settings: SsccSettings,
  companyPrefix: string,
  stationId: string | null,
  reportedEnd: number,
  at: string,
): Promise<SsccBlock> {
  const row = await trx
    .selectFrom('sscc_blocks')
    .select((eb) => eb.fn.max<number | null>(sql`first_reference + count`).as('end'))
    .where('company_prefix', '=', companyPrefix)
    .executeTakeFirst();
  const marks = readHighWater(settings.highWaterFile);
  // Reference 0 is left out: an all-zero serial reads like a placeholder.
  const first = Math.max(1, Number(row?.end ?? 0), reportedEnd, marks[companyPrefix] ?? 0);
  const capacity = referenceCapacity(companyPrefix);
  if (first + SSCC_BLOCK_SIZE > capacity) {
    throw conflict(
      `Every SSCC of company prefix ${companyPrefix} has been handed out (${capacity} references); configure another GS1 company prefix.`,
    );
  }
  const block = { companyPrefix, first, count: SSCC_BLOCK_SIZE };
  writeHighWater(settings.highWaterFile, { ...marks, [companyPrefix]: blockEnd(block) });
  await trx
    .insertInto('sscc_blocks')
    .values({
      company_prefix: companyPrefix,
      first_reference: first,
      count: SSCC_BLOCK_SIZE,
      station_id: stationId,
      granted_at: at,
      adopted: 0,
    })
    .execute();
  return block;
}

/**
 * A packing station's request: adopt what it holds that this database forgot, and hand it
 * one more block when fewer than SSCC_REFILL_BELOW of its references are left.
 */
export async function grantSsccBlocks(
  context: ServerContext,
  station: StationCaller,
  request: SsccBlockRequest,
): Promise<SsccBlockResponse> {
  const companyPrefix = context.sscc?.companyPrefix;
  if (!context.sscc || !companyPrefix) return { companyPrefix: null, granted: [] };
  if (station.role !== 'packing') {
    throw invalid(`Only packing stations close packages; this is a ${station.role} station.`);
  }
  checkHeld(request);
  const settings = context.sscc;
  const at = context.now().toISOString();
  const { db, kind } = context.storage;
  return db.transaction().execute(async (trx) => {
    // One grant at a time across every server instance on the database.
    if (kind === 'postgres') await sql`SELECT pg_advisory_xact_lock(7005)`.execute(trx);
    await adoptHeld(trx, station, request, at);
    const current = request.held.filter((block) => block.companyPrefix === companyPrefix);
    const left = current.reduce((sum, block) => sum + blockEnd(block) - block.next, 0);
    if (left >= SSCC_REFILL_BELOW) return { companyPrefix, granted: [] };
    const reportedEnd = Math.max(0, ...current.map(blockEnd));
    const block = await nextBlock(trx, settings, companyPrefix, station.id, reportedEnd, at);
    return { companyPrefix, granted: [block] };
  });
}
