// The interop suite against Dropbear with OpenSSH's sftp-server. Dropbear offers server-sig-algs
// rsa-sha2-256,ssh-rsa: an RSA key signs with rsa-sha2-256 there (issue 9.2).
import { startDropbear } from '../support/servers/dropbear.ts';
import { interopSuite } from '../support/servers/interop-suite.ts';
import { serverSet } from '../support/servers/server-set.ts';

const set = serverSet({ dropbear: (keys) => startDropbear({ authorizedKeys: keys.authorizedKeys }) });

interopSuite({
  title: 'Dropbear + OpenSSH sftp-server',
  set, server: 'dropbear',
  folder: '',
  logins: {
    rsa: true,
    ed25519: true,
    password: true,
  },
  transferLogin: 'ed25519',
});
