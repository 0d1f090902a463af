// `npx courier keygen` and `npx courier key info` end to end, checked with puttygen and ssh-keygen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const courier = (args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'cli/courier.mjs'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const dir = mkdtempSync(join(tmpdir(), 'courier-cli-keys-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const passFile = join(dir, 'pass.txt');
writeFileSync(passFile, 'Sp33d of light\n');
const wrongFile = join(dir, 'wrong.txt');
writeFileSync(wrongFile, 'nope\n');

test('courier keygen writes the five files; the tools open them; key info agrees with ssh-keygen -lf', () => {
  const out = join(dir, 'rsa');
  const r = courier(['keygen', '--bits', '2048', '--ident', 'Z12345', '--comment', 'vikz key', '--passphrase-file', passFile, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  // The files carry the user name, so keys of several accounts can share a folder.
  assert.deepEqual(readdirSync(out).sort(), ['Z12345-v2.ppk', 'Z12345.ppk', 'id_rsa_Z12345', 'id_rsa_Z12345.pub', 'publicKey_Z12345.asc']);
  for (const secret of ['id_rsa_Z12345', 'Z12345.ppk', 'Z12345-v2.ppk']) assert.equal(statSync(join(out, secret)).mode & 0o077, 0, `${secret} is readable by others`);
  const [bits, fp] = execFileSync('ssh-keygen', ['-lf', join(out, 'id_rsa_Z12345.pub')], { encoding: 'utf8' }).split(' ');
  assert.equal(bits, '2048');
  assert.match(r.stdout, new RegExp(`ssh-rsa 2048 ${fp!.replace(/[+/]/g, '\\$&')}`));
  assert.equal(spawnSync('puttygen', [join(out, 'Z12345.ppk'), '--old-passphrase', passFile, '-O', 'text']).status, 0);
  assert.equal(spawnSync('puttygen', [join(out, 'Z12345-v2.ppk'), '--old-passphrase', passFile, '-O', 'text']).status, 0);
  assert.equal(spawnSync('ssh-keygen', ['-y', '-P', 'Sp33d of light', '-f', join(out, 'id_rsa_Z12345')]).status, 0);

  for (const f of ['Z12345.ppk', 'Z12345-v2.ppk', 'id_rsa_Z12345', 'publicKey_Z12345.asc', 'id_rsa_Z12345.pub']) {
    const info = courier(['key', 'info', join(out, f), '--passphrase-file', passFile]);
    assert.equal(info.status, 0, `${f}: ${info.stderr}`);
    assert.match(info.stdout, /type:\s+ssh-rsa/);
    assert.match(info.stdout, /bits:\s+2048/);
    assert.match(info.stdout, /comment:\s+vikz key/);
    assert.ok(info.stdout.includes(`sha256:  ${fp}`), info.stdout);
    assert.match(info.stdout, /md5:\s+MD5:([0-9a-f]{2}:){15}[0-9a-f]{2}/);
  }
  // Existing files are never overwritten without --force.
  const again = courier(['keygen', '--type', 'ed25519', '--ident', 'Z12345', '--no-passphrase', '--out', out]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already/);
});

test('courier key info: wrong passphrase, tampered, truncated, missing passphrase each exit with their own code and message', () => {
  const out = join(dir, 'ed');
  const r = courier(['keygen', '--type', 'ed25519', '--passphrase-file', passFile, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(readdirSync(out).includes('publicKey.asc'));
  const ppk = join(out, 'key.ppk');
  const wrong = courier(['key', 'info', ppk, '--passphrase-file', wrongFile]);
  assert.equal(wrong.status, 3);
  assert.match(wrong.stderr, /wrong passphrase/);

  const tampered = join(dir, 'tampered.ppk');
  writeFileSync(tampered, readFileSync(ppk, 'utf8').replace(/^Comment: .*$/m, 'Comment: changed'));
  const t = courier(['key', 'info', tampered, '--passphrase-file', passFile]);
  assert.equal(t.status, 4);
  assert.match(t.stderr, /modified or damaged/);

  const cut = join(dir, 'cut');
  writeFileSync(cut, readFileSync(join(out, 'id_ed25519'), 'utf8').slice(0, 200));
  const c = courier(['key', 'info', cut, '--passphrase-file', passFile]);
  assert.equal(c.status, 6);
  assert.match(c.stderr, /cut short|missing/);

  const noPass = courier(['key', 'info', join(out, 'id_ed25519')]);
  assert.equal(noPass.status, 7);
  assert.match(noPass.stderr, /passphrase/);

  const garbage = join(dir, 'garbage.txt');
  writeFileSync(garbage, 'hello\n');
  assert.equal(courier(['key', 'info', garbage]).status, 6);
});

test('courier keygen: no passphrase on argv, explicit --no-passphrase warns and writes unencrypted keys', () => {
  const refused = courier(['keygen', '--passphrase', 'secret', '--out', join(dir, 'x')]);
  assert.equal(refused.status, 2);
  const noTty = courier(['keygen', '--out', join(dir, 'y')]);
  assert.equal(noTty.status, 2);
  assert.match(noTty.stderr, /--passphrase-file/);
  const out = join(dir, 'plain');
  const r = courier(['keygen', '--type', 'ed25519', '--no-passphrase', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /NOT encrypted/);
  assert.match(readFileSync(join(out, 'key.ppk'), 'utf8'), /^Encryption: none$/m);
  assert.equal(spawnSync('puttygen', [join(out, 'key.ppk'), '-O', 'text']).status, 0);
  assert.equal(spawnSync('ssh-keygen', ['-y', '-P', '', '-f', join(out, 'id_ed25519')]).status, 0);
});
