// Fingerprints (checked against ssh-keygen) and the host-key decision rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { md5Fingerprint, normalizeSha256Fingerprint, sha256Fingerprint } from '../../core/ssh/fingerprint.ts';
import { decideHostKey, describeHostKey } from '../../core/ssh/host-key-policy.ts';
import { HostKeyChangedError, HostKeyRejectedError } from '../../core/ssh/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'courier-fp-'));
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
const blob = Buffer.from(readFileSync(join(dir, 'k.pub'), 'utf8').split(' ')[1]!, 'base64');
const keygen = (hash: string) => execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', join(dir, 'k.pub')]).toString().split(' ')[1];

test('SHA256 and MD5 fingerprints equal ssh-keygen -l', () => {
  assert.equal(sha256Fingerprint(blob), keygen('sha256'));
  assert.equal(md5Fingerprint(blob), keygen('md5'));
});

test('pinned fingerprints are accepted with or without prefix and padding', () => {
  const fp = sha256Fingerprint(blob);
  const bare = fp.slice(7);
  for (const form of [fp, bare, `${bare}=`, ` sha256:${bare}= `]) assert.equal(normalizeSha256Fingerprint(form), fp, form);
  assert.equal(normalizeSha256Fingerprint('MD5:aa:bb'), null);
  assert.equal(normalizeSha256Fingerprint('SHA256:short'), null);
});

test('decision: pin match continues, mismatch throws without asking, unknown asks', async () => {
  const key = describeHostKey('rivm', blob, 'ssh-ed25519');
  assert.equal(key.keyAlgorithm, 'ssh-ed25519');
  const never = async () => assert.fail('must not ask');
  assert.equal(await decideHostKey(key, [key.sha256.slice(7) + '='], never), 'pinned');
  await assert.rejects(decideHostKey(key, ['SHA256:' + 'B'.repeat(43)], never), HostKeyChangedError);
  assert.equal(await decideHostKey(key, [], async (k) => (assert.equal(k.sha256, key.sha256), 'trust-always')), 'trust-always');
  assert.equal(await decideHostKey(key, [], async () => 'trust-once'), 'trust-once');
  await assert.rejects(decideHostKey(key, [], async () => 'reject'), HostKeyRejectedError);
  await assert.rejects(decideHostKey(key, [], undefined), HostKeyRejectedError);
});
