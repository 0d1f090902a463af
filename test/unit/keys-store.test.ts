// The key store in Node with fake-indexeddb: kept keys are locked at rest (only the wrapped
// PKCS#8 is stored), unlock with the right passphrase into non-extractable keys that sign every
// RSA algorithm, refuse a wrong one changing nothing; unprotected keys only with consent;
// version-1 stores are migrated (kept, marked 'legacy', locked in place by a re-import).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import {
  generateKeyMaterial, importSigningKeys, STORE_KDF, KeyError, KeyStore, publicBlobOf, SshReader, summarize, type KeyErrorCode, type PrivateKeyFile,
  type SshUserKey,
} from '../../core/keys/index.ts';

const KDF = { memory: 1024, passes: 1 };
const PASS = 'lange wachtwoordzin';
let dbCount = 0;
const dbName = () => `courier-keys-test-${++dbCount}`;

async function expectCode(p: Promise<unknown>, code: KeyErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof KeyError && err.code === code);
}

/** Every record as IndexedDB holds it (what a page script reading the database would get). */
async function rawRecords(name: string): Promise<Record<string, unknown>[]> {
  const db = await openDB(name);
  const all = (await db.getAll('keys')) as Record<string, unknown>[];
  db.close();
  return all;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Checks a signature blob against the RSA public key the same way a server does. */
function verifyRsa(userKey: SshUserKey, algorithm: string, data: Uint8Array, signature: Uint8Array): boolean {
  const sig = new SshReader(signature);
  assert.equal(sig.text(), algorithm);
  const pub = new SshReader(userKey.publicKeyBlob);
  pub.text();
  const e = pub.mpint();
  const n = pub.mpint();
  const keyObject = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: Buffer.from(e).toString('base64url') }, format: 'jwk' });
  const hash = { 'rsa-sha2-512': 'sha512', 'rsa-sha2-256': 'sha256', 'ssh-rsa': 'sha1' }[algorithm]!;
  return verify(hash, data, keyObject, sig.string());
}

