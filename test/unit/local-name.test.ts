// safeLocalName: whatever a server calls a file, the local name is one file inside the target
// folder on Windows and on POSIX (checked with path.win32 and path.posix), and not a device name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posix, win32 } from 'node:path';
import { safeLocalName } from '../../core/sftp/local-name.ts';

const HOSTILE = [
  '..\\..\\Users\\Public\\Desktop\\evil.lnk', '../../etc/passwd', '/etc/passwd', 'C:\\Windows\\win.ini', 'C:evil.bat',
  '\\\\server\\share\\x.exe', '..', '.', '', '...', 'CON', 'con.txt', 'LPT1', 'aux.tar.gz', 'NUL.', 'x.lnk.', 'name ',
  'a<b>c:d"e|f?g*h', 'esc\x1b[2J.csv', 'cr\rlf\n.txt', 'rtl\u202egnp.exe', 'é'.repeat(300), 'dir/',
];

test('every hostile name stays one file inside the target folder, on Windows and POSIX', () => {
  for (const remote of HOSTILE) {
    const name = safeLocalName(remote);
    assert.ok(name.length > 0, JSON.stringify(remote));
    for (const path of [win32, posix]) {
      const target = path === win32 ? 'C:\\Users\\alice\\Downloads' : '/home/alice/downloads';
      const joined = path.join(target, name);
      assert.equal(path.dirname(joined), target, `${JSON.stringify(remote)} -> ${JSON.stringify(name)} leaves the folder (${path === win32 ? 'win32' : 'posix'})`);
      assert.equal(path.basename(joined), name);
    }
    assert.doesNotMatch(name, /[<>:"|?*\\/\u0000-\u001f\u202e]/, JSON.stringify(name)); // eslint-disable-line no-control-regex
    assert.doesNotMatch(name, /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    assert.doesNotMatch(name, /[. ]$/);
    assert.ok(new TextEncoder().encode(name).byteLength <= 255);
  }
});

test('ordinary names are kept as they are', () => {
  for (const name of ['gegevens.dat', 'Aanlevering 2024 – été.csv', 'rapport (2).csv', '.hidden', 'x.dat.hash']) assert.equal(safeLocalName(name), name);
  assert.equal(safeLocalName('incoming/sub/gegevens.dat'), 'gegevens.dat');
  assert.equal(safeLocalName('..\\..\\Users\\Public\\Desktop\\evil.lnk'), 'evil.lnk');
  assert.equal(safeLocalName('CON.txt'), '_CON.txt');
});
