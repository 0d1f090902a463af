import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asksForNewPassword } from '../../web/src/workers/password-expiry.ts';

test('a request for a new password is recognised; an ordinary password prompt is not', () => {
  assert.equal(asksForNewPassword('', [{ prompt: 'Password: ' }]), false);
  assert.equal(asksForNewPassword('', [{ prompt: '(current) UNIX password: ' }]), false);
  assert.equal(asksForNewPassword('You are required to change your password immediately (password expired)', [{ prompt: 'Current password: ' }]), true);
  assert.equal(asksForNewPassword('', [{ prompt: 'New password: ' }, { prompt: 'Retype new password: ' }]), true);
  assert.equal(asksForNewPassword('Uw wachtwoord is verlopen', []), true);
  assert.equal(asksForNewPassword('', [{ prompt: 'Nouveau mot de passe : ' }]), true);
});
