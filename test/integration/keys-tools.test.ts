// core/keys against the real tools: puttygen 0.78, ssh-keygen (OpenSSH 9.2) and openssl open
// what we write, and what they write we read with the same fingerprint as `ssh-keygen -lf`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildKeyFiles, ed25519PublicKey, generateKeyMaterial, KeyError, md5Fingerprint, readKeyFile, readPpk, readOpenSshPrivate, sha256Fingerprint,
  summarize, writeOpenSshPrivate, writePpk, type KeyGenSpec, type PrivateKeyFile,
} from '../../core/keys/index.ts';

const PASS = 'corr3ct horse';
const dir = mkdtempSync(join(tmpdir(), 'courier-keys-'));
const passFile = join(dir, 'pass.txt');
const wrongFile = join(dir, 'wrong.txt');
writeFileSync(passFile, `${PASS}\n`);
writeFileSync(wrongFile, 'not it\n');
test.after(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function status(cmd: string, args: string[]): number {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status ?? -1;
}

/** `ssh-keygen -lf` of an OpenSSH public key line: [bits, SHA256:...]. */
function toolFingerprint(publicLine: string, hash: 'sha256' | 'md5' = 'sha256'): [number, string] {
  const out = run('ssh-keygen', ['-E', hash, '-lf', '-'], publicLine);
  const [bits, fp] = out.split(' ');
  return [Number(bits), fp!];
}

function keyField(line: string): string {
  return line.trim().split(/\s+/)[1]!;
}

async function expectKeyError(p: Promise<unknown>, code: KeyError['code']): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof KeyError, `expected a KeyError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return true;
  });
}

const SPECS: { spec: KeyGenSpec; tag: string }[] = [
  { spec: { type: 'rsa', bits: 2048 }, tag: 'rsa' },
  { spec: { type: 'ed25519' }, tag: 'ed25519' },
];

for (const { spec, tag } of SPECS) {
  test(`our ${tag} key files open in puttygen and ssh-keygen with the same public key`, async () => {
    const key = await generateKeyMaterial(spec);
    const file: PrivateKeyFile = { key, comment: `${tag}-key-20261126 "Z123" \\ x` };
    const sum = summarize(file);
    const files = await buildKeyFiles(file, { ident: 'Z12345', passphrase: PASS });
    const d = mkdtempSync(join(dir, `${tag}-`));
    const path = (role: string) => join(d, files.find((f) => f.role === role)!.name);
    for (const f of files) writeFileSync(join(d, f.name), f.content, { mode: f.secret ? 0o600 : 0o644 });
    assert.deepEqual(files.map((f) => f.name).sort(), ['Z12345-v2.ppk', 'Z12345.ppk', `id_${tag}_Z12345`, `id_${tag}_Z12345.pub`, 'publicKey_Z12345.asc']);

    const ourLine = files.find((f) => f.role === 'authorized-keys')!.content;
    const [bits, fp] = toolFingerprint(ourLine);
    assert.equal(fp, sum.sha256);
    assert.equal(bits, tag === 'rsa' ? 2048 : 256);
    assert.equal(toolFingerprint(ourLine, 'md5')[1], sum.md5);

    for (const role of ['ppk3', 'ppk2']) {
      // Private outputs only: they prove decryption and the MAC (public ones succeed with any passphrase).
      assert.equal(status('puttygen', [path(role), '--old-passphrase', passFile, '-O', 'text']), 0, `${role} rejected by puttygen`);
      assert.notEqual(status('puttygen', [path(role), '--old-passphrase', wrongFile, '-O', 'text']), 0, `${role} opened with a wrong passphrase`);
      const converted = join(d, `${role}.ossh`);
      run('puttygen', [path(role), '--old-passphrase', passFile, '-O', 'private-openssh-new', '--new-passphrase', passFile, '-o', converted]);
      assert.equal(keyField(run('ssh-keygen', ['-y', '-P', PASS, '-f', converted])), keyField(ourLine), `${role} private half does not give our public key`);
      assert.match(run('puttygen', [path(role), '--old-passphrase', passFile, '-O', 'public-openssh']), new RegExp(`Z123`));
    }

    // OpenSSH private key: ssh-keygen decrypts it (and refuses a wrong passphrase).
    assert.equal(keyField(run('ssh-keygen', ['-y', '-P', PASS, '-f', path('openssh-private')])), keyField(ourLine));
    assert.notEqual(status('ssh-keygen', ['-y', '-P', 'nope', '-f', path('openssh-private')]), 0);

    // RFC 4716: what PuTTYgen's "Save public key" writes on Windows = Linux puttygen's output with CRLF.
    const asc = readFileSync(path('rfc4716'), 'utf8');
    const puttyAsc = run('puttygen', [path('ppk3'), '--old-passphrase', passFile, '-O', 'public']);
    assert.equal(asc, puttyAsc.replace(/\n/g, '\r\n'));
    assert.equal(keyField(run('ssh-keygen', ['-i', '-f', path('rfc4716')])), keyField(ourLine));

    // And we read back every private file we wrote.
    for (const role of ['ppk3', 'ppk2', 'openssh-private']) {
      const back = await readKeyFile(readFileSync(path(role)), PASS);
      assert.equal(back.summary.sha256, sum.sha256);
      assert.equal(back.summary.comment, file.comment);
    }
  });
}

test('RSA 4096: public blob 535 bytes, 716 base64 chars, as formats.md says', async () => {
  const key = await generateKeyMaterial({ type: 'rsa', bits: 4096 });
  const [asc] = await buildKeyFiles({ key, comment: 'rsa-key-20261126' }, { roles: ['rfc4716'] });
  const body = asc!.content.split('\r\n').slice(2, -2).join('');
  assert.equal(body.length, 716);
  assert.equal(summarize({ key, comment: '' }).publicBlob.length, 535);
  assert.equal(summarize({ key, comment: '' }).bits, 4096);
});

test('PPK writer is byte-exact: re-writing a puttygen file with its own salt gives the same bytes', async () => {
  const ppk = join(dir, 'exact.ppk');
  run('puttygen', ['-t', 'ed25519', '-C', 'exact "c"', '-o', ppk, '--new-passphrase', passFile]);
  const original = readFileSync(ppk, 'utf8');
  const parsed = await readPpk(original, PASS);
  const salt = Buffer.from(/Argon2-Salt: (\w+)/.exec(original)![1]!, 'hex');
  const passes = Number(/Argon2-Passes: (\d+)/.exec(original)![1]);
  assert.equal(await writePpk(parsed, { version: 3, passphrase: PASS, argon2: { salt, passes } }), original);

  const v2 = join(dir, 'exact-v2.ppk');
  run('puttygen', [ppk, '--old-passphrase', passFile, '--reencrypt', '--ppk-param', 'version=2', '-o', v2]);
  assert.equal(await writePpk(parsed, { version: 2, passphrase: PASS }), readFileSync(v2, 'utf8'));

  const none = join(dir, 'exact-none.ppk');
  run('puttygen', [ppk, '--old-passphrase', passFile, '-P', '--new-passphrase', '/dev/null', '-o', none]);
  assert.equal(await writePpk(parsed, { version: 3 }), readFileSync(none, 'utf8'));
});

test('OpenSSH writer is byte-exact against ssh-keygen (unencrypted, same check words)', async () => {
  for (const t of ['ed25519', 'rsa', 'ecdsa']) {
    const f = join(dir, `exact_${t}`);
    run('ssh-keygen', ['-q', '-t', t, ...(t === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', `exact ${t}`, '-f', f]);
    const original = readFileSync(f, 'utf8');
    const parsed = await readOpenSshPrivate(original);
    const raw = Buffer.from(original.split('\n').slice(1, -2).join(''), 'base64');
    // The private section starts after magic, "none", "none", "", count, public blob, and its length.
    const pubLen = raw.readUInt32BE(15 + 4 + 4 + 4 + 4 + 4 + 4);
    const checkInt = raw.readUInt32BE(15 + 24 + 4 + pubLen + 4);
    assert.equal(writeOpenSshPrivate(parsed, { checkInt }), original, t);
  }
});

interface ToolKey {
  label: string;
  file: string;
  pub: string;
  encrypted: boolean;
}

function makeToolKeys(): ToolKey[] {
  const out: ToolKey[] = [];
  const types: [string, string[]][] = [['rsa', ['-b', '2048']], ['ed25519', []], ['ecdsa', ['-b', '256']], ['ecdsa', ['-b', '384']], ['ecdsa', ['-b', '521']]];
  for (const [t, extra] of types) {
    const name = `${t}${extra[1] ?? ''}`;
    // ssh-keygen, encrypted and not
    const enc = join(dir, `sk_${name}_enc`);
    run('ssh-keygen', ['-q', '-t', t, ...extra, '-N', PASS, '-C', `sk ${name}`, '-f', enc]);
    out.push({ label: `ssh-keygen ${name} encrypted`, file: enc, pub: readFileSync(`${enc}.pub`, 'utf8'), encrypted: true });
    const plain = join(dir, `sk_${name}_plain`);
    run('ssh-keygen', ['-q', '-t', t, ...extra, '-N', '', '-C', `sk ${name}`, '-f', plain]);
    out.push({ label: `ssh-keygen ${name} plain`, file: plain, pub: readFileSync(`${plain}.pub`, 'utf8'), encrypted: false });
    if (t === 'ed25519') {
      // Other ciphers ssh-keygen -Z can choose.
      for (const cipher of ['aes256-gcm@openssh.com', 'aes128-cbc', 'aes192-ctr']) {
        const f = join(dir, `sk_${name}_${cipher}`);
        run('ssh-keygen', ['-q', '-t', t, '-N', PASS, '-Z', cipher, '-f', f]);
        out.push({ label: `ssh-keygen ${name} ${cipher}`, file: f, pub: readFileSync(`${f}.pub`, 'utf8'), encrypted: true });
      }
    }
    // puttygen: PPK v3 Argon2id (default), none, v2, v3 Argon2i with other parameters, Argon2d, and its OpenSSH export
    const p3 = join(dir, `pg_${name}.ppk`);
    run('puttygen', ['-t', t, ...extra, '-C', `pg ${name}`, '-o', p3, '--new-passphrase', passFile]);
    const pub = run('puttygen', [p3, '-O', 'public-openssh']);
    out.push({ label: `puttygen ${name} ppk3 argon2id`, file: p3, pub, encrypted: true });
    const variants: [string, string[], boolean][] = [
      ['ppk3 none', ['-P', '--new-passphrase', '/dev/null'], false],
      ['ppk2', ['--reencrypt', '--ppk-param', 'version=2'], true],
      ['ppk2 none', ['-P', '--ppk-param', 'version=2', '--new-passphrase', '/dev/null'], false],
      ['ppk3 argon2i', ['--reencrypt', '--ppk-param', 'kdf=argon2i,memory=65536,passes=3,parallelism=4'], true],
      ['ppk3 argon2d', ['--reencrypt', '--ppk-param', 'kdf=argon2d,memory=16384,passes=2,parallelism=2'], true],
      ['openssh', ['-O', 'private-openssh-new', '--new-passphrase', passFile], true],
    ];
    for (const [v, args, encrypted] of variants) {
      const f = join(dir, `pg_${name}_${v.replace(/ /g, '_')}`);
      run('puttygen', [p3, '--old-passphrase', passFile, ...args, '-o', f]);
      out.push({ label: `puttygen ${name} ${v}`, file: f, pub, encrypted });
    }
  }
  return out;
}

test('keys made by ssh-keygen and puttygen import with the fingerprint ssh-keygen -lf shows', async (t) => {
  for (const k of makeToolKeys()) {
    await t.test(k.label, async () => {
      const text = readFileSync(k.file);
      const result = await readKeyFile(text, PASS);
      const [bits, fp] = toolFingerprint(k.pub);
      assert.equal(result.summary.sha256, fp);
      assert.equal(result.summary.md5, toolFingerprint(k.pub, 'md5')[1]);
      assert.equal(result.summary.bits, bits);
      assert.ok(result.privateKey);
      if (k.encrypted) {
        await expectKeyError(readKeyFile(text, 'wrong passphrase'), 'wrong-passphrase');
        await expectKeyError(readKeyFile(text), 'passphrase-required');
      }
    });
  }
});

test('PEM keys made by openssl import (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8)', async (t) => {
  const cases: { label: string; make: (f: string) => void; encrypted: boolean }[] = [];
  const gen = (alg: string, opts: string[]) => (f: string) => run('openssl', ['genpkey', '-algorithm', alg, ...opts, '-out', f]);
  const rsa8 = join(dir, 'o_rsa8.pem');
  gen('RSA', ['-pkeyopt', 'rsa_keygen_bits:2048'])(rsa8);
  cases.push({ label: 'RSA PKCS#8', make: () => undefined, encrypted: false });
  const files: Record<string, string> = { 'RSA PKCS#8': rsa8 };
  const add = (label: string, encrypted: boolean, make: (f: string) => void) => {
    const f = join(dir, `o_${label.replace(/\W+/g, '_')}.pem`);
    make(f);
    files[label] = f;
    cases.push({ label, make: () => undefined, encrypted });
  };
  add('RSA PKCS#1', false, (f) => run('openssl', ['rsa', '-in', rsa8, '-traditional', '-out', f]));
  add('RSA encrypted PKCS#8 aes256 sha256', true, (f) => run('openssl', ['pkcs8', '-topk8', '-in', rsa8, '-v2', 'aes256', '-passout', `file:${passFile}`, '-out', f]));
  add('RSA encrypted PKCS#8 aes128 sha1', true, (f) => run('openssl', ['pkcs8', '-topk8', '-in', rsa8, '-v2', 'aes128', '-v2prf', 'hmacWithSHA1', '-passout', `file:${passFile}`, '-out', f]));
  for (const curve of ['P-256', 'P-384', 'P-521']) {
    add(`EC ${curve} PKCS#8`, false, gen('EC', ['-pkeyopt', `ec_paramgen_curve:${curve}`]));
    add(`EC ${curve} SEC1`, false, (f) => run('openssl', ['ec', '-in', files[`EC ${curve} PKCS#8`]!, '-out', f]));
  }
  add('Ed25519 PKCS#8', false, gen('ED25519', []));
  add('Ed25519 encrypted PKCS#8', true, (f) => run('openssl', ['pkcs8', '-topk8', '-in', files['Ed25519 PKCS#8']!, '-v2', 'aes256', '-passout', `file:${passFile}`, '-out', f]));
  for (const c of cases) {
    await t.test(c.label, async () => {
      const f = files[c.label]!;
      const plainSource = c.label.startsWith('Ed25519') ? files['Ed25519 PKCS#8']! : c.label.startsWith('RSA') ? rsa8 : f;
      const pub = c.label.startsWith('Ed25519') ? ed25519LineFromOpenssl(plainSource) : run('ssh-keygen', ['-y', '-f', plainSource]);
      const text = readFileSync(f, 'utf8');
      assert.match(text, c.encrypted ? /BEGIN ENCRYPTED PRIVATE KEY/ : /BEGIN (RSA |EC )?PRIVATE KEY/);
      const result = await readKeyFile(text, c.encrypted ? PASS : undefined);
      assert.equal(result.summary.sha256, toolFingerprint(pub)[1]);
      if (c.encrypted) {
        await expectKeyError(readKeyFile(text, 'wrong'), 'wrong-passphrase');
        await expectKeyError(readKeyFile(text), 'passphrase-required');
      }
    });
  }
});