test('a kept RSA key is stored only wrapped; the right passphrase unlocks it for rsa-sha2-512, rsa-sha2-256 and ssh-rsa', async () => {
  const name = dbName();
  const rsa = await generateKeyMaterial({ type: 'rsa', bits: 2048 });
  assert.ok(rsa.type === 'ssh-rsa');
  const file: PrivateKeyFile = { key: rsa, comment: 'rsa-key-20261201' };
  let store = await KeyStore.open({ name });
  const info = await store.add(file, { name: 'Z12345 2026-12-01', passphrase: PASS, kdf: KDF });
  assert.equal(info.protection, 'passphrase');
  store.close();

  // At rest: no CryptoKey to sign with, and none of the private numbers in the clear.
  const [record] = await rawRecords(name);
  assert.equal(record!.signingKeys, undefined);
  const wrapped = record!.wrapped as { wrapped: Uint8Array; kdf: { algorithm: string; memory: number; passes: number; salt: Uint8Array } };
  assert.equal(wrapped.kdf.algorithm, 'argon2id');
  assert.equal(wrapped.kdf.memory, KDF.memory);
  assert.equal(wrapped.kdf.salt.length, 16);
  for (const secret of [rsa.d, rsa.p, rsa.q]) assert.ok(!contains(wrapped.wrapped, secret.subarray(0, 16)), 'a private number is readable in the stored record');

  // After a "reload": locked without a passphrase, refused with a wrong one (and still there).
  store = await KeyStore.open({ name });
  await expectCode(store.unlock(info.id), 'stored-key-locked');
  await expectCode(store.unlock(info.id, 'not it'), 'stored-key-wrong-passphrase');
  assert.equal((await store.list()).length, 1, 'a wrong passphrase loses nothing');
  const userKey = await store.unlock(info.id, PASS);
  assert.deepEqual(userKey.algorithms, ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.deepEqual(userKey.publicKeyBlob, publicBlobOf(rsa));
  const data = new TextEncoder().encode('session id + userauth request');
  for (const alg of userKey.algorithms) assert.ok(verifyRsa(userKey, alg, data, await userKey.sign(alg, data)), alg);
  store.close();
});

test('Ed25519 and ECDSA keys lock and unlock too', async () => {
  const store = await KeyStore.open({ name: dbName() });
  for (const spec of [{ type: 'ed25519' as const }]) {
    const key = await generateKeyMaterial(spec);
    const info = await store.add({ key, comment: 'ed' }, { passphrase: PASS, kdf: KDF });
    const userKey = await store.unlock(info.id, PASS);
    assert.deepEqual(userKey.algorithms, ['ssh-ed25519']);
    const sig = new SshReader(await userKey.sign('ssh-ed25519', new Uint8Array(8)));
    assert.equal(sig.text(), 'ssh-ed25519');
    assert.equal(sig.string().length, 64);
  }
  // ECDSA from a Node-made key (WebCrypto here cannot generate into our material type directly).
  const { generateKeyPairSync } = await import('node:crypto');
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
  const b = (s: string | undefined) => new Uint8Array(Buffer.from(s!, 'base64url'));
  const ec = { type: 'ecdsa-sha2-nistp384' as const, d: b(jwk.d), publicPoint: new Uint8Array([4, ...b(jwk.x), ...b(jwk.y)]) };
  const info = await store.add({ key: ec, comment: 'ec' }, { passphrase: PASS, kdf: KDF });
  const userKey = await store.unlock(info.id, PASS);
  const sig = new SshReader(await userKey.sign('ecdsa-sha2-nistp384', new Uint8Array(8)));
  assert.equal(sig.text(), 'ecdsa-sha2-nistp384');
  await expectCode(store.unlock(info.id, 'wrong'), 'stored-key-wrong-passphrase');
  store.close();
});

test('a key is kept unprotected only with consent, marked so; names stay unique; rename and delete', async () => {
  const store = await KeyStore.open({ name: dbName() });
  const ed = await generateKeyMaterial({ type: 'ed25519' });
  const ed2 = await generateKeyMaterial({ type: 'ed25519' });
  await expectCode(store.add({ key: ed, comment: 'x' }), 'passphrase-required');
  assert.deepEqual(await store.list(), []);
  const a = await store.add({ key: ed, comment: 'x' }, { name: 'Z12345 2026-12-01', allowUnprotected: true });
  assert.equal(a.protection, 'none');
  const again = await store.add({ key: ed, comment: 'other comment' }, { allowUnprotected: true });
  assert.equal(again.id, a.id, 'the same key is kept once');
  const b = await store.add({ key: ed2, comment: 'y' }, { name: 'Z12345 2026-12-01', passphrase: PASS, kdf: KDF });
  assert.equal(b.name, 'Z12345 2026-12-01 (2)');
  const userKey = await store.unlock(a.id);
  assert.deepEqual(userKey.algorithms, ['ssh-ed25519']);
  await store.rename(a.id, 'laptop key');
  assert.equal((await store.get(a.id))!.name, 'laptop key');
  await store.delete(a.id);
  assert.deepEqual((await store.list()).map((k) => k.id), [b.id]);
  store.close();
});

test('a version-1 store (keys kept before locking) is migrated: kept, marked legacy, locked in place by importing the key again with a passphrase', async () => {
  const name = dbName();
  const rsa = await generateKeyMaterial({ type: 'rsa', bits: 2048 });
  const file: PrivateKeyFile = { key: rsa, comment: 'rsa-key-20261126' };
  const s = summarize(file);
  // What the previous KeyStore wrote: version 1, non-extractable CryptoKeys, no protection field.
  const v1 = await openDB(name, 1, {
    upgrade(db) {
      db.createObjectStore('keys', { keyPath: 'id' }).createIndex('sha256', 'sha256', { unique: true });
    },
  });
  await v1.add('keys', {
    id: 'old-1', name: 'rsa-key-20261126', type: s.type, bits: s.bits, publicBlob: s.publicBlob, sha256: s.sha256, md5: s.md5,
    created: '2026-11-26T10:00:00.000Z', signingKeys: await importSigningKeys(rsa),
  });
  v1.close();

  const store = await KeyStore.open({ name });
  const [old] = await store.list();
  assert.equal(old!.protection, 'legacy');
  assert.equal(old!.id, 'old-1');
  // Still usable as before (no passphrase to ask for: it was never locked).
  const data = new Uint8Array([1, 2, 3]);
  const before = await store.unlock('old-1');
  assert.ok(verifyRsa(before, 'rsa-sha2-512', data, await before.sign('rsa-sha2-512', data)));
  // Importing the same key file again with a passphrase locks the entry in place.
  const locked = await store.add(file, { passphrase: PASS, kdf: KDF });
  assert.equal(locked.id, 'old-1');
  assert.equal(locked.name, 'rsa-key-20261126');
  assert.equal(locked.protection, 'passphrase');
  const [record] = await rawRecords(name);
  assert.equal(record!.signingKeys, undefined, 'the old unprotected CryptoKeys are gone');
  await expectCode(store.unlock('old-1'), 'stored-key-locked');
  const after = await store.unlock('old-1', PASS);
  assert.ok(verifyRsa(after, 'rsa-sha2-256', data, await after.sign('rsa-sha2-256', data)));
  store.close();
});

test('the default Argon2id cost (64 MiB, 3 passes) is what gets stored', async () => {
  const name = dbName();
  const store = await KeyStore.open({ name });
  const info = await store.add({ key: await generateKeyMaterial({ type: 'ed25519' }), comment: 'default cost' }, { passphrase: PASS });
  const [record] = await rawRecords(name);
  const kdf = (record!.wrapped as { kdf: Record<string, unknown> }).kdf;
  assert.deepEqual({ ...kdf, salt: undefined }, { algorithm: 'argon2id', ...STORE_KDF, salt: undefined });
  await store.unlock(info.id, PASS);
  store.close();
});
