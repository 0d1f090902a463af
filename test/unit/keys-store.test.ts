// The key store in Node with fake-indexeddb: keys survive a reopen, sign, cannot be exported,
// and list/rename/delete work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import 'fake-indexeddb/auto';
import { generateKeyMaterial, KeyStore, SshReader } from '../../core/keys/index.ts';

test('KeyStore keeps non-extractable signing keys with public data; list, rename, delete', async () => {
  const ed = await generateKeyMaterial({ type: 'ed25519' });
  const rsa = await generateKeyMaterial({ type: 'rsa', bits: 2048 });
  let store = await KeyStore.open();
  const a = await store.add({ key: ed, comment: 'ed25519-key-20261126' });
  const b = await store.add({ key: rsa, comment: 'rsa-key-20261126' }, 'VIKZ key');
  assert.equal((await store.add({ key: ed, comment: 'again' })).id, a.id, 'the same key is kept once');
  store.close();

  store = await KeyStore.open();
  const list = await store.list();
  assert.deepEqual(list.map((k) => k.name), ['ed25519-key-20261126', 'VIKZ key']);
  assert.equal(list[1]!.bits, 2048);
  assert.match(list[0]!.sha256, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.ok(!('signingKeys' in list[0]!), 'listing exposes no key objects');

  // The kept key signs, and the signature verifies against the public blob kept alongside it.
  const data = new TextEncoder().encode('auth request');
  const userKey = await store.userKey(b.id);
  const sigBlob = new SshReader(await userKey.sign('rsa-sha2-256', data));
  assert.equal(sigBlob.text(), 'rsa-sha2-256');
  const pub = new SshReader(userKey.publicKeyBlob);
  pub.text();
  const e = pub.mpint();
  const n = pub.mpint();
  const keyObject = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: Buffer.from(e).toString('base64url') }, format: 'jwk' });
  assert.ok(verify('sha256', data, keyObject, sigBlob.string()));

  // No way back to the private key: every stored CryptoKey is non-extractable.
  const raw = await new Promise<Record<string, CryptoKey>[]>((resolve, reject) => {
    const req = indexedDB.open('courier-keys');
    req.onsuccess = () => {
      const all = req.result.transaction('keys').objectStore('keys').getAll();
      all.onsuccess = () => resolve(all.result.map((r: { signingKeys: Record<string, CryptoKey> }) => r.signingKeys));
      all.onerror = () => reject(all.error);
    };
    req.onerror = () => reject(req.error);
  });
  for (const keys of raw) {
    for (const key of Object.values(keys)) {
      assert.equal(key.extractable, false);
      assert.equal(key.type, 'private');
      await assert.rejects(globalThis.crypto.subtle.exportKey('jwk', key));
    }
  }

  await store.rename(a.id, 'laptop key');
  assert.equal((await store.get(a.id))!.name, 'laptop key');
  await store.delete(a.id);
  assert.deepEqual((await store.list()).map((k) => k.id), [b.id]);
  store.close();
});
