/* eslint-disable @typescript-eslint/no-explicit-any -- EPCIS documents are JSON read field by field; the schema check proves their shape */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { epcisCommand } from '#cli/commands/epcis.ts';
import { STORAGES, TEST_DATABASE_URL } from './harness.ts';
import { scenarioOn } from './trace-scenario.ts';

/*
 * GS1's EPCIS 2.0 JSON Schema declares draft-07 ("$schema": ".../draft-07/schema#"), which
 * is Ajv's default draft. Its `format: uri` and `date-time` need ajv-formats; without them
 * Ajv would ignore the formats and accept any string.
 */
const schemaUrl = new URL('../../server/epcis/EPCIS-JSON-Schema.json', import.meta.url);
const gs1Schema = JSON.parse(readFileSync(schemaUrl, 'utf8'));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validateEpcis = ajv.compile(gs1Schema);

const expectValid = (document: unknown) => {
  const valid = validateEpcis(document);
  expect(valid ? [] : validateEpcis.errors).toEqual([]);
};

describe('the EPCIS validator', () => {
  it('declares draft-07, and accepts GS1’s own example documents', () => {
    expect(gs1Schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const folder = new URL('../../server/epcis/examples/', import.meta.url);
    const examples = readdirSync(folder).filter((name) => name.endsWith('.jsonld'));
    expect(examples).toHaveLength(3);
    for (const name of examples) {
      const example = JSON.parse(readFileSync(new URL(name, folder), 'utf8'));
      expect(validateEpcis(example), `${name}: ${JSON.stringify(validateEpcis.errors)}`).toBe(true);
    }
  });

  it('holds GS1’s data unchanged (checksums recorded when it was copied in)', () => {
    // Compared as compact JSON: the repo's formatter lays the files out its own way, so
    // only the content counts. Every file is listed and every listed file is there.
    const ours = new URL('../../server/epcis/', import.meta.url);
    const recorded = JSON.parse(readFileSync(new URL('checksums.json', ours), 'utf8')).sha256;
    const examples = readdirSync(new URL('examples/', ours)).map((f) => `examples/${f}`);
    const files = ['EPCIS-JSON-Schema.json', ...examples];
    expect(files.sort()).toEqual(Object.keys(recorded).sort());
    for (const file of files) {
      const content = JSON.stringify(JSON.parse(readFileSync(new URL(file, ours), 'utf8')));
      expect(createHash('sha256').update(content).digest('hex'), file).toBe(recorded[file]);
    }
  });

  it('refuses a document that breaks the standard, so passing means something', () => {
    const event = {
      type: 'ObjectEvent',
      eventTime: '2026-01-01T00:00:00Z',
      action: 'OBSERVE',
      epcList: ['not a uri'],
    };
    const document = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-01-01T00:00:00Z',
      epcisBody: { eventList: [event] },
    };
    expect(validateEpcis(document)).toBe(false);
    const paths = (validateEpcis.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    expect(paths.join('\n')).toMatch(/eventTimeZoneOffset/);
    expect(paths.join('\n')).toMatch(/epcList\/0 must match format "uri"/);
  });
});

describe.each(STORAGES)('EPCIS 2.0 export on %s', (storage) => {
  const s = scenarioOn(storage);

  it('exports an order’s whole history as a document GS1’s schema accepts', async () => {
    const response = await s.planner.get(`/api/v1/epcis/events?order=${s.order.code}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/ld\+json/);
    const document = response.body;
    expectValid(document);
    const events: any[] = document.epcisBody.eventList;
    const byStep = (step: string) => events.filter((e) => e.bizStep === step);

    const [commissioning] = byStep('commissioning');
    expect(commissioning).toMatchObject({ type: 'ObjectEvent', action: 'ADD' });
    expect(commissioning.epcList).toContain(`urn:ordertrace:code:${s.order.resources[0]!.code}`);
    expect(commissioning.epcList).toContain(`urn:ordertrace:code:${s.order.units[1]}`);

    const assembling = byStep('assembling');
    expect(assembling.every((e) => e.type === 'TransformationEvent')).toBe(true);
    expect(
      assembling.every(
        (e) => e.transformationID === `urn:ordertrace:transformation:${s.order.code}`,
      ),
    ).toBe(true);
    // Every resource of the bill went in (the order could not be finished otherwise).
    expect(assembling.flatMap((e) => e.inputEPCList ?? [])).toEqual(
      s.order.resources.map((r) => `urn:ordertrace:code:${r.code}`),
    );
    expect(assembling.flatMap((e) => e.outputEPCList ?? [])).toEqual(
      s.order.units.map((u) => `urn:ordertrace:code:${u}`),
    );
    const consumption = assembling.find((e) => e.inputEPCList);
    expect(consumption).toMatchObject({
      readPoint: { id: expect.stringMatching(/^urn:ordertrace:station:/) },
      bizLocation: { id: 'urn:ordertrace:line:L1' },
      'ordertrace:station': 'assembly-1',
      'ordertrace:operator': s.production.operator,
    });

    expect(byStep('packing')).toEqual([
      expect.objectContaining({
        type: 'AggregationEvent',
        action: 'ADD',
        parentID: `https://id.gs1.org/00/${s.sscc}`,
        childEPCs: s.order.units.map((u) => `urn:ordertrace:code:${u}`),
        'ordertrace:packageCode': s.pkg,
      }),
    ]);
    expect(byStep('shipping')).toEqual([
      expect.objectContaining({
        epcList: [`https://id.gs1.org/00/${s.sscc}`],
        disposition: 'in_transit',
        'ordertrace:carrier': 'SF Express',
      }),
    ]);
    expect(byStep('receiving')).toEqual([
      expect.objectContaining({
        disposition: 'completeness_verified',
        'ordertrace:receipt': 'confirmed',
      }),
    ]);

    const inspecting = byStep('inspecting');
    expect(inspecting.map((e) => [e.disposition, e['ordertrace:verdict']])).toEqual([
      ['mismatch_instance', 'line_stop'],
      ['non_conformant', 'misread'],
    ]);
    expect(inspecting[0]).toMatchObject({
      eventID: `urn:uuid:${s.lineStopEvent}`,
      epcList: [`urn:ordertrace:code:${s.foreignResource}`],
      'ordertrace:clearReason': 'Pallet from the next line; moved back.',
    });
    // A misread is no code at all: nothing to name, the raw scan is kept.
    expect(inspecting[1].epcList).toEqual([]);

    const times = events.map((e) => Date.parse(e.eventTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.eventID)).size).toBe(events.length);
  });

  it('selects by event time, and exports every order without a filter', async () => {
    const all = (await s.planner.get('/api/v1/epcis/events')).body;
    expectValid(all);
    const commissioned = all.epcisBody.eventList.filter((e: any) => e.bizStep === 'commissioning');
    expect(commissioned).toHaveLength(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    const none = await s.planner.get(`/api/v1/epcis/events?since=${encodeURIComponent(future)}`);
    expect(none.body.epcisBody.eventList).toEqual([]);
    const before = await s.planner.get(
      `/api/v1/epcis/events?order=${s.idle.code}&until=${encodeURIComponent('2000-01-01T00:00:00Z')}`,
    );
    expect(before.body.epcisBody.eventList).toEqual([]);
  });

  it('refuses bad input and callers who may not export', async () => {
    const badSince = await s.planner.get('/api/v1/epcis/events?since=yesterday');
    expect(badSince.status).toBe(400);
    expect(badSince.body.error.issues[0].path).toMatch(/since/);
    const badOrder = await s.planner.get('/api/v1/epcis/events?order=RD123');
    expect(badOrder.status).toBe(400);
    const unknown = await s.planner.get(
      `/api/v1/epcis/events?order=${s.foreignResource.slice(2, 13)}`,
    );
    expect(unknown.status).toBe(404);
    expect((await s.customer.get('/api/v1/epcis/events')).status).toBe(403);
    expect((await s.server.client().get('/api/v1/epcis/events')).status).toBe(401);
  });

  it('exports the same storage from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordertrace-epcis-'));
    const saved = process.env.DATABASE_URL;
    if (storage === 'postgres') {
      // The test server works in its own schema; point the CLI at it as DATABASE_URL would.
      const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(
        s.server.context.storage.db,
      );
      process.env.DATABASE_URL = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${rows[0]!.schema},public`)}`;
    }
    try {
      const out = join(dir, 'order.jsonld');
      const code = await epcisCommand([
        'export',
        '--data-dir',
        s.server.dataDir,
        '--order',
        s.order.code,
        '--out',
        out,
      ]);
      expect(code).toBe(0);
      const document = JSON.parse(readFileSync(out, 'utf8'));
      expectValid(document);
      const api = (await s.planner.get(`/api/v1/epcis/events?order=${s.order.code}`)).body;
      expect(document.epcisBody.eventList).toEqual(api.epcisBody.eventList);
      await expect(epcisCommand(['export', '--since', 'soon', '--out', out])).rejects.toThrow(
        /--since/,
      );
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
