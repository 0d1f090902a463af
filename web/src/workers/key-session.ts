// The key of this session, for the session worker: a kept key is unlocked here, once per
// session, into non-extractable CryptoKeys that never leave this worker; reconnects reuse it;
// log-out (which the idle timeout also triggers) forgets it. The passphrase is used once and
// not kept.
import { KeyStore } from '../../../core/keys/key-store.ts';
import type { SshUserKey } from '../../../core/keys/ssh-user-key.ts';

let store: Promise<KeyStore> | undefined;
let unlocked: { keyId: string; key: SshUserKey } | null = null;

function keyStore(): Promise<KeyStore> {
  store ??= KeyStore.open();
  return store;
}

/**
 * The session's key: the one unlocked earlier in this session, or `keyId` unlocked now with
 * `passphrase` (a KeyError 'stored-key-locked' / 'stored-key-wrong-passphrase' otherwise).
 */
export async function sessionUserKey(keyId: string, passphrase?: string): Promise<SshUserKey> {
  if (unlocked?.keyId === keyId) return unlocked.key;
  const key = await (await keyStore()).unlock(keyId, passphrase);
  unlocked = { keyId, key };
  return key;
}

/** Log-out: the unlocked key is dropped (the next connect asks for the passphrase again). */
export function forgetSessionKey(): void {
  unlocked = null;
}
