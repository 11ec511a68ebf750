import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STATION_ROLES } from '#core/orders/state-machine.ts';
import { DEMO_COMPANY_PREFIX } from '#core/gs1/sscc-blocks.ts';
import { loadServerConfig } from '#server/config.ts';
import { DEMO_PASSWORD, DEMO_USERS, isEmpty, seedDemo } from '#server/demo/seed.ts';
import { startServer } from '#server/server.ts';
import { readEnrollment } from '#station/enrollment-file.ts';
import { adminSession } from '#station/plant/admin-session.ts';
import { ELECTRON_MAIN, findElectron } from '#station/plant/electron-binary.ts';
import { runStation, type RunningStation } from '#station/run-station.ts';
import { UsageError } from '../usage-error.ts';
import { printDemoSummary } from './demo.ts';

export const plantUsage = `ordertrace plant [--data-dir DIR] [--port N]
  The whole plant on one machine: the server (embedded SQLite, demo data on first run) and
  one station of each role on line L1, created through the API as the demo admin and
  enrolled. Opens Electron windows when an Electron binary is present; otherwise serves
  each station's UI on 127.0.0.1 for any browser. Prints every URL and the demo logins.
  Station UIs listen on ports 7401 (production), 7402 (packing), 7403 (shipping).`;

const STATION_PORT = { production: 7401, packing: 7402, shipping: 7403 } as const;

export async function plantCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, port: { type: 'string' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? 'data/plant');
  const config = loadServerConfig({
    // Warnings only: the URLs and logins below are what a person starting the plant needs to read.
    flags: {
      'data-dir': join(dataDir, 'server'),
      'log-level': process.env.LOG_LEVEL ?? 'warn',
      'gs1-company-prefix': process.env.GS1_COMPANY_PREFIX || DEMO_COMPANY_PREFIX,
      ...(values.port ? { port: values.port } : {}),
    },
    env: { ...process.env, DATA_DIR: undefined },
    cwd: process.cwd(),
  });
  const server = await startServer(config);
  console.log(`Server and portal: ${server.url}/  (certificate SHA-256 ${server.tls.fingerprint})`);
  if (await isEmpty(server.context)) printDemoSummary(await seedDemo(server.context));
  else {
    console.log(`Demo logins (password ${DEMO_PASSWORD}):`);
    for (const user of DEMO_USERS) console.log(`  ${user.role.padEnd(17)} ${user.email}`);
    const badges = await server.context.storage.db
      .selectFrom('badges')
      .select(['code', 'name', 'role'])
      .execute();
    for (const badge of badges)
      console.log(`  badge ${badge.role.padEnd(11)} ${badge.code}  (${badge.name})`);
  }

  const admin = DEMO_USERS.find((user) => user.role === 'admin');
  const electron = findElectron();
  const stations: RunningStation[] = [];
  const windows: ChildProcess[] = [];
  let session: Awaited<ReturnType<typeof adminSession>> | undefined;
  for (const role of STATION_ROLES) {
    const stationDir = join(dataDir, `station-${role}`);
    let enrollCode: string | undefined;
    // Enrolled before, the station follows the server to this run's URL itself (runStation).
    if (!readEnrollment(stationDir)) {
      session ??= await adminSession(
        server.url,
        server.tls.cert,
        admin?.email ?? '',
        DEMO_PASSWORD,
      );
      enrollCode = await session.createStation(`plant-${role}`, role, 'L1');
    }
    if ('path' in electron) {
      windows.push(
        spawn(
          electron.path,
          [
            ELECTRON_MAIN,
            '--data-dir',
            stationDir,
            '--server',
            server.url,
            ...(enrollCode
              ? ['--enroll', enrollCode, '--fingerprint', server.tls.fingerprint]
              : []),
          ],
          {
            stdio: 'inherit',
          },
        ),
      );
      console.log(`Station ${role}: Electron window (data in ${stationDir})`);
      continue;
    }
    const running = await runStation({
      dataDir: stationDir,
      role,
      servers: [server.url],
      // The plant started this server itself: it knows the certificate to expect.
      ...(enrollCode ? { enrollCode, trust: { fingerprint: server.tls.fingerprint } } : {}),
      port: STATION_PORT[role],
      log: (line) => console.log(`  ${role}: ${line}`),
    });
    stations.push(running);
    console.log(`Station ${role}: ${running.openUrl}`);
  }
  await session?.close();
  if ('missing' in electron)
    console.log(`(Browser mode: ${electron.missing}.) Open the station URLs in any browser.`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  for (const window of windows) window.kill('SIGTERM');
  for (const station of stations) await station.close();
  await server.close();
  return 0;
}
