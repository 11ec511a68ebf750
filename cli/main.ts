import { messageOf } from '#core/errors/message-of.ts';
import { EXIT, UsageError } from './usage-error.ts';

interface CommandModule {
  run: (args: string[]) => number | Promise<number>;
  usage: string;
}

/**
 * Every subcommand, by name, loaded only when called: `ordertrace parse` should not pay
 * for loading the server, the label renderer and the hardware drivers.
 */
const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<CommandModule> }>> =
  {
    parse: {
      summary: 'describe what a scanner delivered',
      load: async () => {
        const m = await import('./commands/parse.ts');
        return { run: m.parseCommand, usage: m.parseUsage };
      },
    },
    new: {
      summary: 'mint an order, resource, unit, package, badge, product code or SSCC',
      load: async () => {
        const m = await import('./commands/new.ts');
        return { run: m.newCommand, usage: m.newUsage };
      },
    },
    label: {
      summary: 'render a package, resource or unit label as PDF, ZPL or PNG',
      load: async () => {
        const m = await import('./commands/label.ts');
        return { run: m.labelCommand, usage: m.labelUsage };
      },
    },
    devices: {
      summary: 'list serial ports and HID devices, and which look like scanners',
      load: async () => {
        const m = await import('./commands/devices.ts');
        return { run: m.devicesCommand, usage: m.devicesUsage };
      },
    },
    scanner: {
      summary: 'listen to a scanner and print each scan as JSON',
      load: async () => {
        const m = await import('./commands/scanner.ts');
        return { run: m.scannerCommand, usage: m.scannerUsage };
      },
    },
    server: {
      summary: 'run the information server (HTTPS)',
      load: async () => {
        const m = await import('./commands/server.ts');
        return { run: m.serverCommand, usage: m.serverUsage };
      },
    },
    user: {
      summary: 'add a person (the first admin, say)',
      load: async () => {
        const m = await import('./commands/user.ts');
        return { run: m.userCommand, usage: m.userUsage };
      },
    },
    demo: {
      summary: 'seed an empty database with the demo plant',
      load: async () => {
        const m = await import('./commands/demo.ts');
        return { run: m.demoCommand, usage: m.demoUsage };
      },
    },
    station: {
      summary: 'run a station (production, packing, shipping) with its UI on 127.0.0.1',
      load: async () => {
        const m = await import('./commands/station.ts');
        return { run: m.stationCommand, usage: m.stationUsage };
      },
    },
    plant: {
      summary: 'the whole plant on one machine: server, demo data, a station of each role',
      load: async () => {
        const m = await import('./commands/plant.ts');
        return { run: m.plantCommand, usage: m.plantUsage };
      },
    },
    epcis: {
      summary: 'export the event history as GS1 EPCIS 2.0 JSON-LD',
      load: async () => {
        const m = await import('./commands/epcis.ts');
        return { run: m.epcisCommand, usage: m.epcisUsage };
      },
    },
    backup: {
      summary: 'take a consistent copy of the server database while it runs',
      load: async () => {
        const m = await import('./commands/backup.ts');
        return { run: m.backupCommand, usage: m.backupUsage };
      },
    },
    restore: {
      summary: 'put a backup of the server database back (server stopped)',
      load: async () => {
        const m = await import('./commands/backup.ts');
        return { run: m.restoreCommand, usage: m.restoreUsage };
      },
    },
  };

const overview = () =>
  `Usage: ordertrace <command> … (ordertrace <command> --help for its flags)\n\n${Object.entries(
    COMMANDS,
  )
    .map(([name, { summary }]) => `  ${name.padEnd(9)} ${summary}`)
    .join('\n')}\n`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`ordertrace: unknown command '${name}'\n\n${overview()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (error) {
    // node:util parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes.
    const code = (error as { code?: unknown }).code;
    if (
      error instanceof UsageError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`ordertrace ${name}: ${(error as Error).message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`ordertrace ${name}: ${messageOf(error)}\n`);
    return EXIT.failure;
  }
}
