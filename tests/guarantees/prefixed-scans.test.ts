/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies are read field by field */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, stationCommands } from '#station/service/command-map.ts';
import type { Station } from '#station/service/station.ts';
import { ptyScanner, socatPair, type SocatPair } from '../native/socat-pair.ts';
import { OAK_TABLE } from '../server/fixtures.ts';
import { STORAGES, type ApiClient } from '../server/harness.ts';
import {
  enrolledReplica,
  stationOn,
  eventually,
  RestartableServer,
  type TestReplica,
} from '../sync/sync-harness.ts';

/*
 * A scan is normalised once (docs/station.md): resource labels read with the AIM prefixes
 * real scanners send (]C0, ]C1, ]Q1, ]d2), through a serial scanner on a socat pty and
 * typed through the command API, are each consumed once at the station, once on the
 * server, and appear once as inputs in the EPCIS export; the same label again, with or
 * without a prefix, is already consumed everywhere.
 */
describe.each(STORAGES)('prefixed scans from the scanner to EPCIS on %s', (storage) => {
  const plant = new RestartableServer(storage);
  let replica: TestReplica;
  let station: Station;
  let pty: SocatPair;
  let planner: ApiClient;
  let customer: ApiClient;
  let supervisor: ApiClient;
  let operator: string;

  beforeAll(async () => {
    await plant.start();
    const admin = await plant.userClient('admin');
    [planner, customer, supervisor] = await plant.userClients('planner', 'customer', 'supervisor');
    await admin.post('/api/v1/lines', { name: 'L1' });
    operator = (await admin.post('/api/v1/badges', { name: 'Zhao', role: 'operator' })).body.code;
    const chen = (await admin.post('/api/v1/badges', { name: 'Chen', role: 'supervisor' })).body
      .code as string;
    replica = await enrolledReplica(plant, admin, 'production', 'L1');
    await replica.sync.bootstrap();
    station = stationOn(replica, 'production');
    await station.start();
    pty = await socatPair();
    // Devices are a supervisor's to set.
    await replica.sync.pullAll();
    station.login(chen);
    const saved = await station.saveSettings({
      scanner: ptyScanner(pty.port),
    });
    expect(saved.ok).toBe(true);
    await eventually(() => station.state().devices.scanner.ok, 5000, 'serial scanner open');
  });
  afterAll(async () => {
    await station?.saveSettings({ scanner: null }).catch(() => undefined);
    await pty?.dispose();
    await replica?.close();
    await plant.destroy();
  });

  it('consumes each prefixed label once at the station, on the server and in EPCIS', async () => {
    const product = (await planner.post('/api/v1/products', OAK_TABLE)).body.code;
    const order = await customer.post('/api/v1/orders', {
      lines: [{ product, quantity: 1 }],
      shipTo: 'Suzhou',
    });
    const released = await planner.post(`/api/v1/orders/${order.body.id}/release`, { line: 'L1' });
    const code = order.body.code as string;
    const resources = (released.body.resources as { code: string }[]).map((r) => r.code);
    await replica.sync.pullAll();
    const commands = stationCommands(station);
    await runCommand(commands, 'login', { badge: operator });
    await runCommand(commands, 'loadOrder', { order: code });

    const verdicts: string[] = [];
    station.on('event', (event) => {
      if (event.type === 'verdict') verdicts.push(event.decision.verdict);
    });
    const serial = async (text: string) => {
      const before = verdicts.length;
      writeFileSync(pty.device, `${text}\r`);
      await eventually(() => verdicts.length > before, 5000, `a verdict for ${text}`);
      return verdicts.at(-1);
    };
    const typed = async (text: string) => {
      const reply = await runCommand(commands, 'scan', { text });
      return reply.ok ? reply.decision?.verdict : reply.error.key;
    };
    // Four labels, four prefixes, two paths in; then each again, prefixed or not.
    expect(await serial(`]C0${resources[0]}`)).toBe('accepted');
    expect(await serial(`]C1${resources[1]}`)).toBe('accepted');
    expect(await typed(`]Q1${resources[2]}`)).toBe('accepted');
    expect(await typed(`]d2${resources[3]}`)).toBe('accepted');
    expect(await serial(`]C0${resources[0]}`)).toBe('already_consumed');
    expect(await serial(resources[1]!)).toBe('already_consumed');
    expect(await typed(`]C0${resources[2]}`)).toBe('already_consumed');
    expect(await typed(resources[3]!.toLowerCase())).toBe('already_consumed');

    await replica.sync.pushAll();
    expect(replica.outbox.status().depth).toBe(0);
    const consumed = await plant.context.storage.db
      .selectFrom('resources')
      .select(['code', 'consumed_at'])
      .where('code', 'in', resources)
      .execute();
    expect(
      consumed
        .filter((r) => r.consumed_at)
        .map((r) => r.code)
        .sort(),
    ).toEqual(resources.slice(0, 4).sort());
    const epcis = await supervisor.get(`/api/v1/epcis/events?order=${code}`);
    expect(epcis.status).toBe(200);
    const inputs = (epcis.body.epcisBody.eventList as any[]).flatMap(
      (event) => (event.inputEPCList as string[] | undefined) ?? [],
    );
    expect(inputs.sort()).toEqual(
      resources
        .slice(0, 4)
        .map((r) => `urn:ordertrace:code:${r}`)
        .sort(),
    );
  });
});
