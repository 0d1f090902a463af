// Every reader, fed truncated and bit-flipped files of every format, answers with a KeyError of
// the right kind — never another exception, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  KeyError, readKeyFile, summarize, writeOpenSshPrivate, writeOpenSshPublic, writePpk, writeRfc4716,
  generateKeyMaterial, type KeyErrorCode, type PrivateKeyFile,
} from '../../core/keys/index.ts';

const PASS = 'fuzz pass';

interface Sample {
  label: string;
  text: string;
  sha256: string;
  passphrase?: string;
  /** Character range where flips are tried (skips binary headers whose flips only cost time). */
  flipFrom: number;
}

/** Deterministic PRNG so the run is the same every time. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

async function outcome(text: string, passphrase?: string): Promise<{ ok: true; sha256: string } | { ok: false; code: KeyErrorCode }> {
  try {
    const r = await readKeyFile(text, passphrase);
    return { ok: true, sha256: r.summary.sha256 };
  } catch (err) {
    if (err instanceof KeyError) return { ok: false, code: err.code };
    throw new Error(`not a KeyError: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
}

async function samples(): Promise<Sample[]> {
  const out: Sample[] = [];
  const rsa = await generateKeyMaterial({ type: 'rsa', bits: 2048 });
  const ed = await generateKeyMaterial({ type: 'ed25519' });
  for (const key of [rsa, ed]) {
    const file: PrivateKeyFile = { key, comment: `fuzz ${key.type}` };
    const s = summarize(file);
    const add = (label: string, text: string, passphrase?: string, flipFrom = 0) => out.push({ label: `${key.type} ${label}`, text, sha256: s.sha256, passphrase, flipFrom });
    const argon2 = { passes: 1 };
    add('ppk3 encrypted', await writePpk(file, { version: 3, passphrase: PASS, argon2 }), PASS);
    add('ppk3 none', await writePpk(file, { version: 3 }));
    add('ppk2 encrypted', await writePpk(file, { version: 2, passphrase: PASS }), PASS);
    add('ppk2 none', await writePpk(file, { version: 2 }));
    const ossh = writeOpenSshPrivate(file, { passphrase: PASS, rounds: 1 });
    add('openssh encrypted', ossh, PASS, ossh.indexOf('\n', 40 + ossh.indexOf('\n') + 1));
    add('openssh none', writeOpenSshPrivate(file));
    add('rfc4716', writeRfc4716(s.publicBlob, file.comment));
    add('openssh public', writeOpenSshPublic(s.publicBlob, key.type, file.comment));
  }
  // PEM from Node's OpenSSL: PKCS#1, PKCS#8, encrypted PKCS#8 (PBES2), SEC1.
  const pemSamples: [string, string, string | undefined][] = [];
  const r = generateKeyPairSync('rsa', { modulusLength: 2048 });
  pemSamples.push(['rsa pkcs1', r.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), undefined]);
  pemSamples.push(['rsa pkcs8', r.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), undefined]);
  pemSamples.push(['rsa pkcs8 encrypted', r.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }).toString(), PASS]);
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  pemSamples.push(['ec sec1', ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(), undefined]);
  pemSamples.push(['ec pkcs8 encrypted', ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: PASS }).toString(), PASS]);
  for (const [label, text, passphrase] of pemSamples) {
    const good = await outcome(text, passphrase);
    assert.ok(good.ok, `${label} does not read`);
    out.push({ label, text, sha256: good.sha256, passphrase, flipFrom: 0 });
  }
  return out;
}

const all = samples();

test('truncated files: the same key (only trailing text lost) or "malformed", never anything else', async () => {
  for (const s of await all) {
    const good = await outcome(s.text, s.passphrase);
    assert.deepEqual(good, { ok: true, sha256: s.sha256 }, s.label);
    const step = Math.max(1, Math.floor(s.text.length / 150));
    for (let cut = 0; cut < s.text.length; cut += cut > s.text.length - 80 ? 1 : step) {
      const o = await outcome(s.text.slice(0, cut), s.passphrase);
      if (o.ok) assert.equal(o.sha256, s.sha256, `${s.label} cut at ${cut} read as another key`);
      else assert.equal(o.code, 'malformed', `${s.label} cut at ${cut}: ${o.code}`);
    }
  }
});

test('flipped characters: always a KeyError or a successful read, never a crash', async () => {
  const rnd = prng(20261126);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=: -\n\r\u0000\u00ff"\\';
  for (const s of await all) {
    for (let i = 0; i < 40; i++) {
      const at = s.flipFrom + Math.floor(rnd() * (s.text.length - s.flipFrom));
      let ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
      if (ch === s.text[at]) ch = ch === 'A' ? 'B' : 'A';
      await outcome(s.text.slice(0, at) + ch + s.text.slice(at + 1), s.passphrase);
    }
  }
});

test('targeted damage gives the specific error', async () => {
  const list = await all;
  const get = (label: string) => list.find((s) => s.label === label)!;
  const expectCode = async (text: string, pass: string | undefined, codes: KeyErrorCode[], what: string) => {
    const o = await outcome(text, pass);
    assert.ok(!o.ok && codes.includes(o.code), `${what}: ${JSON.stringify(o)}`);
  };
  for (const type of ['ssh-rsa', 'ssh-ed25519']) {
    for (const v of ['ppk3 encrypted', 'ppk3 none', 'ppk2 encrypted', 'ppk2 none']) {
      const s = get(`${type} ${v}`);
      const mac = /^Private-MAC: (.)/m.exec(s.text)!;
      const at = mac.index + 'Private-MAC: '.length;
      await expectCode(s.text.slice(0, at) + (mac[1] === '0' ? '1' : '0') + s.text.slice(at + 1), s.passphrase, ['tampered'], `${s.label} MAC`);
      await expectCode(s.text.replace(/^Comment: .*$/m, 'Comment: someone else'), s.passphrase, ['tampered'], `${s.label} comment`);
      // A flipped bit in the private lines: undetectable from a wrong passphrase when encrypted.
      const priv = s.text.indexOf('\n', s.text.indexOf('Private-Lines:')) + 5;
      const flipped = s.text.slice(0, priv) + (s.text[priv] === 'A' ? 'B' : 'A') + s.text.slice(priv + 1);
      await expectCode(flipped, s.passphrase, s.passphrase ? ['wrong-passphrase', 'tampered'] : ['tampered'], `${s.label} private`);
      if (s.passphrase) {
        await expectCode(s.text, 'wrong', ['wrong-passphrase'], `${s.label} wrong passphrase`);
        await expectCode(s.text, undefined, ['passphrase-required'], `${s.label} no passphrase`);
      }
      await expectCode(s.text.replace(/^(PuTTY-User-Key-File-\d: ).*$/m, '$1ssh-dss'), s.passphrase, ['malformed'], `${s.label} header type`);
      await expectCode(s.text.replace(/^PuTTY-User-Key-File-\d/m, 'PuTTY-User-Key-File-1'), s.passphrase, ['unsupported'], `${s.label} version 1`);
    }
    const o = get(`${type} openssh encrypted`);
    await expectCode(o.text, 'wrong', ['wrong-passphrase'], 'openssh wrong passphrase');
    await expectCode(o.text, undefined, ['passphrase-required'], 'openssh no passphrase');
    // Damage inside the encrypted private section, far from the check words.
    const lines = o.text.split('\n');
    const mid = Math.floor(lines.length / 2);
    lines[mid] = lines[mid]!.slice(0, 10) + (lines[mid]![10] === 'A' ? 'B' : 'A') + lines[mid]!.slice(11);
    await expectCode(lines.join('\n'), PASS, ['tampered', 'wrong-passphrase'], 'openssh flipped');
  }
  for (const label of ['rsa pkcs8 encrypted', 'ec pkcs8 encrypted']) {
    const s = get(label);
    await expectCode(s.text, 'wrong', ['wrong-passphrase'], `${label} wrong passphrase`);
    await expectCode(s.text, undefined, ['passphrase-required'], `${label} no passphrase`);
  }
  await expectCode('', undefined, ['malformed'], 'empty');
  await expectCode('\u0000\u0001binary garbage\u00ff', undefined, ['malformed'], 'garbage');
  await expectCode('-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n', undefined, ['unsupported'], 'dsa');
  await expectCode('ssh-dss AAAAB3NzaC1kc3MAAACBAP1/U4Ed comment\n', undefined, ['malformed', 'unsupported'], 'dss public');
});
