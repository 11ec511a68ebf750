import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The built `ordertrace` command, as a technician runs it. */
export const ORDERTRACE_BIN = fileURLToPath(new URL('../../bin/ordertrace.js', import.meta.url));
const run = promisify(execFile);

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `ordertrace ...args` to its end; a failing exit is an outcome, not a throw. */
export async function runOrdertrace(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [ORDERTRACE_BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliOutcome;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
