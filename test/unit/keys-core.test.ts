// core/keys units: published bcrypt_pbkdf vectors, base64/wire edge cases, the RFC 4716 writer's
// escaping, and SshUserKey signatures checked with Node's own crypto (an independent verifier).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import bcryptPbkdf from 'bcrypt-pbkdf';
import {
  base64Decode, base64Encode, CryptoSshUserKey, defaultComment, generateKeyMaterial, MalformedKeyError, readOpenSshPrivate,
  readPpk, readRfc4716, sameFingerprint, SshReader, summarize, writeOpenSshPrivate, writePpk, writeRfc4716,
} from '../../core/keys/index.ts';

test('bcrypt_pbkdf (npm bcrypt-pbkdf, used for openssh-key-v1) matches OpenBSD\'s published vectors', () => {
  const vectors: [string, string, number, string][] = [
    ['password', 'salt', 4, '5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9'],
    ['password', '\0', 4, 'c12b566235eee04c212598970a579a67'],
    ['\0', 'salt', 4, '6051be18c2f4f82cbf0efee5471b4bb9'],
    ['password\0', 'salt\0', 4, '7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050'],
  ];
  for (const [pass, salt, rounds, hex] of vectors) {
    const p = Buffer.from(pass, 'binary');
    const s = Buffer.from(salt, 'binary');
    const out = new Uint8Array(hex.length / 2);
    assert.equal(bcryptPbkdf.pbkdf(p, p.length, s, s.length, out, out.length, rounds), 0);
    assert.equal(Buffer.from(out).toString('hex'), hex);
  }
});

test('base64: agrees with Node, strict about junk', () => {
  for (let n = 0; n < 70; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    assert.equal(base64Encode(bytes), Buffer.from(bytes).toString('base64'));
    assert.deepEqual(base64Decode(Buffer.from(bytes).toString('base64')), bytes);
  }
  assert.throws(() => base64Decode('AAA*'), MalformedKeyError);
  assert.throws(() => base64Decode('A'), MalformedKeyError);
  assert.throws(() => new SshReader(new Uint8Array([0, 0, 1, 0, 1])).string(), MalformedKeyError);
});

test('RFC 4716 writer: CRLF, escaped comment, 64-column lines; reader round-trips', async () => {
  const key = await generateKeyMaterial({ type: 'ed25519' });
  const { publicBlob } = summarize({ key, comment: '' });
  const text = writeRfc4716(publicBlob, 'a "b" \\ c');
  const lines = text.split('\r\n');
  assert.equal(lines[0], '---- BEGIN SSH2 PUBLIC KEY ----');
  assert.equal(lines[1], 'Comment: "a \\"b\\" \\\\ c"');
  assert.ok(lines.slice(2, -2).every((l) => l.length <= 64));
  assert.equal(lines.at(-2), '---- END SSH2 PUBLIC KEY ----');
  assert.equal(lines.at(-1), '');
  assert.ok(!text.replace(/\r\n/g, '').includes('\n'));
  const back = readRfc4716(text);
  assert.equal(back.comment, 'a "b" \\ c');
  assert.deepEqual(back.blob, publicBlob);
});

test('default comment and fingerprint comparison', () => {
  assert.equal(defaultComment('rsa', new Date(2026, 10, 26)), 'rsa-key-20261126');
  assert.equal(defaultComment('ed25519', new Date(2027, 0, 5)), 'ed25519-key-20270105');
  assert.ok(sameFingerprint('SHA256:abc=', 'SHA256:abc'));
  assert.ok(sameFingerprint('MD5:AA:bb', 'aa:bb'));
  assert.ok(!sameFingerprint('SHA256:abc', 'SHA256:abd'));
});

/** SSH public blob -> Node KeyObject via JWK, so Node's crypto verifies independently of our code. */
function nodePublicKey(blob: Uint8Array) {
  const r = new SshReader(blob);
  const type = r.text();
  const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  if (type === 'ssh-rsa') {
    const e = r.mpint();
    const n = r.mpint();
    return createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(r.string()) }, format: 'jwk' });
}

