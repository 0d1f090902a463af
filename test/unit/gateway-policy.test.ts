// The gateway's pure rules: which addresses the relay may reach, how the config is validated,
// the connection token bucket, whose address X-Forwarded-For may name, and which public key
// files the demo server reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forbiddenReason, parseIp } from '../../gateway/address-policy.ts';
import { clientAddress } from '../../gateway/client-address.ts';
import { GATEWAY_CLOSE, describeGatewayClose } from '../../gateway/close-codes.ts';
import { parseConfig } from '../../gateway/config.ts';
import { ConnectionAdmission } from '../../gateway/connection-admission.ts';
import { parsePublicKeys } from '../../gateway/demo/authorized-keys.ts';

test('address policy: loopback, private, CGNAT, link-local, metadata, ULA, multicast and their IPv6 disguises are refused', () => {
  const refused = [
    '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '100.127.255.254',
    '169.254.169.254', '169.254.1.1', '0.0.0.0', '224.0.0.1', '239.1.1.1', '255.255.255.255', '192.0.0.192',
    '::', '::1', 'fe80::1', 'fe80::1%eth0', 'fd00:ec2::254', 'fc00::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.1.2.3', '::ffff:169.254.169.254', '::127.0.0.1',
    '64:ff9b::10.0.0.1', '2002:c0a8:0101::1', '2001:0:4136:e378::1',
  ];
  for (const a of refused) assert.ok(forbiddenReason(a), `${a} should be refused`);
  const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2a00:1450:4001:80b::200e', '2606:4700::6810:84e5', '::ffff:93.184.216.34', '64:ff9b::808:808'];
  for (const a of allowed) assert.equal(forbiddenReason(a), null, `${a} should be allowed`);
  assert.equal(forbiddenReason('not-an-ip'), 'not an IP address');
});

test('address policy: IPv6 parsing', () => {
  const hex = (a: string) => Buffer.from(parseIp(a) ?? []).toString('hex');
  assert.equal(hex('::1'), '00000000000000000000000000000001');
  assert.equal(hex('1::8'), '00010000000000000000000000000008');
  assert.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
  assert.equal(hex('::ffff:10.0.0.1'), '00000000000000000000ffff0a000001');
  assert.equal(hex('fd00:ec2::254'), 'fd000ec2000000000000000000000254');
  assert.equal(parseIp('1:2:3'), null);
});

test('config: defaults, targets and strict validation', () => {
  const c = parseConfig({ targets: { rivm: { host: 'sftp.example.org', port: 22, label: 'RIVM', hostKeyFingerprints: ['SHA256:UGiP5BX/nPVqi3N66jqn/dxJUAT6+0vYa9YBgJatCJg'] } } });
  assert.deepEqual(c.targets.rivm, { host: 'sftp.example.org', port: 22, label: 'RIVM', hostKeyFingerprints: ['SHA256:UGiP5BX/nPVqi3N66jqn/dxJUAT6+0vYa9YBgJatCJg'], local: false });
  assert.equal(c.trustProxy, false);
  assert.equal(c.limits.maxMessageBytes, 1024 * 1024);
  const bad: unknown[] = [
    [],
    { targets: { 'a b': { host: 'x', port: 22 } } },
    { targets: { a: { host: 'x', port: 70000 } } },
    { targets: { a: { host: 'x', port: 22, hostKeyFingerprints: ['MD5:aa'] } } },
    { targets: { a: { host: 'x', port: 22, local: 'yes' } } },
    { allowedOrigins: ['https://x.example/path'] },
    { limits: { maxConnections: -1 } },
    { limits: { nope: 1 } },
    { trustProxy: 'yes' },
    { tagrets: {} },
  ];
  for (const b of bad) assert.throws(() => parseConfig(b), /gateway config/, JSON.stringify(b));
});

