// The key corpus of issue 9.7: files made here by the real puttygen 0.78, ssh-keygen (OpenSSH
// 9.2) and openssl 3.0 — every PPK version and Argon2 kind, odd comments, OpenSSH new format,
// PEM, PKCS#8, traditional encrypted PEM, `ecparam -genkey`, certificates. The rule: a file the
// tool opens, we open with the fingerprint `ssh-keygen -lf` / `-E md5` gives, or we refuse it
// with a specific reason (never "tampered" for a valid file). Prints the table it checked.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyError, readKeyFile, type KeyErrorCode } from '../../core/keys/index.ts';

const PASS = 'corpus pass 2026';
const dir = mkdtempSync(join(tmpdir(), 'courier-keys-corpus-'));
const passFile = join(dir, 'pass.txt');
writeFileSync(passFile, `${PASS}\n`);
test.after(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `ssh-keygen -lf` of a public key line: bits and both fingerprints. */
function reference(publicLine: string): { bits: number; sha256: string; md5: string } {
  const [bits, sha256] = run('ssh-keygen', ['-lf', '-'], publicLine).split(' ');
  const md5 = run('ssh-keygen', ['-E', 'md5', '-lf', '-'], publicLine).split(' ')[1]!;
  return { bits: Number(bits), sha256: sha256!, md5 };
}

interface Entry {
  tool: 'puttygen' | 'ssh-keygen' | 'openssl';
  format: string;
  type: string;
  file: string;
  encrypted: boolean;
  /** The public line the tool itself derives from the file (proving it opens it). */
  publicLine: string;
  /** Set when we refuse this file on purpose: the specific code we answer with. */
  refuse?: KeyErrorCode;
}

const corpus: Entry[] = [];
let n = 0;
const path = (label: string) => join(dir, `${String(++n).padStart(3, '0')}-${label.replace(/[^A-Za-z0-9.-]+/g, '_')}`);

/** puttygen proves it can decrypt a PPK only with a private output (`-O text`); then gives its public line. */
function puttyPublic(file: string, encrypted: boolean): string {
  const pass = encrypted ? ['--old-passphrase', passFile] : [];
  const text = spawnSync('puttygen', [file, ...pass, '-O', 'text']);
  assert.equal(text.status, 0, `puttygen cannot open ${file}: ${text.stderr}`);
  return run('puttygen', [file, ...pass, '-O', 'public-openssh']);
}

/** ssh-keygen -y decrypts a private key file and prints its public line. */
function sshKeygenPublic(file: string): string {
  return run('ssh-keygen', ['-y', '-P', PASS, '-f', file]);
}

/** OpenSSH 9.2 does not read Ed25519 PEM: openssl gives the raw public key, we frame it. */
function ed25519LineFromOpenssl(file: string): string {
  const spki = execFileSync('openssl', ['pkey', '-in', file, '-passin', `file:${passFile}`, '-pubout', '-outform', 'DER']);
  const raw = spki.subarray(spki.length - 32);
  const str = (b: Buffer) => Buffer.concat([Buffer.alloc(4, 0), b]).fill(b.length, 3, 4);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')}\n`;
}

function makePuttygen(): void {
  const long = `long ${'x'.repeat(600)} end`;
  const bases: { type: string; args: string[]; comment: string }[] = [
    { type: 'rsa2048', args: ['-t', 'rsa', '-b', '2048'], comment: 'trailing space ' },
    { type: 'rsa4096', args: ['-t', 'rsa', '-b', '4096'], comment: 'rsa-key-20261201 Z12345' },
    { type: 'ed25519', args: ['-t', 'ed25519'], comment: '' },
    { type: 'ecdsa256', args: ['-t', 'ecdsa', '-b', '256'], comment: 'clé été ✓ 鍵 Ünïcödé' },
    { type: 'ecdsa384', args: ['-t', 'ecdsa', '-b', '384'], comment: long },
    { type: 'ecdsa521', args: ['-t', 'ecdsa', '-b', '521'], comment: ' leading and trailing  ' },
  ];
  for (const b of bases) {
    const base = path(`pg-${b.type}.ppk`);
    run('puttygen', [...b.args, '-C', b.comment, '-o', base, '--new-passphrase', passFile]);
    const add = (format: string, file: string, encrypted: boolean) => corpus.push({ tool: 'puttygen', format, type: b.type, file, encrypted, publicLine: puttyPublic(file, encrypted) });
    add('PPK v3 Argon2id (default)', base, true);
    if (b.type === 'rsa4096') continue; // one 4096 key is enough: puttygen makes them slowly
    const variants: [string, string[], boolean][] = [
      ['PPK v3 Argon2i', ['--reencrypt', '--ppk-param', 'kdf=argon2i,memory=16384,passes=2,parallelism=2'], true],
      ['PPK v3 Argon2d', ['--reencrypt', '--ppk-param', 'kdf=argon2d,memory=8192,passes=3,parallelism=1'], true],
      ['PPK v3 Argon2id 4 lanes', ['--reencrypt', '--ppk-param', 'kdf=argon2id,memory=32768,passes=1,parallelism=4'], true],
      ['PPK v2 encrypted', ['--reencrypt', '--ppk-param', 'version=2'], true],
      ['PPK v3 unencrypted', ['-P', '--new-passphrase', '/dev/null'], false],
      ['PPK v2 unencrypted', ['-P', '--ppk-param', 'version=2', '--new-passphrase', '/dev/null'], false],
    ];
    for (const [format, args, encrypted] of variants) {
      const f = path(`pg-${b.type}-${format}.ppk`);
      run('puttygen', [base, '--old-passphrase', passFile, ...args, '-o', f]);
      add(format, f, encrypted);
    }
    // Its OpenSSH exports: new format (encrypted), and the PEM one (unencrypted: ECDSA with a 33-byte number).
    for (const [format, out, pass] of [['export OpenSSH new, encrypted', 'private-openssh-new', passFile], ['export PEM, unencrypted', 'private-openssh', '/dev/null']] as const) {
      if (b.type === 'ed25519' && out === 'private-openssh') continue; // puttygen writes Ed25519 only in the new format
      const f = path(`pg-${b.type}-${format}`);
      run('puttygen', [base, '--old-passphrase', passFile, '-O', out, '--new-passphrase', pass, '-o', f]);
      corpus.push({ tool: 'puttygen', format, type: b.type, file: f, encrypted: pass === passFile, publicLine: puttyPublic(base, true) });
    }
  }
  // The same key under every odd comment, in both PPK versions (the comment is inside the MAC).
  const ed = path('pg-ed25519-comments.ppk');
  run('puttygen', ['-t', 'ed25519', '-o', ed, '--new-passphrase', passFile]);
  for (const [label, comment] of [['comment ends in a space', 'ends in a space '], ['empty comment', ''], ['unicode comment', 'Zoë Ŝ 日本 🔑'], ['very long comment', 'L'.repeat(2000)]]) {
    for (const version of ['3', '2']) {
      const f = path(`pg-ed-${label}-v${version}.ppk`);
      run('puttygen', [ed, '--old-passphrase', passFile, '-C', comment!, '--ppk-param', `version=${version}`, '-o', f]);
      corpus.push({ tool: 'puttygen', format: `PPK v${version}, ${label}`, type: 'ed25519', file: f, encrypted: true, publicLine: puttyPublic(f, true) });
    }
    const f = path(`pg-ed-${label}-none.ppk`);
    run('puttygen', [ed, '--old-passphrase', passFile, '-C', comment!, '-P', '--new-passphrase', '/dev/null', '-o', f]);
    corpus.push({ tool: 'puttygen', format: `PPK v3 unencrypted, ${label}`, type: 'ed25519', file: f, encrypted: false, publicLine: puttyPublic(f, false) });
  }
}

function makeSshKeygen(): void {
  const types: [string, string[]][] = [['rsa2048', ['-t', 'rsa', '-b', '2048']], ['ed25519', ['-t', 'ed25519']], ['ecdsa256', ['-t', 'ecdsa', '-b', '256']], ['ecdsa384', ['-t', 'ecdsa', '-b', '384']], ['ecdsa521', ['-t', 'ecdsa', '-b', '521']]];
  for (const [type, args] of types) {
    const base = path(`sk-${type}`);
    run('ssh-keygen', ['-q', ...args, '-N', PASS, '-C', `sk ${type}`, '-f', base]);
    const pub = readFileSync(`${base}.pub`, 'utf8');
    corpus.push({ tool: 'ssh-keygen', format: 'OpenSSH new format, encrypted', type, file: base, encrypted: true, publicLine: sshKeygenPublic(base) });
    const convert = (format: string, label: string, newPass: string, extra: string[]) => {
      const f = path(`sk-${type}-${label}`);
      writeFileSync(f, readFileSync(base));
      execFileSync('chmod', ['600', f]);
      run('ssh-keygen', ['-q', '-p', '-P', PASS, '-N', newPass, ...extra, '-f', f]);
      const text = readFileSync(f, 'utf8');
      // ssh-keygen keeps Ed25519 in its own format whatever -m says: label what it wrote.
      const written = text.includes('OPENSSH PRIVATE KEY') && format !== 'OpenSSH new format' ? `${format} asked, OpenSSH new format written` : format;
      corpus.push({ tool: 'ssh-keygen', format: `${written}${newPass ? ', encrypted' : ''}`, type, file: f, encrypted: Boolean(newPass), publicLine: pub });
    };
    convert('OpenSSH new format', 'plain', '', []);
    convert('-m PEM', 'pem-enc', PASS, ['-m', 'PEM']);
    convert('-m PEM', 'pem', '', ['-m', 'PEM']);
    convert('-m PKCS8', 'pkcs8-enc', PASS, ['-m', 'PKCS8']);
    convert('-m PKCS8', 'pkcs8', '', ['-m', 'PKCS8']);
    if (type === 'ed25519') {
      for (const cipher of ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-cbc', '3des-cbc']) convert(`OpenSSH new format -Z ${cipher}`, cipher, PASS, ['-Z', cipher]);
      // A certificate: ssh-keygen -l shows the key inside; we name and use that key.
      const ca = path('sk-ca');
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', ca]);
      run('ssh-keygen', ['-q', '-s', ca, '-I', 'Z12345 at registry', '-n', 'Z12345,demo', `${base}.pub`]);
      corpus.push({ tool: 'ssh-keygen', format: 'certificate (-cert.pub)', type, file: `${base}-cert.pub`, encrypted: false, publicLine: pub });
    }
    if (type === 'rsa2048') {
      const cert = path('sk-rsa-ca');
      run('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', cert]);
      run('ssh-keygen', ['-q', '-s', cert, '-I', 'rsa user', '-n', 'demo', `${base}.pub`]);
      corpus.push({ tool: 'ssh-keygen', format: 'certificate (-cert.pub)', type, file: `${base}-cert.pub`, encrypted: false, publicLine: pub });
    }
  }
  // DSA: ssh-keygen still makes and opens it, servers refuse it: we say so.
  const dsa = path('sk-dsa');
  run('ssh-keygen', ['-q', '-t', 'dsa', '-N', PASS, '-f', dsa]);
  corpus.push({ tool: 'ssh-keygen', format: 'OpenSSH new format, encrypted', type: 'dsa1024', file: dsa, encrypted: true, publicLine: sshKeygenPublic(dsa), refuse: 'unsupported' });
}

function makeOpenssl(): void {
  const pass = ['-passout', `file:${passFile}`];
  const add = (format: string, type: string, file: string, encrypted: boolean, publicLine?: string) =>
    corpus.push({ tool: 'openssl', format, type, file, encrypted, publicLine: publicLine ?? sshKeygenPublic(file) });
  // RSA by genpkey (PKCS#8) and genrsa, then every way openssl re-writes it.
  const rsa8 = path('os-genpkey-rsa.pem');
  run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', rsa8]);
  add('genpkey PKCS#8', 'rsa2048', rsa8, false);
  const rsaEnc = path('os-genpkey-rsa-aes256.pem');
  run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes256', '-pass', `file:${passFile}`, '-out', rsaEnc]);
  add('genpkey -aes256 (encrypted PKCS#8)', 'rsa2048', rsaEnc, true);
  const genrsa = path('os-genrsa-aes128.pem');
  run('openssl', ['genrsa', '-aes128', ...pass, '-out', genrsa, '2048']);
  add('genrsa -aes128 (encrypted PKCS#8)', 'rsa2048', genrsa, true);
  const trad = path('os-genrsa-traditional.pem');
  run('openssl', ['genrsa', '-traditional', '-out', trad, '2048']);
  add('genrsa -traditional (PKCS#1)', 'rsa2048', trad, false);
  for (const cipher of ['-aes128', '-aes192', '-aes256', '-des3', '-des']) {
    const f = path(`os-rsa-traditional${cipher}.pem`);
    const r = spawnSync('openssl', ['rsa', '-in', trad, '-traditional', cipher, ...pass, '-out', f]);
    // OpenSSL 3 without its legacy provider writes `-des` unencrypted (exit 0): not a case then.
    if (r.status !== 0 || !readFileSync(f, 'utf8').includes('Proc-Type: 4,ENCRYPTED')) continue;
    add(`rsa -traditional ${cipher} (Proc-Type: 4,ENCRYPTED)`, 'rsa2048', f, true);
  }
  for (const [label, args] of [['-v2 des3', ['-v2', 'des3']], ['-v2 aes128 -v2prf hmacWithSHA1', ['-v2', 'aes128', '-v2prf', 'hmacWithSHA1']], ['-v1 PBE-SHA1-3DES', ['-v1', 'PBE-SHA1-3DES']], ['-v1 PBE-SHA1-2DES', ['-v1', 'PBE-SHA1-2DES']]] as const) {
    const f = path(`os-rsa-pkcs8${label}.pem`);
    run('openssl', ['pkcs8', '-topk8', '-in', trad, ...args, ...pass, '-out', f]);
    add(`pkcs8 -topk8 ${label}`, 'rsa2048', f, true);
  }
  // EC: ecparam -genkey writes an EC PARAMETERS block before the key.
  for (const [type, curve] of [['ecdsa256', 'prime256v1'], ['ecdsa384', 'secp384r1'], ['ecdsa521', 'secp521r1']]) {
    const f = path(`os-ecparam-${curve}.pem`);
    run('openssl', ['ecparam', '-genkey', '-name', curve!, '-out', f]);
    add('ecparam -genkey (EC PARAMETERS + EC PRIVATE KEY)', type!, f, false);
    const noout = path(`os-ecparam-${curve}-noout.pem`);
    run('openssl', ['ecparam', '-genkey', '-noout', '-name', curve!, '-out', noout]);
    add('ecparam -genkey -noout (SEC1)', type!, noout, false);
    const enc = path(`os-ec-${curve}-aes256.pem`);
    run('openssl', ['ec', '-in', f, '-aes256', ...pass, '-out', enc]);
    add('ec -aes256 (Proc-Type: 4,ENCRYPTED)', type!, enc, true);
    const gp = path(`os-genpkey-${curve}.pem`);
    run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-aes128', '-pass', `file:${passFile}`, '-out', gp]);
    add('genpkey EC -aes128 (encrypted PKCS#8)', type!, gp, true);
  }
  const explicit = path('os-ecparam-explicit.pem');
  run('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-param_enc', 'explicit', '-out', explicit]);
  add('ecparam -genkey -param_enc explicit', 'ecdsa256', explicit, false);
  const ed = path('os-genpkey-ed25519.pem');
  run('openssl', ['genpkey', '-algorithm', 'ED25519', '-out', ed]);
  add('genpkey ED25519 (PKCS#8)', 'ed25519', ed, false, ed25519LineFromOpenssl(ed));
  const edEnc = path('os-genpkey-ed25519-enc.pem');
  run('openssl', ['genpkey', '-algorithm', 'ED25519', '-aes256', '-pass', `file:${passFile}`, '-out', edEnc]);
  add('genpkey ED25519 -aes256 (encrypted PKCS#8)', 'ed25519', edEnc, true, ed25519LineFromOpenssl(edEnc));
}