test('SshUserKey: non-extractable keys; signatures verify with Node crypto for every RSA hash and Ed25519', async () => {
  const data = new TextEncoder().encode('session id + userauth request');
  for (const spec of [{ type: 'rsa', bits: 2048 }, { type: 'ed25519' }] as const) {
    const key = await generateKeyMaterial(spec);
    const userKey = await CryptoSshUserKey.fromMaterial(key);
    assert.deepEqual(userKey.algorithms, spec.type === 'rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : ['ssh-ed25519']);
    const pub = nodePublicKey(userKey.publicKeyBlob);
    for (const alg of userKey.algorithms) {
      const r = new SshReader(await userKey.sign(alg, data));
      assert.equal(r.text(), alg);
      const sig = r.string();
      assert.equal(r.remaining, 0);
      const hash = alg === 'rsa-sha2-512' ? 'sha512' : alg === 'rsa-sha2-256' ? 'sha256' : alg === 'ssh-rsa' ? 'sha1' : null;
      assert.ok(verify(hash, data, pub, sig), `${alg} signature does not verify`);
      assert.ok(!verify(hash, new TextEncoder().encode('other data'), pub, sig));
    }
    await assert.rejects(userKey.sign('ssh-dss', data));
  }
});

test('openssh-key-v1 reader accepts PuTTY\'s padding (a whole block when already aligned)', async () => {
  const key = await generateKeyMaterial({ type: 'ed25519' });
  let found = false;
  for (let k = 1; k <= 8 && !found; k++) {
    const text = writeOpenSshPrivate({ key, comment: 'x'.repeat(k) });
    const raw = Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64');
    // Walk the outer structure: magic, cipher, kdf, kdf options, count, public key, then the private section.
    const r = new SshReader(raw.subarray(15));
    r.string();
    r.string();
    r.string();
    r.uint32();
    r.string();
    const at = raw.length - r.remaining;
    const priv = raw.subarray(at + 4);
    if (priv[priv.length - 1] !== 'x'.charCodeAt(0)) continue; // writer added padding; want an aligned one
    found = true;
    const padded = Buffer.concat([priv, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(padded.length);
    const body = Buffer.concat([raw.subarray(0, at), len, padded]).toString('base64');
    const putty = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...(body.match(/.{1,64}/g) ?? []), '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');
    const back = await readOpenSshPrivate(putty);
    assert.equal(back.comment, 'x'.repeat(k));
    assert.deepEqual(back.key, (await readOpenSshPrivate(text)).key);
  }
  assert.ok(found, 'no comment length gave an aligned private section');
});

test('Ed25519 without WebCrypto Ed25519 (older browsers): falls back to noble, same key shape', async () => {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.generateKey.bind(subtle);
  let refused = 0;
  const patched = ((algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]) => {
    if ((typeof algorithm === 'string' ? algorithm : algorithm.name) === 'Ed25519' && ++refused) return Promise.reject(new DOMException('no Ed25519', 'NotSupportedError'));
    return original(algorithm as RsaHashedKeyGenParams, extractable, usages);
  }) as typeof subtle.generateKey;
  Object.defineProperty(subtle, 'generateKey', { value: patched, configurable: true });
  try {
    const key = await generateKeyMaterial({ type: 'ed25519' });
    assert.equal(refused, 1, 'WebCrypto Ed25519 was not asked first');
    assert.equal(key.type, 'ssh-ed25519');
    const s = summarize({ key, comment: '' });
    assert.equal(s.publicBlob.length, 51);
    // It signs, so seed and public key belong together.
    const userKey = await CryptoSshUserKey.fromMaterial(key);
    assert.ok((await userKey.sign('ssh-ed25519', new Uint8Array(8))).length > 64);
  } finally {
    delete (subtle as unknown as Record<string, unknown>).generateKey;
  }
});

test('PPK and RFC 4716 read with CRLF, CR or LF line endings', async () => {
  const key = await generateKeyMaterial({ type: 'ed25519' });
  const file = { key, comment: 'line ends' };
  const ppk = await writePpk(file, { version: 2, passphrase: 'p' });
  const asc = writeRfc4716(summarize(file).publicBlob, file.comment);
  for (const eol of ['\r\n', '\r', '\n']) {
    const back = await readPpk(ppk.replace(/\n/g, eol), 'p');
    assert.equal(back.comment, 'line ends');
    assert.equal(readRfc4716(asc.replace(/\r\n/g, eol)).comment, 'line ends');
  }
});
