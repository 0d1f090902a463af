// `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument), each
// printing its own figures and ratios against a native reference measured in the same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { ensureSystemPackages } from './system-deps.mjs';

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
ensureSystemPackages();
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const benches = readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).filter((f) => filters.length === 0 || filters.some((w) => f.includes(w))).sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== bench/${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