/** OpenSSH 9.2 cannot read Ed25519 PEM: build its public line from openssl's raw public key. */
function ed25519LineFromOpenssl(pem: string): string {
  const spki = execFileSync('openssl', ['pkey', '-in', pem, '-pubout', '-outform', 'DER']);
  const raw = spki.subarray(spki.length - 32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')}\n`;
}

test('public key files from the tools read with the right fingerprint', async () => {
  const f = join(dir, 'pubsrc.ppk');
  run('puttygen', ['-t', 'rsa', '-b', '2048', '-C', 'pub "q" src', '-o', f, '--new-passphrase', '/dev/null']);
  const line = run('puttygen', [f, '-O', 'public-openssh']);
  const asc = run('puttygen', [f, '-O', 'public']);
  const [, fp] = toolFingerprint(line);
  const a = await readKeyFile(asc);
  assert.equal(a.format, 'rfc4716');
  assert.equal(a.summary.sha256, fp);
  assert.equal(a.summary.comment, 'pub "q" src');
  const b = await readKeyFile(line);
  assert.equal(b.format, 'openssh-public');
  assert.equal(b.summary.sha256, fp);
  assert.equal(sha256Fingerprint(b.summary.publicBlob), fp);
  assert.equal(md5Fingerprint(a.summary.publicBlob), toolFingerprint(line, 'md5')[1]);
});

test('Ed25519 seed ending in zero bytes (PuTTY stores it as a little-endian integer) survives PPK both ways', async () => {
  const seed = new Uint8Array(32);
  globalThis.crypto.getRandomValues(seed.subarray(0, 30)); // bytes 30 and 31 stay zero
  const key = { type: 'ssh-ed25519' as const, seed, publicKey: ed25519PublicKey(seed) };
  const file: PrivateKeyFile = { key, comment: 'zero tail' };
  const ppk = join(dir, 'zero-tail.ppk');
  writeFileSync(ppk, await writePpk(file, { version: 3, passphrase: PASS }));
  const ossh = join(dir, 'zero-tail.ossh');
  run('puttygen', [ppk, '--old-passphrase', passFile, '-O', 'private-openssh-new', '--new-passphrase', passFile, '-o', ossh]);
  const line = run('ssh-keygen', ['-y', '-P', PASS, '-f', ossh]);
  assert.equal(toolFingerprint(line)[1], summarize(file).sha256);
  // And puttygen's own re-save of it reads back to the same seed.
  const resaved = join(dir, 'zero-tail-resaved.ppk');
  run('puttygen', [ossh, '--old-passphrase', passFile, '-O', 'private', '--new-passphrase', passFile, '-o', resaved]);
  const back = await readPpk(readFileSync(resaved, 'utf8'), PASS);
  assert.deepEqual(back.key, key);
});
