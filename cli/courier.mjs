#!/usr/bin/env node
// `npx courier ...`: runs the TypeScript CLI through tsx so core/ is shared as-is with the browser.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
