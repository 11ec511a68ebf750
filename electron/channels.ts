/*
 * IPC channel names, one per StationApi command plus the event stream. The preload cannot
 * import this file in a sandbox without bundling, so it repeats the prefix; this file is the
 * main process's side and the test that keeps both in step.
 */
export const COMMAND_CHANNEL_PREFIX = 'station:command:';
export const EVENT_CHANNEL = 'station:event';
