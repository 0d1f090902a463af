// Profile user-name patterns run by our own linear-time matcher, never by RegExp (issue 13.4):
// the subset agrees with RegExp where both run, and what is outside it is refused at import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileUsernamePattern, matchesUsernamePattern, UsernamePatternError } from '../../core/delivery/username-pattern.ts';
import { importProfiles } from '../../core/delivery/profile.ts';

const SAFE = ['^[ZzPp][0-9]+$', '^[ZP]\\d{5,6}$', '^(Z|P)-?[0-9]{4}$', 'rivm_[a-z]+', '^[^@\\s]+@[a-z.]+$', '^a.c$', '^(?:ab|cd)?x$', '^$', 'ksz\\.[0-9]{2,}', '^[A-Za-z0-9_-]{3,32}$', '^x|y$'];
const NAMES = ['', 'Z12345', 'z1', 'P123456', 'Z-1234', 'P1234', 'X12345', 'Z', 'rivm_lab', 'rivm_', 'a@b.be', 'abc', 'aXc', 'abx', 'x', 'cdx', 'ksz.01', 'ksz.1', 'user_name-1', 'y', 'Z12345 ', 'é1', 'Z1\n'];

test('agrees with RegExp (whole-name match) on the subset', () => {
  for (const source of SAFE) {
    const ours = compileUsernamePattern(source);
    const native = new RegExp(`^(?:${source.replace(/^\^/, '').replace(/\$$/, '')})$`);
    for (const name of NAMES) assert.equal(ours.test(name), native.test(name), `${source} on ${JSON.stringify(name)}`);
  }
});

test('outside the subset or catastrophic for a backtracking matcher: refused with a reason', () => {
  for (const [source, reason] of [
    ['^(a+)+$', 'too-complex'], ['(a*)*b', 'too-complex'], ['(\\w+\\s?)*$', 'too-complex'],
    ['(a)\\1', 'unsupported'], ['(?=a)a', 'unsupported'], ['a+?', 'unsupported'], ['a{1,1000}', 'too-complex'], ['[a-', 'malformed'], ['(ab', 'malformed'], ['x'.repeat(300), 'too-long'],
  ] as const) {
    const err = (() => {
      try {
        compileUsernamePattern(source);
        return null;
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof UsernamePatternError, `${source} accepted`);
    assert.equal(err.reason, reason, source);
  }
});

test('a long hostile name against a repeated alternation is answered at once', () => {
  // (a|aa)+ is accepted (no repeat inside the repeat) and still linear here; RegExp needs ages on it.
  assert.equal(matchesUsernamePattern('^(a|aa)+$', `${'a'.repeat(200)}!`), false);
  assert.equal(matchesUsernamePattern('^(a|aa)+$', 'a'.repeat(200)), true);
  assert.equal(matchesUsernamePattern('^[ZzPp][0-9]+$', 'Z'.repeat(10_000)), false, 'over the length cap never matches');
});

test('a profile file with a hostile pattern is refused at import, the problem named', () => {
  const file = JSON.stringify({ format: 'sftp-courier-profiles', version: 1, profiles: [{
    id: 'bad', label: 'Bad', targetId: 't', authMethods: ['password'], hostKeyFingerprints: [], uploadFolder: '', help: {},
    username: { example: 'aaa', pattern: '^(a+)+$' },
  }] });
  assert.throws(() => importProfiles(file), (e: unknown) => {
    const issues = (e as { issues?: unknown[] }).issues;
    assert.deepEqual(issues, [{ kind: 'username-pattern', profile: 0, label: 'Bad', reason: 'too-complex', position: 6 }]);
    return true;
  });
});

test('the Keys screen checks the id against an imported profile\'s pattern too, with the same matcher', async () => {
  const { checkIdent } = await import('../../web/src/services/key-names.ts');
  const imported = { id: 'x', label: 'X', targetId: 't', authMethods: ['publickey' as const], hostKeyFingerprints: [], uploadFolder: '', sidecar: { required: true, style: 'hex' as const }, tempRename: true, help: {}, username: { example: 'LAB-12', pattern: '^LAB-[0-9]{2}$' } };
  assert.equal(checkIdent(imported, 'LAB-12'), 'ok');
  assert.equal(checkIdent(imported, 'LAB-123'), 'invalid');
  assert.equal(checkIdent(undefined, 'anything'), 'ok');
});
