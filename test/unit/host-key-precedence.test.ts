// Who decides a host key: published pins (profile, gateway target, --host-key) when there are
// any; otherwise what this computer trusted (the store, this session's trust-once); otherwise
// the user. A key trusted earlier never outranks a published one (issue 13.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describeHostKey, pinnedHostKeyPolicy, type HostKeyPinStore } from '../../core/ssh/host-key-policy.ts';
import { HostKeyChangedError, HostKeyNotPublishedError, HostKeyRejectedError } from '../../core/ssh/errors.ts';

function ed25519Blob(): Uint8Array {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const name = Buffer.from('ssh-ed25519');
  const out = Buffer.alloc(4 + name.length + 4 + 32);
  out.writeUInt32BE(name.length, 0);
  name.copy(out, 4);
  out.writeUInt32BE(32, 4 + name.length);
  raw.copy(out, 8 + name.length);
  return out;
}
const server = describeHostKey('rivm', ed25519Blob(), 'ssh-ed25519');
const other = describeHostKey('rivm', ed25519Blob(), 'ssh-ed25519');

function memoryStore(initial: string[] = []): HostKeyPinStore & { pins: string[] } {
  const pins = [...initial];
  return { pins, get: async () => pins, add: async (_t, fp) => void pins.push(fp) };
}
const never = async (): Promise<never> => assert.fail('the user must not be asked');

test('published and matching: connects, whatever the store says', async () => {
  await pinnedHostKeyPolicy({ pins: [server.sha256], store: memoryStore([other.sha256]), prompt: never }).verify(server);
});

test('published and different, the key trusted earlier: a hard stop naming the published fingerprint', async () => {
  const store = memoryStore([server.sha256]);
  const err = await pinnedHostKeyPolicy({ pins: [other.sha256], store, prompt: never }).verify(server).catch((e: unknown) => e);
  assert.ok(err instanceof HostKeyNotPublishedError, String(err));
  assert.deepEqual(err.details.published, [other.sha256]);
  assert.equal(err.transient, false);
  // The same when the earlier trust was only for this session.
  await assert.rejects(pinnedHostKeyPolicy({ pins: [other.sha256], trusted: [server.sha256], prompt: never }).verify(server), HostKeyNotPublishedError);
});

test('published and different, never trusted: the key has changed', async () => {
  await assert.rejects(pinnedHostKeyPolicy({ pins: [other.sha256], store: memoryStore(), prompt: never }).verify(server), HostKeyChangedError);
});

test('nothing published: the store decides, an unknown key is asked, "trust always" is kept', async () => {
  await pinnedHostKeyPolicy({ store: memoryStore([server.sha256]), prompt: never }).verify(server);
  await assert.rejects(pinnedHostKeyPolicy({ store: memoryStore([other.sha256]), prompt: never }).verify(server), HostKeyChangedError);
  const store = memoryStore();
  await pinnedHostKeyPolicy({ store, prompt: async () => 'trust-always' }).verify(server);
  assert.deepEqual(store.pins, [server.sha256]);
  await assert.rejects(pinnedHostKeyPolicy({ store: memoryStore(), prompt: async () => 'reject' }).verify(server), HostKeyRejectedError);
});
