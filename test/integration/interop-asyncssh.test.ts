// The interop suite (test/support/servers/interop-suite.ts) against python3-asyncssh's SFTP server:
// RSA, Ed25519 and password logins all offered.
import { startAsyncssh } from '../support/servers/asyncssh.ts';
import { interopSuite } from '../support/servers/interop-suite.ts';
import { serverSet } from '../support/servers/server-set.ts';

const set = serverSet({ asyncssh: (keys) => startAsyncssh({ authorizedKeys: keys.authorizedKeys }) });

interopSuite({
  title: 'asyncssh SFTP server',
  set, server: 'asyncssh',
  folder: '',
  logins: { rsa: true, ed25519: true, password: true },
  transferLogin: 'rsa',
});
