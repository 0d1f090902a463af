// Issue 13.7: `courier keygen --force` over existing files leaves every private key file 0600,
// whatever mode the old file had (open()'s mode only applies to a new file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keygenCommand, writeKeyFile } from '../../cli/commands/keygen.ts';

const dir = mkdtempSync(join(tmpdir(), 'courier-keygen-mode-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('keygen --force replaces 0644 private key files with 0600 ones (public files stay 0644)', async (t) => {
  t.mock.method(console, 'log', () => undefined);
  t.mock.method(console, 'error', () => undefined);
  const out = join(dir, 'out');
  assert.equal(await keygenCommand.run(['--type', 'ed25519', '--ident', 'Z12345', '--no-passphrase', '--out', out]), 0);
  const names = readdirSync(out);
  for (const name of names) {
    writeFileSync(join(out, name), 'old, world-readable\n');
    chmodSync(join(out, name), 0o644);
  }
  assert.equal(await keygenCommand.run(['--type', 'ed25519', '--ident', 'Z12345', '--no-passphrase', '--out', out, '--force']), 0);
  const secret = names.filter((n) => !n.endsWith('.pub') && !n.endsWith('.asc'));
  assert.equal(secret.length, 3, `private files: ${secret.join(', ')}`);
  for (const name of names) {
    const mode = statSync(join(out, name)).mode & 0o777;
    assert.equal(mode, secret.includes(name) ? 0o600 : 0o644, `${name} has mode ${mode.toString(8)}`);
  }
});

test('writeKeyFile sets the mode of an existing file before writing the key into it', async () => {
  const f = join(dir, 'existing');
  writeFileSync(f, 'x');
  chmodSync(f, 0o666);
  await writeKeyFile(f, 'secret', 0o600, true);
  assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.equal(readFileSync(f, 'utf8'), 'secret');
  await assert.rejects(writeKeyFile(f, 'again', 0o600, false), { code: 'EEXIST' });
});
