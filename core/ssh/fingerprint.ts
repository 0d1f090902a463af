// Host-key fingerprints as OpenSSH prints them: `SHA256:<base64, no padding>` (compared) and
// `MD5:aa:bb:...` (shown only, for operators who still publish MD5).
import { sha256 } from '@noble/hashes/sha2.js';
import { md5 } from '@noble/hashes/legacy.js';

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function sha256Fingerprint(keyBlob: Uint8Array): string {
  return `SHA256:${base64(sha256(keyBlob)).replace(/=+$/, '')}`;
}

export function md5Fingerprint(keyBlob: Uint8Array): string {
  return `MD5:${Array.from(md5(keyBlob), (b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

/**
 * Canonical form of a pinned SHA256 fingerprint as users paste it: the `SHA256:` prefix is
 * optional (case-insensitive), padding `=` and surrounding white space are dropped. Returns
 * null if it is not a SHA256 fingerprint (43 base64 characters).
 */
export function normalizeSha256Fingerprint(input: string): string | null {
  let s = input.trim();
  if (/^sha256:/i.test(s)) s = s.slice(7);
  s = s.replace(/=+$/, '');
  return /^[A-Za-z0-9+/]{43}$/.test(s) ? `SHA256:${s}` : null;
}

/** The key algorithm name at the start of an SSH public key blob (string, RFC 4253 §6.6). */
export function keyBlobAlgorithm(keyBlob: Uint8Array): string {
  if (keyBlob.length < 4) return '';
  const n = ((keyBlob[0]! << 24) | (keyBlob[1]! << 16) | (keyBlob[2]! << 8) | keyBlob[3]!) >>> 0;
  if (n > 64 || 4 + n > keyBlob.length) return '';
  return String.fromCharCode(...keyBlob.subarray(4, 4 + n));
}
