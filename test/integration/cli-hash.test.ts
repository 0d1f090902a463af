// `npx courier hash` on real files, checked against sha1sum/sha256sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const courier = (args: string[], cwd?: string) => spawnSync(process.execPath, [join(process.cwd(), 'cli/courier.mjs'), ...args], { encoding: 'utf8', cwd });
const sum = (tool: string, path: string) => execFileSync(tool, [path]).toString().split(' ')[0]!;

test('courier hash writes FILE.hash with the bare SHA-1, refuses to overwrite without --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-cli-hash-'));
  const a = join(dir, 'gegevens 2026 é.dat');
  const b = join(dir, 'empty.csv');
  writeFileSync(a, 'some data\n'.repeat(1000));
  writeFileSync(b, '');
  const r = courier(['hash', a, b]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(`${a}.hash`, 'utf8'), sum('sha1sum', a));
  assert.equal(readFileSync(`${b}.hash`, 'utf8'), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');

  writeFileSync(`${a}.hash`, 'keep me');
  const again = courier(['hash', a]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already; not overwritten/);
  assert.equal(readFileSync(`${a}.hash`, 'utf8'), 'keep me');
  assert.equal(courier(['hash', '--force', '--algo', 'sha256', '--format', 'sha1sum', a]).status, 0);
  assert.equal(readFileSync(`${a}.hash`, 'utf8'), `${sum('sha256sum', a)}  gegevens 2026 é.dat\n`);
});

test('courier hash --format fciv writes FCIV output with CRLF', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-cli-fciv-'));
  const f = join(dir, 'Example.TXT');
  writeFileSync(f, 'x');
  assert.equal(courier(['hash', '--format', 'fciv', f]).status, 0);
  assert.equal(readFileSync(`${f}.hash`, 'utf8'), `//\r\n// File Checksum Integrity Verifier version 2.05.\r\n//\r\n${sum('sha1sum', f)} example.txt\r\n`);
});

test('courier hash --check: OK exits 0; a mismatch or a missing file exits 1 and says which', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-cli-check-'));
  const ok = join(dir, 'ok.dat');
  const bad = join(dir, 'bad.dat');
  const lone = join(dir, 'lone.dat');
  writeFileSync(ok, 'fine');
  writeFileSync(bad, 'changed');
  writeFileSync(lone, 'no sidecar');
  writeFileSync(`${ok}.hash`, `\uFEFF${sum('sha1sum', ok).toUpperCase()}\r\n`);
  writeFileSync(`${bad}.hash`, '0'.repeat(40));
  const good = courier(['hash', '--check', `${ok}.hash`]);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /^OK\s+.*ok\.dat$/m);
  const r = courier(['hash', '--check', ok, bad, lone]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^MISMATCH\s+.*bad\.dat: expected 0{40}/m);
  assert.match(r.stdout, /^MISSING\s+.*lone\.dat: no .*lone\.dat\.hash/m);
});

test('courier --help documents every command; bad options are explained', () => {
  const help = courier(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /hash/);
  const bad = courier(['hash', '--algo', 'md5', 'x']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--algo must be sha1 or sha256/);
  assert.equal(courier(['nope']).status, 2);
});
