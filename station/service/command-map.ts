import {
  stationCommandSchemas,
  type CommandReply,
  type StationCommandArgs,
  type StationCommandName,
} from '#core/api/station-api.ts';
import type { Station } from './station.ts';
import { messageOf } from '#core/errors/message-of.ts';

type Handler<K extends StationCommandName> = (
  args: StationCommandArgs<K>,
) => CommandReply | Promise<CommandReply>;

/** The StationApi: command name → its schema → its handler. Both transports call `runCommand`. */
export type StationCommandMap = {
  [K in StationCommandName]: { input: (typeof stationCommandSchemas)[K]; handle: Handler<K> };
};

export function stationCommands(station: Station): StationCommandMap {
  const s = stationCommandSchemas;
  return {
    state: { input: s.state, handle: () => station.reply() },
    login: { input: s.login, handle: ({ badge }) => station.login(badge) },
    logout: { input: s.logout, handle: () => station.logout() },
    loadOrder: { input: s.loadOrder, handle: ({ order }) => station.loadOrder(order) },
    scan: { input: s.scan, handle: ({ text }) => station.scan(text) },
    reportProgress: {
      input: s.reportProgress,
      handle: ({ step, unitsDone, override }) => station.reportProgress(step, unitsDone, override),
    },
    addUnits: { input: s.addUnits, handle: ({ step, units }) => station.addUnits(step, units) },
    undoUnits: { input: s.undoUnits, handle: ({ step }) => station.undoUnits(step) },
    closePackage: { input: s.closePackage, handle: (options) => station.closePackage(options) },
    print: { input: s.print, handle: (args) => station.print(args.package) },
    printUnitLabel: { input: s.printUnitLabel, handle: ({ unit }) => station.printUnitLabel(unit) },
    labelPreview: { input: s.labelPreview, handle: () => station.labelPreview() },
    reprint: { input: s.reprint, handle: (args) => station.reprint(args.package, args.reason) },
    dispatch: { input: s.dispatch, handle: () => station.dispatch() },
    dismissBlock: { input: s.dismissBlock, handle: () => station.dismissBlock() },
    clearLineStop: {
      input: s.clearLineStop,
      handle: ({ badge, reason }) => station.clearLineStop(badge, reason),
    },
    saveSettings: { input: s.saveSettings, handle: (patch) => station.saveSettings(patch) },
    testDevice: { input: s.testDevice, handle: ({ device }) => station.testDevice(device) },
  };
}

const isCommand = (map: StationCommandMap, name: string): name is StationCommandName =>
  Object.hasOwn(map, name);

/**
 * Validate a call from outside (HTTP body, IPC arguments) against the command's schema and
 * run it. Unknown commands and bad input are refusals, never exceptions.
 */
export async function runCommand(
  map: StationCommandMap,
  name: string,
  input: unknown,
): Promise<CommandReply> {
  if (!isCommand(map, name)) {
    return {
      ok: false,
      error: { key: 'invalid_input', params: { detail: `no command ${name.slice(0, 40)}` } },
    };
  }
  const command = map[name] as {
    input: {
      safeParse(
        v: unknown,
      ):
        | { success: true; data: unknown }
        | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
    };
    handle: (args: unknown) => CommandReply | Promise<CommandReply>;
  };
  const parsed = command.input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = issue
      ? `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`
      : 'invalid';
    return { ok: false, error: { key: 'invalid_input', params: { detail } } };
  }
  try {
    return await command.handle(parsed.data);
  } catch (error) {
    // A handler fault must not take the station down: report it and keep scanning.
    return {
      ok: false,
      error: {
        key: 'device_failed',
        params: { detail: messageOf(error) },
      },
    };
  }
}
