// The interop suite against `rclone serve sftp` over a local folder. rclone cannot write at an
// offset ("Illegal seek"): after a cut the file must be sent again from 0, and the log and the
// receipt say so (issue 9.5).
import { startRclone } from '../support/servers/rclone.ts';
import { interopSuite } from '../support/servers/interop-suite.ts';
import { serverSet } from '../support/servers/server-set.ts';

const set = serverSet({ rclone: (keys) => startRclone({ authorizedKeys: keys.authorizedKeys }) });

interopSuite({
  title: 'rclone serve sftp',
  set, server: 'rclone',
  folder: '',
  logins: { rsa: true, ed25519: true, password: true },
  transferLogin: 'rsa',
  resume: 'restarts',
});