async function outcome(text: Buffer, passphrase?: string): Promise<{ sha256: string; md5: string; bits: number; certificate: boolean } | KeyErrorCode> {
  try {
    const r = await readKeyFile(text, passphrase);
    return { sha256: r.summary.sha256, md5: r.summary.md5, bits: r.summary.bits, certificate: Boolean(r.summary.certificate) };
  } catch (err) {
    if (err instanceof KeyError) return err.code;
    throw err;
  }
}

before(() => {
  makePuttygen();
  makeSshKeygen();
  makeOpenssl();
});

test('every corpus file opens with ssh-keygen\'s fingerprint, or is refused with a specific reason', async (t) => {
  const rows: string[] = ['| tool | format | type | opens | same SHA256 and MD5 as ssh-keygen |', '|---|---|---|---|---|'];
  for (const e of corpus) {
    await t.test(`${e.tool} ${e.type} ${e.format}`, async () => {
      const text = readFileSync(e.file);
      const ref = reference(e.publicLine);
      const got = await outcome(text, e.encrypted ? PASS : undefined);
      if (e.refuse) {
        assert.equal(got, e.refuse, `expected the specific refusal ${e.refuse}`);
        rows.push(`| ${e.tool} | ${e.format} | ${e.type} | refused: ${e.refuse} | — |`);
        return;
      }
      assert.notEqual(got, 'tampered', 'a valid file must never be called tampered');
      assert.ok(typeof got === 'object', `refused with ${String(got)}`);
      assert.equal(got.sha256, ref.sha256);
      assert.equal(got.md5, ref.md5);
      // ssh-keygen counts Ed25519 as 256 bits like us (puttygen says 255).
      assert.equal(got.bits, ref.bits);
      assert.equal(got.certificate, e.format.startsWith('certificate'));
      if (e.encrypted) {
        assert.equal(await outcome(text, 'not the passphrase'), 'wrong-passphrase');
        assert.equal(await outcome(text), 'passphrase-required');
      }
      rows.push(`| ${e.tool} | ${e.format} | ${e.type} | yes${e.encrypted ? ' (wrong passphrase refused)' : ''} | yes |`);
    });
  }
  t.diagnostic(`corpus of ${corpus.length} files\n${rows.join('\n')}`);
  writeFileSync(join(tmpdir(), 'courier-keys-corpus-table.md'), `${rows.join('\n')}\n`);
});

test('the corpus has what issue 9.7 names', () => {
  const has = (pred: (e: Entry) => boolean, what: string) => assert.ok(corpus.some(pred), what);
  has((e) => e.format.includes('comment ends in a space'), 'PPK with a comment ending in a space');
  has((e) => e.format.includes('empty comment'), 'PPK with an empty comment');
  has((e) => e.format.includes('Proc-Type') && e.tool === 'openssl', 'openssl traditional encrypted PEM');
  has((e) => e.format === '-m PEM, encrypted' && e.type === 'rsa2048', 'ssh-keygen -m PEM encrypted');
  has((e) => e.tool === 'puttygen' && e.format === 'export PEM, unencrypted' && e.type === 'ecdsa256', 'puttygen unencrypted ECDSA export');
  has((e) => e.format.startsWith('ecparam -genkey (EC PARAMETERS'), 'openssl ecparam -genkey');
  has((e) => e.format.startsWith('certificate'), 'a -cert.pub');
  for (const kdf of ['Argon2id', 'Argon2i', 'Argon2d']) has((e) => e.format.includes(kdf), kdf);
  has((e) => e.type === 'rsa4096', 'one RSA-4096');
});
