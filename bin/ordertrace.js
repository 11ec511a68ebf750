#!/usr/bin/env node
// The `ordertrace` command. Runs the TypeScript sources directly through tsx, so a checkout
// needs no build step before `npx ordertrace …` works.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
