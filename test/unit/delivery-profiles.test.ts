// Profiles: the built-ins follow servers.md; a profile file round-trips; bad files are refused
// with every problem named; key requirements; the session log hides secrets; receipts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILTIN_PROFILES, checkKeyAgainstProfile, exportProfiles, importProfiles, ProfileFileError, validateProfile,
  SessionLog, newReceipt, receiptText, receiptSummary, fillTemplate,
} from '../../core/delivery/index.ts';

test('built-in profiles carry the servers’ rules', () => {
  const byId = Object.fromEntries(BUILTIN_PROFILES.map((p) => [p.id, p]));
  assert.deepEqual(Object.keys(byId).sort(), ['demo', 'kankerregister', 'ksz-bcss', 'rivm-cims', 'vikz']);
  assert.equal(byId.vikz!.key?.rsaBits, 4096);
  assert.deepEqual(byId.vikz!.authMethods, ['publickey']);
  assert.equal(fillTemplate(byId.vikz!.mail!.subject, 'Z12345'), 'VIKZ Z12345');
  assert.equal(fillTemplate(byId.vikz!.mail!.attachmentName, 'Z12345'), 'publicKey_Z12345.asc');
  assert.equal(byId['rivm-cims']!.uploadFolder, 'incoming');
  assert.deepEqual(byId['rivm-cims']!.ciphers, ['aes128-ctr', 'aes192-ctr', 'aes256-ctr']);
  assert.equal(byId.kankerregister!.passwordMaxAgeDays, 14);
  for (const p of BUILTIN_PROFILES) assert.deepEqual(validateProfile(p).problems, [], p.id);
});

test('a profile file round-trips and drops the built-in flag', () => {
  const text = exportProfiles([...BUILTIN_PROFILES]);
  const back = importProfiles(text);
  assert.equal(back.length, BUILTIN_PROFILES.length);
  assert.ok(back.every((p) => p.builtIn === undefined));
  assert.deepEqual(back.map((p) => p.id), BUILTIN_PROFILES.map((p) => p.id));
});

test('bad profile files are refused, naming each problem', () => {
  assert.throws(() => importProfiles('{'), (e: unknown) => e instanceof ProfileFileError && e.problems[0] === 'not a JSON file');
  assert.throws(() => importProfiles('{"format":"other"}'), /not an SFTP Courier profile file/);
  assert.throws(() => importProfiles('{"format":"sftp-courier-profiles","version":9,"profiles":[]}'), /version 9 is not supported/);
  const bad = JSON.stringify({
    format: 'sftp-courier-profiles', version: 1,
    profiles: [{ id: 'Bad Id', label: '', targetId: 'x', authMethods: ['telnet'], hostKeyFingerprints: ['MD5:aa'], uploadFolder: '../etc' }],
  });
  try {
    importProfiles(bad);
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ProfileFileError);
    const joined = e.problems.join('\n');
    for (const field of ['id', 'label', 'authMethods', 'hostKeyFingerprints', 'uploadFolder']) assert.match(joined, new RegExp(`profiles\\[0\\]\\.${field}`));
  }
});

test('key requirements: VIKZ wants RSA 4096, RIVM at least 2048', () => {
  const vikz = BUILTIN_PROFILES.find((p) => p.id === 'vikz')!;
  assert.deepEqual(checkKeyAgainstProfile(vikz, { type: 'rsa', bits: 4096 }), { ok: true });
  assert.equal(checkKeyAgainstProfile(vikz, { type: 'rsa', bits: 2048 }).ok, false);
  assert.equal((checkKeyAgainstProfile(vikz, { type: 'ed25519', bits: 256 }) as { reason: string }).reason, 'type');
  const rivm = BUILTIN_PROFILES.find((p) => p.id === 'rivm-cims')!;
  assert.deepEqual(checkKeyAgainstProfile(rivm, { type: 'rsa', bits: 2048 }), { ok: true });
  assert.equal(checkKeyAgainstProfile(rivm, { type: 'rsa', bits: 1024 }).ok, false);
});

test('the session log masks secrets and renders text', () => {
  const log = new SessionLog(3, () => new Date('2026-01-02T03:04:05Z'));
  log.info('connecting to demo');
  log.warn('password=hunter2 was typed');
  log.error('-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----');
  log.info('fourth');
  const text = log.text();
  assert.ok(!text.includes('hunter2'));
  assert.ok(!text.includes('abc'));
  assert.equal(log.all().length, 3);
  assert.match(text, /2026-01-02T03:04:05.000Z WARN {2}password: \[hidden\]/);
});

test('receipt summary and text', () => {
  const r = newReceipt({ id: 'r1', profileId: 'demo', label: 'Demo', targetId: 'demo', hostKeyFingerprint: 'SHA256:x', user: 'demo', now: new Date(0) });
  r.files.push({ name: 'a.dat', size: 10, sha1: 'ab', remotePath: 'incoming/a.dat', sidecarPath: 'incoming/a.dat.hash', status: 'delivered', startedAt: 't' });
  r.files.push({ name: 'b.dat', size: 5, sha1: '', remotePath: 'incoming/b.dat', status: 'failed', startedAt: 't', error: 'cut' });
  assert.deepEqual(receiptSummary(r), { delivered: 1, failed: 1, skipped: 0, cancelled: 0, pending: 0, bytes: 10 });
  assert.match(receiptText(r), /DELIVERED incoming\/a\.dat/);
  assert.match(receiptText(r), /error: cut/);
});
