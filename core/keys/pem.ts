// PEM private keys from OpenSSL and friends: PKCS#1 RSA, SEC1 EC, PKCS#8, encrypted PKCS#8
// (PBES2 with PBKDF2 and AES-CBC or DES-EDE3-CBC, what `openssl pkcs8 -topk8` and OpenSSL 3's
// `genrsa -aes256` write) and the traditional encrypted PEM (`Proc-Type: 4,ENCRYPTED` +
// `DEK-Info`, what `ssh-keygen -m PEM`, OpenSSH < 7.8 and `openssl rsa -aes128/-des3 -traditional` write).
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { base64Decode } from './base64.ts';
import {
  bitString, children, octetString, type DerNode, objectId, readDer, sequence, smallInteger, unsignedInteger, TAG,
} from './der.ts';
import { KeyError, MalformedKeyError, PassphraseRequiredError, UnsupportedKeyError, WrongPassphraseError } from './errors.ts';
import {
  checkConsistency, ECDSA_CURVES, ecdsaCurveByNumbers, ecdsaPublicPoint, ed25519PublicKey, rsaFromFactors, type EcdsaCurve, type PrivateKeyFile,
  type PrivateKeyMaterial,
} from './key-material.ts';
import { bytesEqual, bytesToBigint, concatBytes, utf8Bytes } from './ssh-wire.ts';
import { CBC_BLOCK, cbcDecrypt, pkcs7Unpad, type CbcCipher } from './cbc-cipher.ts';
import { hexDecode } from './base64.ts';
import { pkcs12Kdf, PKCS12_IV, PKCS12_KEY } from './pkcs12-kdf.ts';

const OID = {
  rsa: '1.2.840.113549.1.1.1',
  ec: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

/** PBES1 (PKCS#5 v1.5) and PKCS#12 password-based encryption: old, DES/RC2/RC4-based. */
const OLD_PBE_PREFIXES = ['1.2.840.113549.1.5.', '1.2.840.113549.1.12.1.'];

/** The PKCS#12 schemes OpenSSL 3 still reads (OpenSSL 1.x's default for `pkcs8 -topk8`): key length (2-key 3DES = K1 K2 K1). */
const PKCS12_3DES: Record<string, 24 | 16> = {
  '1.2.840.113549.1.12.1.3': 24,
  '1.2.840.113549.1.12.1.4': 16,
};

const PRFS = {
  '1.2.840.113549.2.7': sha1,
  '1.2.840.113549.2.8': sha224,
  '1.2.840.113549.2.9': sha256,
  '1.2.840.113549.2.10': sha384,
  '1.2.840.113549.2.11': sha512,
} as const;

/** PBES2 encryption schemes: OID -> cipher and key length. */
const PBES2_CIPHERS: Record<string, { cipher: CbcCipher; keyLen: number }> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes', keyLen: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes', keyLen: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes', keyLen: 32 },
  '1.2.840.113549.3.7': { cipher: 'des-ede3', keyLen: 24 },
  '1.3.14.3.2.7': { cipher: 'des', keyLen: 8 },
};

/** Traditional PEM `DEK-Info` cipher names (OpenSSL's EVP names) -> cipher and key length. */
const DEK_CIPHERS: Record<string, { cipher: CbcCipher; keyLen: number }> = {
  'AES-128-CBC': { cipher: 'aes', keyLen: 16 },
  'AES-192-CBC': { cipher: 'aes', keyLen: 24 },
  'AES-256-CBC': { cipher: 'aes', keyLen: 32 },
  'DES-EDE3-CBC': { cipher: 'des-ede3', keyLen: 24 },
  'DES-CBC': { cipher: 'des', keyLen: 8 },
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

/** Every PEM block of the file, in order (`openssl ecparam -genkey` puts EC PARAMETERS first). */
function readPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    const lines = m[2]!.split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
    const headers = lines.filter((l) => l.includes(':'));
    const body = lines.filter((l) => !l.includes(':'));
    blocks.push({ label: m[1]!, headers, der: base64Decode(body.join(''), 'PEM key') });
  }
  if (blocks.length === 0) throw new MalformedKeyError('PEM key: BEGIN/END lines missing or mismatched (file cut short?)');
  return blocks;
}

