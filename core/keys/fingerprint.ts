// Key fingerprints as `ssh-keygen -l` prints them: SHA256:<base64, no padding> and MD5:xx:xx:...
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Encode } from './base64.ts';

export function sha256Fingerprint(publicBlob: Uint8Array): string {
  return `SHA256:${base64Encode(sha256(publicBlob), false)}`;
}

export function md5Fingerprint(publicBlob: Uint8Array): string {
  return `MD5:${Array.from(md5(publicBlob), (b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

/** Compares fingerprints the way users paste them: SHA256 with or without `=` padding, MD5 any case. */
export function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string) => {
    const t = s.trim();
    if (/^SHA256:/i.test(t)) return 'SHA256:' + t.slice(7).replace(/=+$/, '');
    return t.replace(/^MD5:/i, '').toLowerCase();
  };
  return norm(a) === norm(b);
}
