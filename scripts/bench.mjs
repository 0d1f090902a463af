// `npm run bench`: runs every bench/*.bench.ts (or those whose name contains an argument:
// `npm run bench -- wan`), each printing its own figures and ratios against a native reference
// measured in the same run, and recording them in bench/results/latest.json
// (`[{ name, value, unit, ratio, goal }]`), which this run starts afresh.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureSystemPackages } from './system-deps.mjs';

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
ensureSystemPackages();
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const benches = readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).filter((f) => filters.length === 0 || filters.some((w) => f.includes(w))).sort();
const results = resolve(process.env.BENCH_RESULTS ?? 'bench/results/latest.json');
mkdirSync(resolve(results, '..'), { recursive: true });
writeFileSync(results, '[]\n');
let failed = 0;
const took = [];
const started = Date.now();
for (const file of benches) {
  console.log(`\n=== bench/${file}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit', env: { ...process.env, BENCH_RESULTS: results } });
  took.push(`  ${file.padEnd(20)} ${((Date.now() - t0) / 60000).toFixed(1).padStart(5)} min${r.status === 0 ? '' : '  FAILED'}`);
  if (r.status !== 0) failed++;
}
// How long each bench took: the whole run is long, and whoever runs it wants a quiet machine for that time.
console.log(`\ntime per bench:\n${took.join('\n')}\n  ${'all'.padEnd(20)} ${((Date.now() - started) / 60000).toFixed(1).padStart(5)} min`);
console.log(`figures and ratios: ${results}`);
process.exit(failed === 0 ? 0 : 1);
