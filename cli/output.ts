/** Print one JSON value on its own line: the CLI's machine-readable answer. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
