import { spawn } from 'node:child_process';
import { DeviceError, errnoOf } from '../device-error.ts';

/*
 * Run a spooler command (lp, lpstat, lpoptions) with optional stdin and a timeout. Commands
 * are looked up on PATH on purpose: that is how CUPS is found, and how the tests put a fake
 * `lp` in front of it. Arguments go as an array, never through a shell.
 */
export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export function runCommand(
  command: string,
  args: readonly string[],
  options: { stdin?: Uint8Array; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LANG: 'C', LC_ALL: 'C' },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new DeviceError('timeout', `${command} did not finish within ${options.timeoutMs} ms.`),
      );
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        errnoOf(error) === 'ENOENT'
          ? new DeviceError(
              'unavailable',
              `${command} is not installed: install CUPS (Debian package cups-client).`,
              { cause: error },
            )
          : new DeviceError('unavailable', `Cannot run ${command}: ${error.message}`, {
              cause: error,
            }),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8').trim(),
        code: code ?? 1,
      });
    });
    // A command that exits without reading stdin closes the pipe: EPIPE is its answer, not ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ? Buffer.from(options.stdin) : undefined);
  });
}
