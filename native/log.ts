import createDebug from 'debug';

/**
 * A namespaced debug logger for a driver: `DEBUG=ordertrace:native:*` shows them all.
 * Library code never writes to the console; the station and the CLI decide what to show.
 */
export const nativeLog = (namespace: string): createDebug.Debugger =>
  createDebug(`ordertrace:native:${namespace}`);
