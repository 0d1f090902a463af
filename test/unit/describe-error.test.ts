// Errors from the session worker become messages in the user's language, with their details.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../web/src/i18n/describe-error.ts';
import { setLanguage } from '../../web/src/i18n/index.ts';

test('by gateway reason, by code, with details filled in, and a fallback', () => {
  setLanguage('en');
  assert.match(describeError({ code: 'gateway-refused', message: 'x', details: { reason: 'unknown-target', target: 'rivm-cims' } }), /does not know the server “rivm-cims”/);
  assert.match(describeError({ code: 'connection-lost', message: 'x', details: { reason: 'target-lost', closeCode: 4505 } }), /connection to the server broke/);
  assert.match(describeError({ code: 'connection-refused', message: 'x', details: { closeCode: 1006, reason: '' } }), /gateway cannot be reached/);
  const cipher = describeError({ code: 'no-common-cipher', message: 'x', details: { server: ['aes128-cbc'], client: ['aes256-gcm@openssh.com', 'aes128-ctr'] } });
  assert.equal(cipher, 'No common cipher: the server offers aes128-cbc; we offer aes256-gcm@openssh.com, aes128-ctr. Tell your IT department.');
  assert.match(describeError({ code: 'failure', message: 'x', details: { serverMessage: 'quota exceeded' } }), /failure: “quota exceeded”/);
  assert.equal(describeError({ code: 'something-new', message: 'boom' }), 'Something went wrong: boom');
  setLanguage('nl');
  assert.match(describeError({ code: 'key-refused', message: 'x' }), /^De server weigerde deze sleutel/);
  setLanguage('fr');
  assert.match(describeError({ code: 'host-key-changed', message: 'x', details: { fingerprint: 'SHA256:new', pinned: ['SHA256:old'] } }), /présente SHA256:new, alors que SHA256:old/);
  setLanguage('en');
});
