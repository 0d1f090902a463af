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