test('admission: token bucket per address refills over time; live counts per address and in total', () => {
  let now = 0;
  const a = new ConnectionAdmission({ connectBurst: 2, connectsPerMinute: 60, maxConnections: 3, maxConnectionsPerAddress: 2 }, () => now);
  assert.equal(a.takeToken('x'), true);
  assert.equal(a.takeToken('x'), true);
  assert.equal(a.takeToken('x'), false);
  assert.equal(a.takeToken('y'), true, 'another address has its own bucket');
  now += 1000; // one token per second
  assert.equal(a.takeToken('x'), true);
  assert.equal(a.takeToken('x'), false);
  assert.equal(a.enter('x'), null);
  assert.equal(a.enter('x'), null);
  assert.equal(a.enter('x'), 'tooManyFromAddress');
  assert.equal(a.enter('y'), null);
  assert.equal(a.enter('z'), 'gatewayBusy');
  a.leave('x');
  assert.equal(a.enter('z'), null);
  a.close();
});

test('client address: X-Forwarded-For only with trustProxy, and only the hops our proxies added', () => {
  const req = (xff?: string) => ({ socket: { remoteAddress: '::ffff:192.0.2.10' }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;
  assert.equal(clientAddress(req('198.51.100.7'), false), '192.0.2.10');
  assert.equal(clientAddress(req('6.6.6.6, 198.51.100.7'), true), '198.51.100.7', 'the forged left entry is ignored');
  assert.equal(clientAddress(req('6.6.6.6, 198.51.100.7, 10.0.0.2'), 2), '198.51.100.7');
  assert.equal(clientAddress(req(), true), '192.0.2.10');
});

test('close codes: unique codes and reasons, 4xxx for ours, reasons within the 123-byte limit', () => {
  const all = Object.values(GATEWAY_CLOSE);
  assert.equal(new Set(all.map((c) => c.code)).size, all.length);
  assert.equal(new Set(all.map((c) => c.reason)).size, all.length);
  for (const c of all) {
    assert.ok(c.code === 1000 || c.code === 1001 || c.code === 1008 || c.code === 1009 || c.code === 1011 || (c.code >= 4000 && c.code <= 4999), c.reason);
    assert.match(c.reason, /^[a-z-]{1,40}$/);
  }
  assert.equal(describeGatewayClose(4404, 'unknown-target'), GATEWAY_CLOSE.unknownTarget);
  assert.equal(describeGatewayClose(1009, ''), GATEWAY_CLOSE.messageTooBig);
});

test('demo authorized keys: PuTTYgen .asc (LF and CRLF), OpenSSH lines with options, several per file; private keys refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-keys-'));
  const ppk = join(dir, 'k.ppk');
  execFileSync('puttygen', ['-t', 'rsa', '-b', '2048', '-o', ppk, '--new-passphrase', '/dev/null', '-q']);
  execFileSync('puttygen', [ppk, '-O', 'public', '-o', join(dir, 'publicKey_X.asc')]);
  execFileSync('puttygen', [ppk, '-O', 'public-openssh', '-o', join(dir, 'k.pub')]);
  const asc = readFileSync(join(dir, 'publicKey_X.asc'), 'utf8');
  const line = readFileSync(join(dir, 'k.pub'), 'utf8').trim();
  assert.match(asc, /^---- BEGIN SSH2 PUBLIC KEY ----/);
  const one = parsePublicKeys(asc);
  assert.deepEqual([one.keys.length, one.errors], [1, []]);
  assert.equal(parsePublicKeys(asc.replace(/\r?\n/g, '\r\n')).keys.length, 1, 'CRLF as saved on Windows');
  const both = parsePublicKeys(`${asc}\n# comment\nfrom="10.0.0.1" ${line}\n`);
  assert.equal(both.keys.length, 2);
  assert.ok(both.keys[0]?.getPublicSSH().equals(both.keys[1]?.getPublicSSH() ?? Buffer.alloc(0)), 'the same key both ways');
  assert.match(parsePublicKeys(readFileSync(ppk, 'utf8')).errors[0] ?? '', /private key/);
  assert.equal(parsePublicKeys('ssh-ed25519 AAAAnotbase64key').keys.length, 0);
});
