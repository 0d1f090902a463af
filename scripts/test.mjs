// `npm test`: system packages, typecheck, lint, build, then every test file under test/ with
// Node's test runner (unit, integration against real sshd/puttygen, e2e in real Chromium).
// `npm test -- keys sftp` runs only test files whose path contains one of the words, after the
// same checks; `--quick` skips typecheck, lint and build (for iterating on one file).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureSystemPackages } from './system-deps.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));

function run(label, cmd, cmdArgs) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${label} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(relative(process.cwd(), p));
  }
  return out.sort();
}

ensureSystemPackages();
if (!quick) {
  run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  run('lint', 'npx', ['eslint', '--max-warnings=0', '.']);
  run('build', 'npx', ['vite', 'build', '--logLevel', 'warn']);
}
const files = testFiles('test').filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
if (files.length === 0) {
  console.error('no test file matches');
  process.exit(1);
}
run(`tests (${files.length} files)`, process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files]);
