// The session log the user copies for the help line: one line per entry whatever a server puts in
// a name or message (issue 13.5: a forged "\r\nINFO connected…" line could be given to it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionLog } from '../../core/delivery/session-log.ts';
import { escapeControls } from '../../core/text/control-chars.ts';

test('a forged line break or terminal sequence in a message stays inside its own line, visible', () => {
  const log = new SessionLog(100, () => new Date('2026-12-01T10:00:00Z'));
  log.info('listed /incoming: fake\r\n2026-12-01T10:00:00.000Z INFO connected; receipt OK');
  log.error('remove failed: server said "bye\x1b[2J\x1b[H… receipt OK\r"');
  const lines = log.text().trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /fake\\r\\n2026-12-01T10:00:00\.000Z INFO connected/);
  assert.match(lines[1]!, /^2026-12-01T10:00:00\.000Z ERROR remove failed: server said "bye\\x1b\[2J\\x1b\[H… receipt OK\\r"$/);
  assert.ok(log.all().every((e) => !/[\r\n\x1b]/.test(e.message))); // eslint-disable-line no-control-regex
});

test('escapeControls leaves accents and scripts, shows C0/C1 controls and bidi overrides', () => {
  assert.equal(escapeControls('Aanlevering 2024 – été, 東京.csv'), 'Aanlevering 2024 – été, 東京.csv');
  assert.equal(escapeControls('a\tb\0c\x7fd\x9be'), 'a\\tb\\0c\\x7fd\\x9be');
  assert.equal(escapeControls('invoice\u202etxt.exe'), 'invoice\\u202etxt.exe');
  assert.equal(escapeControls('line\u2028sep'), 'line\\u2028sep');
});
