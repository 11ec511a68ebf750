import { seedDemo } from '#server/demo/seed.ts';
import { LINEN_SOFA, OAK_TABLE, WALNUT_TABLE } from '../../server/fixtures.ts';
import { startTestServer, type ApiClient, type TestServer } from '../../server/harness.ts';
import { Chromiums } from './browser.ts';
import { buildPortalOnce } from './portal-build.ts';

export interface PortalWorld {
  server: TestServer;
  /** An English and a Chinese Chromium, each launched when first used. */
  browser: Chromiums;
  baseURL: string;
  admin: ApiClient;
  planner: ApiClient;
  products: { oak: string; walnut: string; sofa: string };
  stop(): Promise<void>;
}

/**
 * A real server (SQLite, HTTPS) serving a fresh portal build, a small catalog and line L1,
 * and the Chromiums. The server reads PORTAL_DIR when it builds its routes.
 */
export async function startPortalWorld(): Promise<PortalWorld> {
  const browser = new Chromiums();
  const [dir] = await Promise.all([buildPortalOnce(), browser.for('en')]);
  process.env.PORTAL_DIR = dir;
  const server = await startTestServer('sqlite');
  const [admin, planner] = await Promise.all([
    server.userClient('admin', 'Admin'),
    server.userClient('planner', 'Planner Li'),
  ]);
  const create = async (input: unknown) => {
    const created = await planner.post('/api/v1/products', input);
    if (created.status !== 200) throw new Error(JSON.stringify(created.body));
    return created.body.code as string;
  };
  const products = {
    oak: await create(OAK_TABLE),
    walnut: await create(WALNUT_TABLE),
    sofa: await create(LINEN_SOFA),
  };
  const line = await admin.post('/api/v1/lines', { name: 'L1', plant: 'main' });
  if (line.status !== 200) throw new Error(JSON.stringify(line.body));
  return {
    server,
    browser,
    baseURL: server.url.replace('localhost', '127.0.0.1'),
    admin,
    planner,
    products,
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * A real server (SQLite, HTTPS) serving a fresh portal build with the demo plant seeded
 * (server/demo/seed.ts), and the Chromiums: what the walks of every screen and every offered
 * action sign in to.
 */
export async function startDemoPortal(): Promise<{
  /** An English and a Chinese Chromium, each launched when first used. */
  browser: Chromiums;
  baseURL: string;
  stop(): Promise<void>;
}> {
  const browser = new Chromiums();
  const [dir] = await Promise.all([buildPortalOnce(), browser.for('en')]);
  process.env.PORTAL_DIR = dir;
  const server = await startTestServer('sqlite');
  await seedDemo(server.context);
  return {
    browser,
    baseURL: server.url.replace('localhost', '127.0.0.1'),
    async stop() {
      await browser.close();
      await server.stop();
    },
  };
}
