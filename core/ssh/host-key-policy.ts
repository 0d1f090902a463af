// Host-key verification: a pinned fingerprint that matches continues, a mismatch is a hard stop
// (HostKeyChangedError, never a question), and an unknown host asks the user through a callback.
// What the operator publishes (profile, gateway target) outranks what this computer trusted before.
import { HostKeyChangedError, HostKeyNotPublishedError, HostKeyRejectedError } from './errors.ts';
import { keyBlobAlgorithm, md5Fingerprint, normalizeSha256Fingerprint, sha256Fingerprint } from './fingerprint.ts';

export interface HostKeyInfo {
  /** `host:port` or the gateway target id: what the pins are stored under. */
  target: string;
  /** Key type from the blob, e.g. `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`. */
  keyAlgorithm: string;
  /** Negotiated signature algorithm, e.g. `rsa-sha2-512`. */
  signatureAlgorithm: string;
  blob: Uint8Array;
  sha256: string;
  md5: string;
}

export type HostKeyDecision = 'trust-once' | 'trust-always' | 'reject';

/** Asked only for a host with no pin. The UI shows the fingerprint for the user to compare. */
export type UnknownHostPrompt = (key: HostKeyInfo) => Promise<HostKeyDecision>;

/** Where "always trust" is remembered (IndexedDB in the browser; `--host-key` in the CLI). */
export interface HostKeyPinStore {
  /** SHA256 fingerprints pinned for the target (any form `normalizeSha256Fingerprint` accepts). */
  get(target: string): Promise<string[]>;
  add(target: string, fingerprint: string, keyAlgorithm: string): Promise<void>;
}

export interface HostKeyPolicy {
  /** Resolves to continue; rejects with HostKeyChangedError / HostKeyRejectedError to stop. */
  verify(key: HostKeyInfo): Promise<void>;
}

export function describeHostKey(target: string, blob: Uint8Array, signatureAlgorithm: string): HostKeyInfo {
  return { target, keyAlgorithm: keyBlobAlgorithm(blob), signatureAlgorithm, blob, sha256: sha256Fingerprint(blob), md5: md5Fingerprint(blob) };
}

/**
 * The one decision rule. `pins` are the fingerprints a profile or the pin store holds for this
 * target; any one matching is enough (a server has several host keys of different types).
 */
export async function decideHostKey(key: HostKeyInfo, pins: readonly string[], prompt: UnknownHostPrompt | undefined): Promise<'pinned' | 'trust-once' | 'trust-always'> {
  const wanted = pins.map((p) => normalizeSha256Fingerprint(p) ?? p.trim());
  if (wanted.includes(key.sha256)) return 'pinned';
  if (wanted.length > 0) throw new HostKeyChangedError({ host: key.target, algorithm: key.keyAlgorithm, fingerprint: key.sha256, pinned: wanted });
  const decision = prompt ? await prompt(key) : 'reject';
  if (decision === 'reject') throw new HostKeyRejectedError({ host: key.target, algorithm: key.keyAlgorithm, fingerprint: key.sha256 });
  return decision;
}

const normalized = (pins: readonly string[]) => pins.map((p) => normalizeSha256Fingerprint(p) ?? p.trim());

/**
 * `pins`: what the operator publishes (a profile, the gateway target, the CLI's --host-key): when
 * there are any, they alone decide — a key trusted earlier on this computer (`store`, `trusted`)
 * that is not among them is a hard stop, not a pass. Without published pins, the store and this
 * session's trust-once answers decide, and an unknown key is asked about; "trust-always" answers
 * are written to the store.
 */
export function pinnedHostKeyPolicy(options: { pins?: readonly string[]; trusted?: readonly string[]; store?: HostKeyPinStore; prompt?: UnknownHostPrompt }): HostKeyPolicy {
  return {
    async verify(key) {
      const published = normalized(options.pins ?? []);
      const earlier = normalized([...(options.trusted ?? []), ...(options.store ? await options.store.get(key.target) : [])]);
      if (published.length > 0) {
        if (published.includes(key.sha256)) return;
        if (earlier.includes(key.sha256)) throw new HostKeyNotPublishedError({ host: key.target, algorithm: key.keyAlgorithm, fingerprint: key.sha256, published });
        throw new HostKeyChangedError({ host: key.target, algorithm: key.keyAlgorithm, fingerprint: key.sha256, pinned: published });
      }
      const decision = await decideHostKey(key, earlier, options.prompt);
      if (decision === 'trust-always' && options.store) await options.store.add(key.target, key.sha256, key.keyAlgorithm);
    },
  };
}