function header(block: PemBlock, name: string): string | undefined {
  const line = block.headers.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** OpenSSL's EVP_BytesToKey with MD5 and one iteration: how traditional PEM turns a passphrase into a key. */
export function evpBytesToKey(passphrase: Uint8Array, salt: Uint8Array, keyLen: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let have = 0;
  let prev = new Uint8Array(0);
  while (have < keyLen) {
    prev = md5(concatBytes(prev, passphrase, salt));
    parts.push(prev);
    have += prev.length;
  }
  return concatBytes(...parts).slice(0, keyLen);
}

/** Decrypts a `Proc-Type: 4,ENCRYPTED` block's DER with the key its `DEK-Info` names. */
function decryptTraditional(block: PemBlock, passphrase: string | undefined): Uint8Array {
  const what = 'encrypted PEM key';
  const dek = header(block, 'DEK-Info');
  if (!dek) throw new MalformedKeyError(`${what}: "DEK-Info" line missing`);
  const [name = '', ivHex = ''] = dek.split(',').map((x) => x.trim());
  const spec = DEK_CIPHERS[name.toUpperCase()];
  if (!spec) throw new UnsupportedKeyError(`${what}: cipher ${name.slice(0, 40)} is not supported (AES-128/192/256-CBC, DES-EDE3-CBC and DES-CBC are); convert it with \`ssh-keygen -p -f FILE\``);
  const iv = hexDecode(ivHex, `${what} DEK-Info IV`);
  if (iv.length !== CBC_BLOCK[spec.cipher]) throw new MalformedKeyError(`${what}: the DEK-Info IV has a wrong length`);
  if (block.der.length === 0 || block.der.length % CBC_BLOCK[spec.cipher] !== 0) throw new MalformedKeyError(`${what}: encrypted data is not a whole number of blocks`);
  if (!passphrase) throw new PassphraseRequiredError();
  // The salt is the IV's first 8 bytes (PEM_do_header).
  const key = evpBytesToKey(utf8Bytes(passphrase), iv.subarray(0, 8), spec.keyLen);
  const plain = pkcs7Unpad(cbcDecrypt(spec.cipher, key, iv, block.der), CBC_BLOCK[spec.cipher]);
  if (!plain) throw new WrongPassphraseError();
  return plain;
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
function sec1Ec(der: Uint8Array, curveFromOuter?: EcdsaCurve, curveFromParams?: EcdsaCurve): PrivateKeyMaterial {
  const what = 'EC private key';
  const f = sequence(readDer(der, what), what);
  if (smallInteger(f[0], what) !== 1) throw new MalformedKeyError(`${what}: unknown version`);
  const d = octetString(f[1], what);
  let curve = curveFromOuter;
  let point: Uint8Array | undefined;
  for (const node of f.slice(2)) {
    if (node.tag === 0xa0) curve ??= ecParameters(children(node, what)[0], what);
    if (node.tag === 0xa1) point = bitString(children(node, what)[0], what);
  }
  curve ??= curveFromParams;
  if (!curve) throw new MalformedKeyError(`${what}: curve not named`);
  // RFC 5915 says exactly the curve size; puttygen writes the number as an mpint (a leading zero
  // when the top bit is set: 33 bytes for P-256), others drop leading zeros. Accept any of these.
  let i = 0;
  while (i < d.length - 1 && d[i] === 0) i++;
  if (d.length === 0 || d.length - i > curve.size) throw new MalformedKeyError(`${what}: private number has a wrong length`);
  const scalar = d.subarray(i);
  const publicPoint = point ?? ecdsaPublicPoint(curve, scalar);
  return { type: curve.type, publicPoint, d: scalar };
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
  if (oid === OID.ec) return sec1Ec(inner, ecParameters(alg[1], what));
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
  const scheme = objectId(alg[0], what);
  if (PKCS12_3DES[scheme]) return decryptPkcs12(scheme, sequence(alg[1], what), data, passphrase);
  if (OLD_PBE_PREFIXES.some((p) => scheme.startsWith(p)) && scheme !== OID.pbes2) {
    throw new UnsupportedKeyError(`encrypted PKCS#8 key: the old PKCS#5 v1.5 / PKCS#12 encryption (${scheme}) is not supported; re-encrypt it with \`openssl pkcs8 -topk8 -v2 aes256\``);
  }
  if (scheme !== OID.pbes2) throw new UnsupportedKeyError(`encrypted PKCS#8 key: encryption ${scheme} is not supported (PBES2 is); re-encrypt it with \`openssl pkcs8 -topk8 -v2 aes256\``);
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
  const spec = PBES2_CIPHERS[encOid];
  if (!spec) throw new UnsupportedKeyError(`encrypted PKCS#8 key: cipher ${encOid} is not supported (AES-CBC and DES-EDE3-CBC are)`);
  const block = CBC_BLOCK[spec.cipher];
  const iv = octetString(enc[1], what);
  if (iv.length !== block) throw new MalformedKeyError(`${what}: IV has a wrong length`);
  if (iterations < 1) throw new MalformedKeyError(`${what}: bad iteration count`);
  if (iterations > MAX_PBKDF2_ITERATIONS) throw new UnsupportedKeyError(`${what}: ${iterations} PBKDF2 iterations is beyond what we accept`);
  if (data.length === 0 || data.length % block !== 0) throw new MalformedKeyError(`${what}: encrypted data is not a whole number of blocks`);
  if (!passphrase) throw new PassphraseRequiredError();
  const key = await pbkdf2Async(prf, utf8Bytes(passphrase), salt, { c: iterations, dkLen: spec.keyLen });
  const plain = pkcs7Unpad(cbcDecrypt(spec.cipher, key, iv, data), block);
  // The PKCS#7 padding did not check out: the key was wrong.
  if (!plain) throw new WrongPassphraseError();
  return plain;
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC / 2-KeyTripleDES: PKCS#12 KDF with SHA-1, DES-EDE3-CBC. */
function decryptPkcs12(scheme: string, params: DerNode[], data: Uint8Array, passphrase: string | undefined): Uint8Array {
  const what = 'encrypted PKCS#8 key';
  const salt = octetString(params[0], what);
  const iterations = smallInteger(params[1], what);
  if (iterations < 1) throw new MalformedKeyError(`${what}: bad iteration count`);
  if (iterations > MAX_PBKDF2_ITERATIONS) throw new UnsupportedKeyError(`${what}: ${iterations} iterations is beyond what we accept`);
  if (data.length === 0 || data.length % 8 !== 0) throw new MalformedKeyError(`${what}: encrypted data is not a whole number of blocks`);
  if (!passphrase) throw new PassphraseRequiredError();
  const keyLen = PKCS12_3DES[scheme]!;
  let key = pkcs12Kdf(passphrase, salt, iterations, PKCS12_KEY, keyLen);
  if (keyLen === 16) key = concatBytes(key, key.subarray(0, 8));
  const iv = pkcs12Kdf(passphrase, salt, iterations, PKCS12_IV, 8);
  const plain = pkcs7Unpad(cbcDecrypt('des-ede3', key, iv, data), 8);
  if (!plain) throw new WrongPassphraseError();
  return plain;
}

/** Parses decrypted DER; garbage that passed the padding check by chance (1 in 256) is still a wrong passphrase. */
function afterDecryption(parse: () => PrivateKeyMaterial): PrivateKeyMaterial {
  try {
    return parse();
  } catch (err) {
    if (err instanceof MalformedKeyError) throw new WrongPassphraseError();
    throw err;
  }
}

const PRIVATE_LABELS = ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'DSA PRIVATE KEY', 'OPENSSH PRIVATE KEY'];

/** Reads a PEM private key (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8, traditional encrypted PEM). PEM carries no comment. */
export async function readPemPrivate(text: string, passphrase?: string): Promise<PrivateKeyFile> {
  const blocks = readPemBlocks(text);
  const block = blocks.find((b) => PRIVATE_LABELS.includes(b.label) || b.label.endsWith('PRIVATE KEY'));
  if (!block) {
    const labels = blocks.map((b) => b.label);
    if (labels.includes('CERTIFICATE')) throw new UnsupportedKeyError('this is an X.509 certificate, not an SSH private key');
    if (labels.some((l) => l.includes('PUBLIC KEY'))) throw new UnsupportedKeyError(`PEM "${labels[0]}" is a public key; choose the private key file`);
    throw new UnsupportedKeyError(`PEM "${labels[0]!.slice(0, 40)}" is not a private key we can read`);
  }
  // `openssl ecparam -genkey` writes the curve first, as its own block: it must name the same curve.
  const params = blocks.find((b) => b.label === 'EC PARAMETERS');
  const paramsCurve = params ? ecParametersCurve(params.der) : undefined;
  const encrypted = /^4,\s*ENCRYPTED$/i.test(header(block, 'Proc-Type') ?? '');
  const der = encrypted ? decryptTraditional(block, passphrase) : block.der;
  const parse = (): PrivateKeyMaterial => {
    switch (block.label) {
      case 'RSA PRIVATE KEY':
        return pkcs1Rsa(der);
      case 'EC PRIVATE KEY':
        return sec1Ec(der, undefined, paramsCurve);
      case 'PRIVATE KEY':
        return pkcs8(der);
      case 'DSA PRIVATE KEY':
        throw new UnsupportedKeyError('DSA keys are not supported (servers no longer accept them)');
      default:
        throw new UnsupportedKeyError(`PEM "${block.label.slice(0, 40)}" is not a private key we can read`);
    }
  };
  let key: PrivateKeyMaterial;
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    const plain = await decryptPkcs8(block.der, passphrase);
    key = afterDecryption(() => pkcs8(plain));
  } else key = encrypted ? afterDecryption(parse) : parse();
  if (paramsCurve && key.type !== paramsCurve.type) throw new MalformedKeyError('PEM key: the EC PARAMETERS block names another curve than the key');
  try {
    checkConsistency(key, 'PEM private key');
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new MalformedKeyError('PEM private key: damaged key numbers');
  }
  return { key, comment: '' };
}

/** The curve of an `EC PARAMETERS` block. */
function ecParametersCurve(der: Uint8Array): EcdsaCurve {
  return ecParameters(readDer(der, 'EC PARAMETERS'), 'EC PARAMETERS');
}

/**
 * ECParameters (RFC 5480, SEC1): a named curve, or explicit numbers (`openssl ecparam
 * -param_enc explicit`), which we recognise by field prime and order as ssh-keygen does.
 */
function ecParameters(node: DerNode | undefined, what: string): EcdsaCurve {
  if (node?.tag === TAG.OID) return curveByOid(objectId(node, what));
  const f = sequence(node, what);
  const field = sequence(f[1], what);
  if (objectId(field[0], what) !== '1.2.840.10045.1.1') throw new UnsupportedKeyError('EC key over a binary field is not supported (P-256, P-384, P-521 are)');
  const curve = ecdsaCurveByNumbers(bytesToBigint(unsignedInteger(field[1], what)), bytesToBigint(unsignedInteger(f[4], what)));
  if (!curve) throw new UnsupportedKeyError('EC key with explicit parameters of an unknown curve is not supported (P-256, P-384, P-521 are)');
  return curve;
}
