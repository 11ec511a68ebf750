import { devicesCommand, devicesUsage } from './commands/devices.ts';
import { labelCommand, labelUsage } from './commands/label.ts';
import { newCommand, newUsage } from './commands/new.ts';
import { parseCommand, parseUsage } from './commands/parse.ts';
import { scannerCommand, scannerUsage } from './commands/scanner.ts';
import { EXIT, UsageError } from './usage-error.ts';

type Command = { run: (args: string[]) => number | Promise<number>; usage: string };

/** Every subcommand, by name. Later parts of the system add theirs here. */
const COMMANDS: Readonly<Record<string, Command>> = {
  parse: { run: parseCommand, usage: parseUsage },
  new: { run: newCommand, usage: newUsage },
  label: { run: labelCommand, usage: labelUsage },
  devices: { run: devicesCommand, usage: devicesUsage },
  scanner: { run: scannerCommand, usage: scannerUsage },
};

const overview = () =>
  `Usage: ordertrace <command> …\n\n${Object.values(COMMANDS)
    .map((command) => command.usage)
    .join('\n\n')}\n`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`ordertrace: unknown command '${name}'\n\n${overview()}`);
    return EXIT.usage;
  }
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
    process.stderr.write(
      `ordertrace ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.failure;
  }
}
