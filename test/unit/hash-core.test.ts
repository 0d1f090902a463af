// core/hash: digests against published vectors, the `.hash` writer's exact bytes, and the
// tolerant reader on what FCIV, sha1sum, PowerShell and macros write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDigest, digestStream, formatSidecar, parseSidecar, planVerification, readExpectation, judge,
  sidecarName, isSidecarName, dataNameOf, HashCancelledError,
} from '../../core/hash/index.ts';

const enc = new TextEncoder();

test('SHA-1 and SHA-256 match the FIPS 180 vectors', async () => {
  const vectors: [string, 'sha1' | 'sha256', string][] = [
    ['abc', 'sha1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['', 'sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'sha1', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
    ['abc', 'sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ];
  for (const [input, algorithm, expected] of vectors) {
    const d = await createDigest(algorithm);
    d.update(enc.encode(input));
    assert.equal(d.digestHex(), expected, `${algorithm}(${input})`);
  }
});

test('streaming a million "a" in uneven chunks gives the FIPS vector, with progress', async () => {
  async function* chunks() {
    let left = 1_000_000;
    let size = 1;
    while (left > 0) {
      const n = Math.min(size, left);
      yield enc.encode('a'.repeat(n));
      left -= n;
      size = (size * 7 + 3) % 65536 || 1;
    }
  }
  let last = 0;
  const { hex, bytes } = await digestStream(chunks(), { algorithm: 'sha1', onProgress: (b) => (last = b) });
  assert.equal(hex, '34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  assert.equal(bytes, 1_000_000);
  assert.equal(last, 1_000_000);
});

test('a cancelled stream stops with HashCancelledError', async () => {
  const ctl = new AbortController();
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(new Uint8Array(1024));
    },
  });
  const p = digestStream(stream, { algorithm: 'sha1', signal: ctl.signal, onProgress: (b) => b > 10_000 && ctl.abort() });
  await assert.rejects(p, HashCancelledError);
});

test('.hash writer: bare hex (no newline), sha1sum style, FCIV style byte for byte', () => {
  const hex = '25E64DB6D4D1D6116FFE0B317918C98F3624CBED';
  assert.equal(formatSidecar(hex, 'example.txt', 'hex'), '25e64db6d4d1d6116ffe0b317918c98f3624cbed');
  assert.equal(formatSidecar(hex, 'dir/Example.txt', 'sha1sum'), '25e64db6d4d1d6116ffe0b317918c98f3624cbed  Example.txt\n');
  assert.equal(
    formatSidecar(hex, 'Example.TXT', 'fciv'),
    '//\r\n// File Checksum Integrity Verifier version 2.05.\r\n//\r\n25e64db6d4d1d6116ffe0b317918c98f3624cbed example.txt\r\n',
  );
});

test('.hash reader accepts every style users have, any case, CRLF and BOM', () => {
  const hex = '25e64db6d4d1d6116ffe0b317918c98f3624cbed';
  const cases: [string, string | undefined][] = [
    [hex, undefined],
    [`${hex.toUpperCase()}\r\n`, undefined],
    [`\uFEFF${hex}\n`, undefined],
    [`${hex}  example.txt\n`, 'example.txt'],
    [`${hex} *example.txt\n`, 'example.txt'],
    [`//\r\n// File Checksum Integrity Verifier version 2.05.\r\n//\r\n${hex} c:\\data\\example.txt\r\n`, 'c:\\data\\example.txt'],
    [`SHA1 (example.txt) = ${hex}\n`, 'example.txt'],
    [`\r\nAlgorithm       Hash                                       Path\r\n---------       ----                                       ----\r\nSHA1            ${hex.toUpperCase()}       C:\\Users\\x\\example.txt\r\n`, 'C:\\Users\\x\\example.txt'],
    [`  ${hex}  \n\n`, undefined],
  ];
  for (const [text, name] of cases) {
    const parsed = parseSidecar(text);
    assert.ok(parsed.ok, JSON.stringify(text));
    assert.equal(parsed.hex, hex);
    assert.equal(parsed.algorithm, 'sha1');
    assert.equal(parsed.name, name, JSON.stringify(text));
  }
  const sha256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  const p = parseSidecar(`${sha256}  abc.txt\n`);
  assert.ok(p.ok && p.algorithm === 'sha256' && p.hex === sha256);
});

test('.hash reader refuses what holds no digest, and a 41-digit run is no SHA-1', () => {
  for (const text of ['', '\uFEFF', '// only a comment', 'not a hash', 'a'.repeat(41), '12345', 'g'.repeat(40)]) {
    assert.deepEqual(parseSidecar(text), { ok: false, reason: 'no-digest' }, JSON.stringify(text));
  }
});

test('expectations check the written name against the data file (case-insensitive, base name)', () => {
  const hex = 'a9993e364706816aba3e25717850c26c9cd0d89d';
  assert.deepEqual(readExpectation(`${hex} c:\\x\\GEGEVENS.dat`, 'gegevens.dat'), { ok: true, algorithm: 'sha1', hex });
  const wrong = readExpectation(`${hex}  other.dat\n`, 'gegevens.dat');
  assert.deepEqual(wrong, { ok: false, verdict: { status: 'wrong-name', writtenName: 'other.dat' } });
  assert.deepEqual(readExpectation('nothing', 'x'), { ok: false, verdict: { status: 'unreadable' } });
  assert.equal(judge({ algorithm: 'sha1', hex }, hex.toUpperCase()).status, 'ok');
  assert.equal(judge({ algorithm: 'sha1', hex }, '0'.repeat(40)).status, 'mismatch');
});

test('pairing: data with sidecar, data without, sidecar without data', () => {
  const plan = planVerification(['a.dat', 'a.dat.hash', 'b.csv', 'c.xml.hash', 'd/e.txt', 'd/e.txt.hash'], (n) => n);
  assert.deepEqual(plan.pairs, [{ data: 'a.dat', sidecar: 'a.dat.hash' }, { data: 'd/e.txt', sidecar: 'd/e.txt.hash' }]);
  assert.deepEqual(plan.missingSidecar, ['b.csv']);
  assert.deepEqual(plan.missingData, ['c.xml.hash']);
  assert.equal(sidecarName('x.dat'), 'x.dat.hash');
  assert.ok(isSidecarName('X.DAT.HASH') && !isSidecarName('.hash') && !isSidecarName('hash'));
  assert.equal(dataNameOf('x.dat.hash'), 'x.dat');
});
