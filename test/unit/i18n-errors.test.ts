// Errors become messages in the user's language from their code and details only: gateway
// reasons, facts (fingerprints, digests), technical details apart, never core's English in the
// sentence; profile-file problems one per line with the field named in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importProfiles, ProfileFileError } from '../../core/delivery/profile.ts';
import { describeError, errorView } from '../../web/src/i18n/describe-error.ts';
import { setLanguage } from '../../web/src/i18n/index.ts';
import { profileFileProblems } from '../../web/src/i18n/profile-problems.ts';

test('by gateway reason, by code, with facts and technical details, and a fallback', () => {
  setLanguage('en');
  assert.match(describeError({ code: 'gateway-refused', message: 'x', details: { reason: 'unknown-target', target: 'rivm-cims' } }), /does not know the server “rivm-cims”/);
  assert.match(describeError({ code: 'connection-lost', message: 'x', details: { reason: 'target-lost', closeCode: 4505 } }), /connection to the server broke/);
  assert.match(describeError({ code: 'connection-refused', message: 'x', details: { closeCode: 1006, reason: '' } }), /gateway cannot be reached/);
  const cipher = errorView({ code: 'no-common-cipher', message: 'no common cipher: …', details: { server: ['aes128-cbc'], client: ['aes256-gcm@openssh.com', 'aes128-ctr'] } });
  assert.equal(cipher.text, 'This server and SFTP Courier have no encryption method in common. Tell your IT department, with the technical details below.');
  assert.deepEqual(cipher.technical, [{ text: 'server: aes128-cbc · SFTP Courier: aes256-gcm@openssh.com, aes128-ctr' }]);
  const failure = errorView({ code: 'failure', message: 'The server reported a failure. Server said: "quota exceeded".', details: { serverMessage: 'quota exceeded' } });
  assert.equal(failure.text, 'The server reported a failure.');
  assert.deepEqual(failure.technical, [{ text: 'the server said: “quota exceeded”' }]);
  const unknown = errorView({ code: 'something-new', message: 'boom' });
  assert.match(unknown.text, /^Something unexpected went wrong/);
  assert.deepEqual(unknown.technical, [{ text: 'boom', english: true }]);
  setLanguage('nl');
  assert.match(describeError({ code: 'key-refused', message: 'x' }), /^De server weigerde deze sleutel/);
  setLanguage('fr');
  const changed = errorView({ code: 'host-key-changed', message: 'the host key of demo has CHANGED', details: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new', pinned: ['SHA256:old'] } });
  assert.match(changed.text, /^STOP : l’identité du serveur a changé/);
  assert.deepEqual(changed.facts, [{ label: 'Le serveur présente', value: 'ssh-ed25519 SHA256:new' }, { label: 'Attendu', value: 'SHA256:old' }]);
  assert.match(describeError({ code: 'host-key-changed', message: 'x', details: { fingerprint: 'SHA256:new', pinned: ['SHA256:old'] } }), /Le serveur présente : SHA256:new\. Attendu : SHA256:old\./);
  setLanguage('en');
});

test('the English log message never enters the sentence of a known code (the receipt’s “….hash says …”)', () => {
  for (const lang of ['nl', 'fr'] as const) {
    setLanguage(lang);
    const v = errorView({ code: 'local-sidecar-mismatch', message: "controle.txt.hash says 5607 but the file's SHA-1 is 1211: nothing was sent.", details: { file: 'controle.txt', expected: '5607', actual: '1211' } });
    assert.doesNotMatch(v.text, /says|nothing was sent/);
    assert.deepEqual(v.facts.map((f) => f.value), ['5607', '1211']);
    assert.deepEqual(v.technical, []);
  }
  setLanguage('en');
});

test('profile-file problems: one per line, the profile by number and name, the field in words', () => {
  const bad = JSON.stringify({
    format: 'sftp-courier-profiles', version: 1,
    profiles: [{ id: 'rivm', label: 'RIVM', targetId: '', authMethods: ['publickey'] }, { id: 'Bad Id', label: '', targetId: 'x', authMethods: ['telnet'] }],
  });
  let err: unknown;
  try {
    importProfiles(bad);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ProfileFileError);
  assert.equal(err.issues.length, err.problems.length);
  setLanguage('nl');
  assert.deepEqual(profileFileProblems(err), [
    'Profiel 1 („RIVM”): geen waarde voor het doel op de gateway.',
    'Profiel 2: ongeldige waarde voor de id — verwacht: alleen kleine letters, cijfers en streepjes.',
    'Profiel 2: geen waarde voor de naam.',
    'Profiel 2: ongeldige waarde voor de aanmeldmethoden — verwacht: een lijst met „publickey”, „password”, „keyboard-interactive”.',
  ]);
  setLanguage('fr');
  assert.deepEqual(profileFileProblems(new ProfileFileError(['not a JSON file'], [{ kind: 'not-json' }])), ['Le fichier n’est pas un fichier JSON.']);
  try {
    importProfiles('{"format":"sftp-courier-profiles","version":9,"profiles":[]}');
  } catch (e) {
    assert.deepEqual(profileFileProblems(e), ['Ce fichier de profils est en version 9, que cette version de SFTP Courier ne sait pas lire.']);
  }
  setLanguage('en');
});
