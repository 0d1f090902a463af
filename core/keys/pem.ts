// PEM private keys from OpenSSL and friends: PKCS#1 RSA, SEC1 EC, PKCS#8 and encrypted PKCS#8
// (PBES2 with PBKDF2 and AES-CBC, what `openssl pkcs8 -topk8` writes).
import { cbc } from '@noble/ciphers/aes.js';
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { base64Decode } from './base64.ts';
import {
  bitString, children, octetString, objectId, readDer, sequence, smallInteger, unsignedInteger, TAG,
} from './der.ts';
import { KeyError, MalformedKeyError, PassphraseRequiredError, UnsupportedKeyError, WrongPassphraseError } from './errors.ts';
import {
  checkConsistency, ECDSA_CURVES, ecdsaPublicPoint, ed25519PublicKey, rsaFromFactors, type EcdsaCurve, type PrivateKeyFile,
  type PrivateKeyMaterial,
} from './key-material.ts';
import { bytesEqual, utf8Bytes } from './ssh-wire.ts';

const OID = {
  rsa: '1.2.840.113549.1.1.1',
  ec: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

const PRFS = {
  '1.2.840.113549.2.7': sha1,
  '1.2.840.113549.2.8': sha224,
  '1.2.840.113549.2.9': sha256,
  '1.2.840.113549.2.10': sha384,
  '1.2.840.113549.2.11': sha512,
} as const;

const AES_CBC: Record<string, number> = {
  '2.16.840.1.101.3.4.1.2': 16,
  '2.16.840.1.101.3.4.1.22': 24,
  '2.16.840.1.101.3.4.1.42': 32,
};

const MAX_PBKDF2_ITERATIONS = 10_000_000;

export function isPem(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

interface PemBlock {
  label: string;
  headers: string[];
  der: Uint8Array;
}

function readPemBlock(text: string): PemBlock {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new MalformedKeyError('PEM key: BEGIN/END lines missing or mismatched (file cut short?)');
  const label = m[1]!;
  const lines = m[2]!.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
  const headers = lines.filter((l) => l.includes(':'));
  const body = lines.filter((l) => !l.includes(':'));
  return { label, headers, der: base64Decode(body.join(''), 'PEM key') };
}

function curveByOid(oid: string): EcdsaCurve {
  const curve = ECDSA_CURVES.find((c) => c.oid === oid);
  if (!curve) throw new UnsupportedKeyError(`elliptic curve ${oid} is not supported (P-256, P-384, P-521 are)`);
  return curve;
}

function pkcs1Rsa(der: Uint8Array): PrivateKeyMaterial {
  const what = 'PKCS#1 RSA key';
  const f = sequence(readDer(der, what), what);
  if (f.length < 9) throw new MalformedKeyError(`${what}: missing fields`);
  if (smallInteger(f[0], what) !== 0) throw new UnsupportedKeyError('multi-prime RSA keys are not supported');
  const [n, e, d, p, q] = [1, 2, 3, 4, 5].map((i) => unsignedInteger(f[i], what)) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  return rsaFromFactors(n, e, d, p, q);
}

/** SEC1 ECPrivateKey; `curveFromOuter` is the PKCS#8 algorithm parameter when there is one. */
function sec1Ec(der: Uint8Array, curveFromOuter?: EcdsaCurve): PrivateKeyMaterial {
  const what = 'EC private key';
  const f = sequence(readDer(der, what), what);
  if (smallInteger(f[0], what) !== 1) throw new MalformedKeyError(`${what}: unknown version`);
  const d = octetString(f[1], what);
  let curve = curveFromOuter;
  let point: Uint8Array | undefined;
  for (const node of f.slice(2)) {
    if (node.tag === 0xa0) curve ??= curveByOid(objectId(children(node, what)[0], what));
    if (node.tag === 0xa1) point = bitString(children(node, what)[0], what);
  }
  if (!curve) throw new MalformedKeyError(`${what}: curve not named`);
  if (d.length !== curve.size) throw new MalformedKeyError(`${what}: private number has a wrong length`);
  const publicPoint = point ?? ecdsaPublicPoint(curve, d);
  let i = 0;
  while (i < d.length - 1 && d[i] === 0) i++;
  return { type: curve.type, publicPoint, d: d.subarray(i) };
}

function pkcs8(der: Uint8Array): PrivateKeyMaterial {
  const what = 'PKCS#8 key';
  const f = sequence(readDer(der, what), what);
  const version = smallInteger(f[0], what);
  if (version > 1) throw new MalformedKeyError(`${what}: unknown version`);
  const alg = sequence(f[1], what);
  const oid = objectId(alg[0], what);
  const inner = octetString(f[2], what);
  if (oid === OID.rsa) return pkcs1Rsa(inner);
  if (oid === OID.ec) return sec1Ec(inner, curveByOid(objectId(alg[1], what)));
  if (oid === OID.ed25519) {
    const seed = octetString(readDer(inner, what), what);
    if (seed.length !== 32) throw new MalformedKeyError(`${what}: Ed25519 key has a wrong length`);
    const publicKey = ed25519PublicKey(seed);
    const stated = f.find((n) => n.tag === 0x81 || n.tag === 0xa1);
    if (stated && stated.tag === 0x81 && !bytesEqual(stated.content.subarray(1), publicKey)) throw new MalformedKeyError(`${what}: Ed25519 halves do not match`);
    return { type: 'ssh-ed25519', seed: seed.slice(), publicKey };
  }
  throw new UnsupportedKeyError(`PKCS#8 key algorithm ${oid} is not supported (RSA, EC P-256/384/521 and Ed25519 are)`);
}

async function decryptPkcs8(der: Uint8Array, passphrase: string | undefined): Promise<Uint8Array> {
  const what = 'encrypted PKCS#8 key';
  const f = sequence(readDer(der, what), what);
  const alg = sequence(f[0], what);
  const data = octetString(f[1], what);
  if (objectId(alg[0], what) !== OID.pbes2) throw new UnsupportedKeyError('encrypted PKCS#8 key: only PBES2 encryption is supported (re-export it with `openssl pkcs8 -topk8 -v2 aes256`)');
  const params = sequence(alg[1], what);
  const kdf = sequence(params[0], what);
  const enc = sequence(params[1], what);
  if (objectId(kdf[0], what) !== OID.pbkdf2) throw new UnsupportedKeyError('encrypted PKCS#8 key: only PBKDF2 key derivation is supported');
  const kdfParams = sequence(kdf[1], what);
  const salt = octetString(kdfParams[0], what);
  const iterations = smallInteger(kdfParams[1], what);
  let prfOid = '1.2.840.113549.2.7';
  for (const node of kdfParams.slice(2)) if (node.tag === TAG.SEQUENCE) prfOid = objectId(children(node, what)[0], what);
  const prf = PRFS[prfOid as keyof typeof PRFS];
  if (!prf) throw new UnsupportedKeyError(`encrypted PKCS#8 key: PBKDF2 hash ${prfOid} is not supported`);
  const encOid = objectId(enc[0], what);
  const keyLen = AES_CBC[encOid];
  if (!keyLen) throw new UnsupportedKeyError(`encrypted PKCS#8 key: cipher ${encOid} is not supported (AES-CBC is)`);
  const iv = octetString(enc[1], what);
  if (iv.length !== 16) throw new MalformedKeyError(`${what}: IV has a wrong length`);
  if (iterations < 1) throw new MalformedKeyError(`${what}: bad iteration count`);
  if (iterations > MAX_PBKDF2_ITERATIONS) throw new UnsupportedKeyError(`${what}: ${iterations} PBKDF2 iterations is beyond what we accept`);
  if (data.length === 0 || data.length % 16 !== 0) throw new MalformedKeyError(`${what}: encrypted data is not a whole number of blocks`);
  if (!passphrase) throw new PassphraseRequiredError();
  const key = await pbkdf2Async(prf, utf8Bytes(passphrase), salt, { c: iterations, dkLen: keyLen });
  try {
    return cbc(key, iv).decrypt(data);
  } catch {
    // The PKCS#7 padding did not check out: the key was wrong.
    throw new WrongPassphraseError();
  }
}

/** Reads a PEM private key (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8). PEM carries no comment. */
export async function readPemPrivate(text: string, passphrase?: string): Promise<PrivateKeyFile> {
  const block = readPemBlock(text);
  let key: PrivateKeyMaterial;
  if (block.headers.some((h) => /^Proc-Type:\s*4,\s*ENCRYPTED/i.test(h))) {
    throw new UnsupportedKeyError('old-style encrypted PEM ("Proc-Type: 4,ENCRYPTED") is not supported; convert it with `openssl pkcs8 -topk8 -v2 aes256` or `ssh-keygen -p`');
  }
  switch (block.label) {
    case 'RSA PRIVATE KEY':
      key = pkcs1Rsa(block.der);
      break;
    case 'EC PRIVATE KEY':
      key = sec1Ec(block.der);
      break;
    case 'PRIVATE KEY':
      key = pkcs8(block.der);
      break;
    case 'ENCRYPTED PRIVATE KEY': {
      const plain = await decryptPkcs8(block.der, passphrase);
      try {
        key = pkcs8(plain);
      } catch (err) {
        // Padding passed by chance (1 in 256) but the content is garbage: still a wrong passphrase.
        if (err instanceof MalformedKeyError) throw new WrongPassphraseError();
        throw err;
      }
      break;
    }
    case 'DSA PRIVATE KEY':
      throw new UnsupportedKeyError('DSA keys are not supported (servers no longer accept them)');
    default:
      throw new UnsupportedKeyError(`PEM "${block.label}" is not a private key we can read`);
  }
  try {
    checkConsistency(key, 'PEM private key');
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new MalformedKeyError('PEM private key: damaged key numbers');
  }
  return { key, comment: '' };
}
