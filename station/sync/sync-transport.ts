import type { SyncHttp } from './sync-http.ts';

/** What the sync jobs need of the station's HTTPS link (SyncHttp; a test may wrap it). */
export type SyncTransport = Pick<SyncHttp, 'request' | 'json' | 'close'>;
