// What npm cannot install: Debian packages the tests drive as real peers and validators.
// Installed with apt-get when we run as root; otherwise we stop and name the package.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Each entry: a Debian package and the files that prove it is installed. */
export const SYSTEM_PACKAGES = [
  { pkg: 'chromium', files: ['/usr/bin/chromium'], why: 'end-to-end tests in a real browser' },
  { pkg: 'openssh-server', files: ['/usr/sbin/sshd'], why: 'integration tests against a real OpenSSH sshd' },
  { pkg: 'openssh-client', files: ['/usr/bin/ssh-keygen', '/usr/bin/sftp', '/usr/bin/ssh'], why: 'ssh-keygen and sftp as validators and references' },
  { pkg: 'putty-tools', files: ['/usr/bin/puttygen'], why: 'puttygen validates our .ppk files' },
  { pkg: 'openssl', files: ['/usr/bin/openssl'], why: 'openssl makes the PEM/PKCS#8 keys the key reader must import' },
  { pkg: 'proftpd-core', files: ['/usr/sbin/proftpd'], why: 'interop tests against ProFTPD' },
  { pkg: 'proftpd-mod-crypto', files: ['/usr/lib/proftpd/mod_sftp.so'], why: 'ProFTPD mod_sftp (the SFTP module of the interop tests)' },
  { pkg: 'dropbear-bin', files: ['/usr/sbin/dropbear'], why: 'interop tests against Dropbear' },
  { pkg: 'tinysshd', files: ['/usr/sbin/tinysshd'], why: 'interop tests against tinysshd (chacha20-poly1305 only)' },
  { pkg: 'python3-asyncssh', files: ['/usr/lib/python3/dist-packages/asyncssh/__init__.py'], why: 'interop tests against an asyncssh SFTP server' },
  { pkg: 'rclone', files: ['/usr/bin/rclone'], why: 'interop tests against rclone serve sftp' },
  { pkg: 'firefox-esr', files: ['/usr/bin/firefox-esr'], why: 'end-to-end tests in Firefox (WebDriver BiDi)' },
  { pkg: 'nginx', files: ['/usr/sbin/nginx'], why: 'the gateway behind an nginx reverse proxy with sign-in' },
];

export function missingPackages() {
  return SYSTEM_PACKAGES.filter((p) => !p.files.every((f) => existsSync(f)));
}

export function ensureSystemPackages() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Missing Debian packages: ${names.join(', ')}.`);
    for (const p of missing) console.error(`  ${p.pkg}: needed for ${p.why}`);
    console.error(`Install them as root: apt-get install -y ${names.join(' ')}`);
    process.exit(2);
  }
  console.log(`Installing Debian packages: ${names.join(', ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env });
  if (r.status !== 0 || missingPackages().length > 0) {
    console.error(`apt-get could not install: ${missingPackages().map((p) => p.pkg).join(', ')}`);
    process.exit(2);
  }
}
