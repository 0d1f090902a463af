// Key exchange parts (core/ssh/kex, negotiate.ts): the RFC 7748 X25519 vector as RFC 8731 uses
// it, ECDH and DH agreement with node:crypto as the other party, the RFC 3526 groups, key
// derivation per RFC 4253 §7.2, host-key signatures made by node:crypto, and the §7.1 choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDiffieHellman, createECDH, createHash, generateKeyPairSync, getDiffieHellman, sign, type KeyObject } from 'node:crypto';
import { kexMethod, MODP14, MODP16, supportedKex } from '../../core/ssh/kex/kex-method.ts';
import { deriveKey } from '../../core/ssh/kex/exchange-hash.ts';
import { verifyHostKeySignature } from '../../core/ssh/kex/host-key-signature.ts';
import { negotiate, type KexInit } from '../../core/ssh/negotiate.ts';
import { isAead } from '../../core/ssh/ciphers/cipher-suite.ts';
import { NegotiationError, SshError } from '../../core/ssh/errors.ts';
import { SshReader, SshWriter } from '../../core/ssh/wire.ts';
import { sha256 } from '@noble/hashes/sha2.js';

const h = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('curve25519-sha256 (RFC 8731 on RFC 7748 §6.1): K is the X25519 result as an mpint, Q_C/Q_S strings', () => {
  const alicePrivate = h('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const bobPublic = h('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  const x = kexMethod('curve25519-sha256').start(alicePrivate);
  // SSH_MSG_KEX_ECDH_INIT: byte 30, string Q_C (Alice's public key).
  assert.equal(hex(x.initPayload), '1e00000020' + '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  const r = x.finish(bobPublic);
  assert.equal(hex(r.secret), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  assert.equal(hex(r.serverField), '00000020' + hex(bobPublic));
  // A low-order point gives an all-zero secret: refused (RFC 8731 §3).
  assert.throws(() => kexMethod('curve25519-sha256').start().finish(new Uint8Array(32)), SshError);
  assert.throws(() => kexMethod('curve25519-sha256').start().finish(new Uint8Array(31)), /31 bytes/);
});

for (const [name, curve] of [
  ['ecdh-sha2-nistp256', 'prime256v1'],
  ['ecdh-sha2-nistp384', 'secp384r1'],
  ['ecdh-sha2-nistp521', 'secp521r1'],
] as const) {
  test(`${name}: the same shared secret as node:crypto's ECDH on the other side; a point off the curve is refused`, () => {
    const x = kexMethod(name).start();
    const qc = new SshReader(x.initPayload, undefined, 1).string();
    const server = createECDH(curve);
    const qs = server.generateKeys();
    const expected = server.computeSecret(qc);
    assert.equal(hex(x.finish(new Uint8Array(qs)).secret), hex(expected));
    const bad = new Uint8Array(qs);
    bad[bad.length - 1]! ^= 1;
    assert.throws(() => kexMethod(name).start().finish(bad), SshError);
  });
}

test('the DH groups are RFC 3526 groups 14 and 16 (as node:crypto knows them)', () => {
  assert.equal(MODP14.toString(16), getDiffieHellman('modp14').getPrime('hex').replace(/^0+/, ''));
  assert.equal(MODP16.toString(16), getDiffieHellman('modp16').getPrime('hex').replace(/^0+/, ''));
});

for (const [name, group] of [
  ['diffie-hellman-group14-sha256', 'modp14'],
  ['diffie-hellman-group16-sha512', 'modp16'],
] as const) {
  test(`${name}: agreement with node:crypto; f outside 1 < f < p-1 refused`, () => {
    const x = kexMethod(name).start();
    const e = new SshReader(x.initPayload, undefined, 1).mpint();
    const ref = getDiffieHellman(group);
    const server = createDiffieHellman(ref.getPrime(), ref.getGenerator());
    const f = server.generateKeys();
    const expected = server.computeSecret(e);
    assert.equal(hex(x.finish(new Uint8Array(f)).secret), hex(expected));
    assert.throws(() => kexMethod(name).start().finish(Uint8Array.of(1)), /out of range/);
    const pMinus1 = h(ref.getPrime('hex'));
    pMinus1[pMinus1.length - 1]! -= 1;
    assert.throws(() => kexMethod(name).start().finish(pMinus1), /out of range/);
  });
}

test('key derivation (RFC 4253 §7.2): HASH(K || H || X || session_id), extended with HASH(K || H || K1 ...)', () => {
  const secret = h('00ff' + '11'.repeat(31));
  const H = h('22'.repeat(32));
  const sessionId = h('33'.repeat(32));
  const k = new SshWriter().mpint(secret).bytes();
  const sha = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const k1 = sha(k, H, Buffer.from('C'), sessionId);
  const k2 = sha(k, H, k1);
  const k3 = sha(k, H, k1, k2);
  assert.equal(hex(deriveKey(sha256, secret, H, sessionId, 'C', 16)), hex(k1.subarray(0, 16)));
  assert.equal(hex(deriveKey(sha256, secret, H, sessionId, 'C', 64)), hex(Buffer.concat([k1, k2])));
  assert.equal(hex(deriveKey(sha256, secret, H, sessionId, 'C', 80)), hex(Buffer.concat([k1, k2, k3]).subarray(0, 80)));
});

const str = (b: Uint8Array | string) => new SshWriter().string(b).bytes().slice();
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
const data = new TextEncoder().encode('exchange hash');

function hostKeys() {
  const out: { algorithm: string; blob: Uint8Array; signature: Uint8Array }[] = [];
  const ed = generateKeyPairSync('ed25519');
  const edPub = Buffer.from(ed.publicKey.export({ format: 'jwk' }).x!, 'base64url');
  out.push({ algorithm: 'ssh-ed25519', blob: cat(str('ssh-ed25519'), str(edPub)), signature: cat(str('ssh-ed25519'), str(sign(null, data, ed.privateKey))) });
  for (const [id, curve, hash] of [
    ['nistp256', 'P-256', 'sha256'],
    ['nistp384', 'P-384', 'sha384'],
    ['nistp521', 'P-521', 'sha512'],
  ] as const) {
    const k = generateKeyPairSync('ec', { namedCurve: curve });
    const jwk = k.publicKey.export({ format: 'jwk' });
    const point = cat(Uint8Array.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url'));
    const rs = sign(hash, data, { key: k.privateKey as KeyObject, dsaEncoding: 'ieee-p1363' });
    const half = rs.length / 2;
    const sig = new SshWriter().mpint(rs.subarray(0, half)).mpint(rs.subarray(half)).bytes();
    out.push({ algorithm: `ecdsa-sha2-${id}`, blob: cat(str(`ecdsa-sha2-${id}`), str(id), str(point)), signature: cat(str(`ecdsa-sha2-${id}`), str(sig)) });
  }
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const j = rsa.publicKey.export({ format: 'jwk' });
  const blob = cat(str('ssh-rsa'), new SshWriter().mpint(Buffer.from(j.e!, 'base64url')).mpint(Buffer.from(j.n!, 'base64url')).bytes());
  for (const [alg, hash] of [
    ['rsa-sha2-256', 'sha256'],
    ['rsa-sha2-512', 'sha512'],
  ] as const) {
    out.push({ algorithm: alg, blob, signature: cat(str(alg), str(sign(hash, data, rsa.privateKey))) });
  }
  return out;
}

test('host-key signatures made by node:crypto verify; a changed byte, another algorithm or key type does not', () => {
  const keys = hostKeys();
  for (const k of keys) {
    verifyHostKeySignature(k.algorithm, k.blob, k.signature, data);
    const other = data.slice();
    other[0]! ^= 1;
    assert.throws(() => verifyHostKeySignature(k.algorithm, k.blob, k.signature, other), /does not verify/, k.algorithm);
  }
  const rsa256 = keys.find((k) => k.algorithm === 'rsa-sha2-256')!;
  assert.throws(() => verifyHostKeySignature('rsa-sha2-512', rsa256.blob, rsa256.signature, data), /signed with rsa-sha2-256, but rsa-sha2-512 was agreed/);
  const ed = keys.find((k) => k.algorithm === 'ssh-ed25519')!;
  assert.throws(() => verifyHostKeySignature('ecdsa-sha2-nistp256', ed.blob, ed.signature, data), /ssh-ed25519 key cannot make ecdsa-sha2-nistp256/);
  assert.throws(() => verifyHostKeySignature('ssh-ed25519', ed.blob, ed.signature.subarray(0, 30), data), SshError);
});

function init(o: Partial<KexInit>): KexInit {
  return { cookie: new Uint8Array(16), kex: [], hostKey: [], cipherC2S: [], cipherS2C: [], macC2S: [], macS2C: [], compressionC2S: ['none'], compressionS2C: ['none'], firstKexFollows: false, ...o };
}

test('negotiation (RFC 4253 §7.1): the client order wins, AEAD ciphers take no MAC, each direction on its own', () => {
  const ours = init({ kex: [...supportedKex(), 'ext-info-c'], hostKey: ['ssh-ed25519', 'rsa-sha2-512'], cipherC2S: ['aes128-gcm@openssh.com', 'aes128-ctr'], cipherS2C: ['aes128-gcm@openssh.com', 'aes128-ctr'], macC2S: ['hmac-sha2-256'], macS2C: ['hmac-sha2-256'] });
  const theirs = init({ kex: ['diffie-hellman-group14-sha256', 'curve25519-sha256'], hostKey: ['rsa-sha2-512', 'ssh-ed25519'], cipherC2S: ['aes128-ctr', 'aes128-gcm@openssh.com'], cipherS2C: ['aes128-ctr'], macC2S: [], macS2C: ['hmac-sha2-512', 'hmac-sha2-256'] });
  assert.deepEqual(negotiate(ours, theirs, isAead), { kex: 'curve25519-sha256', hostKey: 'ssh-ed25519', cipherC2S: 'aes128-gcm@openssh.com', cipherS2C: 'aes128-ctr', macC2S: '', macS2C: 'hmac-sha2-256' });
});

test('no common algorithm: a NegotiationError with its kind and both lists, signals left out', () => {
  const ours = init({ kex: ['curve25519-sha256', 'ext-info-c', 'kex-strict-c-v00@openssh.com'], hostKey: ['ssh-ed25519'], cipherC2S: ['aes128-ctr'], cipherS2C: ['aes128-ctr'], macC2S: ['hmac-sha2-256'], macS2C: ['hmac-sha2-256'] });
  const cases: [Partial<KexInit>, string, string][] = [
    [{ kex: ['diffie-hellman-group1-sha1', 'kex-strict-s-v00@openssh.com'] }, 'kex', 'no-common-kex'],
    [{ hostKey: ['ssh-dss'] }, 'host-key', 'no-common-host-key'],
    [{ cipherS2C: ['aes128-cbc'] }, 'cipher', 'no-common-cipher'],
    [{ macC2S: ['hmac-sha1'] }, 'mac', 'no-common-mac'],
  ];
  for (const [change, kind, code] of cases) {
    const theirs = init({ kex: ['curve25519-sha256'], hostKey: ['ssh-ed25519'], cipherC2S: ['aes128-ctr'], cipherS2C: ['aes128-ctr'], macC2S: ['hmac-sha2-256'], macS2C: ['hmac-sha2-256'], ...change });
    assert.throws(
      () => negotiate(ours, theirs, isAead),
      (e: unknown) => {
        assert.ok(e instanceof NegotiationError);
        assert.equal(e.kind, kind);
        assert.equal(e.code, code);
        assert.deepEqual(e.theirs, (Object.values(change)[0] as string[]).filter((n) => !n.startsWith('kex-strict')));
        assert.ok(!e.ours.some((n) => n.startsWith('ext-info') || n.startsWith('kex-strict')));
        return true;
      },
    );
  }
});
