import { parseArgs } from 'node:util';
import { DEMO_COMPANY_PREFIX } from '#core/gs1/sscc-blocks.ts';
import { loadServerConfig } from '#server/config.ts';
import { isEmpty, seedDemo } from '#server/demo/seed.ts';
import { startServer } from '#server/server.ts';
import { UsageError } from '../usage-error.ts';
import { printDemoSummary } from './demo.ts';

export const serverUsage = `ordertrace server [--port N] [--host ADDR] [--data-dir DIR] [--gs1-company-prefix GCP] [--demo]
  Run the information server over HTTPS. Environment: PORT, HOST, DATA_DIR, DATABASE_URL
  (PostgreSQL instead of the embedded SQLite file), TLS_CERT and TLS_KEY (else a self-signed
  certificate is made in the data dir on first start), LOG_LEVEL, GS1_COMPANY_PREFIX (SSCCs
  on packages; none without it).
  --demo seeds the demo plant when the database is empty and, without a company prefix,
  uses the GS1 demonstration prefix ${DEMO_COMPANY_PREFIX}.`;

export const SERVER_FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'log-level': { type: 'string' },
  'gs1-company-prefix': { type: 'string' },
} as const;

export async function serverCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { ...SERVER_FLAGS, demo: { type: 'boolean' } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const { demo, ...flags } = values;
  let config;
  try {
    const prefix = demo && !process.env.GS1_COMPANY_PREFIX ? DEMO_COMPANY_PREFIX : undefined;
    config = loadServerConfig({
      flags: { 'gs1-company-prefix': prefix, ...flags },
      env: process.env,
      cwd: process.cwd(),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const server = await startServer(config);
  console.log(
    `Ordertrace server on ${server.url} (${server.context.storage.kind}: ${server.context.storage.location})`,
  );
  console.log(`TLS certificate ${server.tls.created ? 'made' : 'loaded'}: ${server.tls.certPath}`);
  console.log(`SHA-256 fingerprint: ${server.tls.fingerprint}`);
  if (demo && (await isEmpty(server.context))) printDemoSummary(await seedDemo(server.context));

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: closing`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
