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
import { forbiddenReason } from '../../gateway/address-policy.ts';
import { clientNetwork, isLoopback, parseCidr, parseIp } from '../../gateway/ip-address.ts';
import { AddressList } from '../../gateway/address-list.ts';
import { LoginBrakes } from '../../gateway/login-brakes.ts';
import { RefusalLog } from '../../gateway/refusal-log.ts';
import type { GatewayEvent } from '../../gateway/event-log.ts';
import { CATALOGUES } from '../../web/src/i18n/catalogue/index.ts';
import { clientAddress, proxyIdentity } from '../../gateway/client-address.ts';
import { GATEWAY_CLOSE, describeGatewayClose } from '../../gateway/close-codes.ts';
import { DEFAULT_LOGIN_BRAKES, parseConfig } from '../../gateway/config.ts';
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
  const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2a00:1450:4001:80b::200e', '2606:4700::6810:84e5', '64:ff9b::808:808', '2002:5db8:d822::1', '192.88.100.1', '2001:200::1'];
  for (const a of allowed) assert.equal(forbiddenReason(a), null, `${a} should be allowed`);
  assert.equal(forbiddenReason('not-an-ip'), 'not an IP address');
});

test('address policy: the special-purpose ranges (IANA registries), IPv4-mapped checked after unmapping', () => {
  const cases: [string, RegExp][] = [
    ['::ffff:93.184.216.34', /IPv4-mapped/], // mapped: refused whatever it carries...
    ['::ffff:127.0.0.1', /^loopback \(IPv4-mapped\)/], // ...and named by what is inside
    ['::ffff:192.88.99.1', /6to4 relay.*IPv4-mapped/],
    ['0:0:0:0:0:ffff:5db8:d822', /IPv4-mapped/],
    ['::ffff:0:7f00:1', /IPv4-translated/],
    ['::8.8.8.8', /IPv4-compatible/],
    ['192.88.99.1', /6to4 relay/],
    ['192.31.196.1', /AS112/],
    ['192.52.193.9', /AMT/],
    ['192.175.48.6', /AS112/],
    ['192.0.0.9', /IETF/],
    ['2001:1::1', /IETF/],
    ['2001:2::5', /IETF/],
    ['2001:20::1', /IETF/],
    ['2620:4f:8000::1', /AS112/],
    ['3fff::1', /documentation/],
    ['5f00::1', /segment routing/],
    ['100:0:0:1::1', /dummy/],
    ['2002:c058:6301::1', /6to4 relay.*inside IPv6/],
  ];
  for (const [a, why] of cases) assert.match(forbiddenReason(a) ?? 'allowed', why, a);
});

test('ip addresses: CIDR ranges, allow-lists (IPv4-mapped clients match IPv4 ranges), client networks (IPv6 by /64), loopback', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { prefix: Uint8Array.from([10, 0, 0, 0]), bits: 8 });
  assert.equal(parseCidr('192.0.2.7')?.bits, 32);
  assert.equal(parseCidr('::1')?.bits, 128);
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0/8', 'example.org', '10.0.0.0/8/1', '10.0.0.0/-1', 'fe80::1%eth0/64', '']) assert.equal(parseCidr(bad), null, bad);
  const list = AddressList.parse(['10.20.0.0/16', '2001:db8:aa::/48', '192.0.2.7'], 'allowClients');
  for (const a of ['10.20.3.4', '::ffff:10.20.3.4', '2001:db8:aa:1::9', '192.0.2.7']) assert.ok(list.contains(a), a);
  for (const a of ['10.21.0.1', '192.0.2.8', '2001:db8:ab::1', 'unknown', '']) assert.equal(list.contains(a), false, a);
  assert.throws(() => AddressList.parse(['10.0.0.0/8', 'intranet'], 'allowClients'), /allowClients: "intranet" is not/);
  assert.equal(AddressList.parse([], 'x').contains('127.0.0.1'), false, 'an empty list allows nobody');
  assert.equal(clientNetwork('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientNetwork('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.notEqual(clientNetwork('2001:db8:1:3::1'), clientNetwork('2001:db8:1:2::1'));
  assert.equal(clientNetwork('::ffff:198.51.100.7'), '198.51.100.7');
  assert.equal(clientNetwork('198.51.100.7'), '198.51.100.7');
  for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopback(a), a);
  for (const a of ['192.0.2.1', '::2', '::', 'localhost']) assert.equal(isLoopback(a), false, a);
});

test('admission: an IPv6 /64 is one client for the rate limit and the live count', () => {
  const a = new ConnectionAdmission({ connectBurst: 2, connectsPerMinute: 1, maxConnections: 10, maxConnectionsPerAddress: 1 }, () => 0);
  assert.equal(a.takeToken('2001:db8:0:1::1'), true);
  assert.equal(a.takeToken('2001:db8:0:1::2'), true);
  assert.equal(a.takeToken('2001:db8:0:1:ffff::3'), false, 'another address of the same /64 shares the bucket');
  assert.equal(a.takeToken('2001:db8:0:2::1'), true, 'the next /64 has its own');
  assert.equal(a.enter('2001:db8:0:1::1'), null);
  assert.equal(a.enter('2001:db8:0:1::2'), 'tooManyFromAddress');
  a.close();
});

test('login brakes: quick relays past the free ones double the wait, per client network and per target; one log line per episode', () => {
  let now = 0;
  const events: GatewayEvent[] = [];
  const config = { ...DEFAULT_LOGIN_BRAKES, freePerClient: 2, freePerTarget: 100, backoffBaseMs: 1000, backoffMaxMs: 8000, windowMs: 60_000, newRelaysPerTargetPerMinute: 1000 };
  const b = new LoginBrakes(config, (e) => events.push(e), () => now);
  const failed = { opened: true, durationMs: 300, bytes: 3000, closedBy: 'target' as const };
  assert.equal(b.looksLikeFailedLogin(failed), true);
  assert.equal(b.looksLikeFailedLogin({ ...failed, durationMs: 60_000 }), false, 'a long session');
  assert.equal(b.looksLikeFailedLogin({ ...failed, bytes: 5_000_000 }), false, 'a delivery');
  assert.equal(b.looksLikeFailedLogin({ ...failed, opened: false }), false, 'never reached the server');
  assert.equal(b.looksLikeFailedLogin({ ...failed, closedBy: 'gateway' }), false, 'ended by the gateway');
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    // Wait until admitted, then fail again.
    let waited = 0;
    while (b.admit('2001:db8:5:6::1', 'rivm') !== null) {
      now += 100;
      waited += 100;
    }
    waits.push(waited);
    b.ended(`2001:db8:5:6::${i + 2}`, 'rivm', failed); // any address of the /64
  }
  assert.deepEqual(waits, [0, 0, 0, 1000, 2000, 4000]);
  assert.equal(b.admit('198.51.100.1', 'rivm'), null, 'another network is not braked');
  assert.equal(b.admit('2001:db8:5:6::9', 'rivm'), 'tooManyAttempts');
  assert.deepEqual(events.map((e) => e.event), ['login-brake-engaged']);
  // Quiet for a whole window (and the wait over): the episode ends with one summary line.
  now += 70_000;
  b.sweep();
  assert.deepEqual(events.map((e) => e.event), ['login-brake-engaged', 'login-brake-released']);
  assert.equal(events[1]?.client, '2001:db8:5:6::/64');
  assert.ok(Number(events[1]?.refused) > 30);
  assert.equal(b.admit('2001:db8:5:6::1', 'rivm'), null);
  b.close();
});

test('login brakes: the per-target brake and the per-target cap of new relays per minute', () => {
  let now = 0;
  const events: GatewayEvent[] = [];
  const b = new LoginBrakes({ ...DEFAULT_LOGIN_BRAKES, freePerClient: 100, freePerTarget: 3, backoffBaseMs: 1000, newRelaysPerTargetPerMinute: 6 }, (e) => events.push(e), () => now);
  const failed = { opened: true, durationMs: 300, bytes: 3000, closedBy: 'client' as const };
  for (let i = 0; i < 4; i++) b.ended(`198.51.100.${i}`, 'rivm', failed);
  assert.equal(b.admit('203.0.113.50', 'rivm'), 'targetRateLimited', 'four networks, one target: braked');
  assert.equal(b.admit('203.0.113.50', 'other'), null);
  now += 1000;
  for (let i = 0; i < 6; i++) assert.equal(b.admit('203.0.113.50', 'rivm'), null, `relay ${i}`);
  assert.equal(b.admit('203.0.113.51', 'rivm'), 'targetRateLimited', 'six new relays in a minute, then the cap');
  assert.equal(b.admit('203.0.113.52', 'rivm'), 'targetRateLimited');
  now += 10_000; // one more token
  assert.equal(b.admit('203.0.113.52', 'rivm'), null);
  assert.deepEqual(events.map((e) => [e.event, e.scope]), [['login-brake-engaged', 'target'], ['login-brake-engaged', 'target-rate']]);
  const off = new LoginBrakes({ ...DEFAULT_LOGIN_BRAKES, enabled: false }, () => undefined);
  for (let i = 0; i < 50; i++) off.ended('198.51.100.1', 'rivm', failed);
  assert.equal(off.admit('198.51.100.1', 'rivm'), null);
  b.close();
  off.close();
});

test('refusal log: the first of a kind per network in full (cut short), the rest counted into one summary line each', () => {
  const lines: GatewayEvent[] = [];
  const log = new RefusalLog((e) => lines.push(e), { maxDetailed: 3, maxSummaries: 2 });
  for (let i = 0; i < 1000; i++) log.refused({ event: 'relay-refused', client: '203.0.113.9', origin: 'x'.repeat(5000), reason: 'origin-not-allowed' });
  for (let i = 0; i < 10; i++) log.refused({ event: 'relay-refused', client: `2001:db8:1:1::${i}`, reason: 'client-not-allowed' });
  for (let n = 0; n < 5; n++) log.refused({ event: 'relay-refused', client: `198.51.100.${n}`, reason: 'rate-limited' });
  assert.equal(lines.length, 3, 'three full lines (the budget)');
  assert.ok(String(lines[0]?.origin).length < 150, 'long fields are cut');
  log.close();
  const summaries = lines.slice(3);
  assert.deepEqual(summaries.slice(0, 2).map((e) => [e.client, e.count]), [['203.0.113.9', 999], ['2001:db8:1:1::/64', 9]]);
  const total = (e: GatewayEvent | undefined) => Number(e?.count ?? 0);
  assert.equal(summaries.length, 3);
  assert.equal(total(summaries[2]), 4, 'the rest in one line');
  assert.equal(3 + summaries.reduce((n, e) => n + total(e), 0), 1015, 'every refusal counted');
});

test('client identity: the header only from a trusted proxy, only a sane value', () => {
  const proxies = AddressList.parse(['192.0.2.10/32'], 'trustedProxies');
  const req = (peer: string, value?: string | string[]) => ({ socket: { remoteAddress: peer }, headers: value === undefined ? {} : { 'x-courier-user': value } }) as unknown as IncomingMessage;
  assert.equal(proxyIdentity(req('::ffff:192.0.2.10', 'alice@hospital.example'), 'X-Courier-User', proxies), 'alice@hospital.example');
  assert.equal(proxyIdentity(req('192.0.2.11', 'alice@hospital.example'), 'X-Courier-User', proxies), undefined, 'not from the proxy');
  assert.equal(proxyIdentity(req('192.0.2.10'), 'X-Courier-User', proxies), undefined);
  assert.equal(proxyIdentity(req('192.0.2.10', '  '), 'X-Courier-User', proxies), undefined);
  assert.equal(proxyIdentity(req('192.0.2.10', 'a\u0007b'), 'X-Courier-User', proxies), undefined, 'control character');
  assert.equal(proxyIdentity(req('192.0.2.10', 'x'.repeat(300)), 'X-Courier-User', proxies), undefined);
  assert.equal(proxyIdentity(req('192.0.2.10', 'alice'), undefined, proxies), undefined, 'no header configured');
  // X-Forwarded-For from a peer that is not a listed proxy is the client's own claim.
  const xff = (peer: string) => ({ socket: { remoteAddress: peer }, headers: { 'x-forwarded-for': '198.51.100.7' } }) as unknown as IncomingMessage;
  assert.equal(clientAddress(xff('192.0.2.10'), true, proxies), '198.51.100.7');
  assert.equal(clientAddress(xff('192.0.2.99'), true, proxies), '192.0.2.99');
});

test('config: allow-lists, sign-in and login brakes are validated', () => {
  const c = parseConfig({});
  assert.deepEqual(c.allowClients, ['127.0.0.0/8', '::1/128'], 'loopback only by default');
  assert.equal(c.loginBrakes.enabled, true);
  const ok = parseConfig({
    allowClients: ['10.0.0.0/8'],
    identityHeader: 'X-Courier-User',
    trustedProxies: ['127.0.0.1'],
    requireIdentity: true,
    loginBrakes: { freePerClient: 3, enabled: true },
    targets: { rivm: { host: 'sftp.example.org', port: 22, allowClients: ['198.51.100.0/24'] } },
  });
  assert.deepEqual(ok.targets.rivm?.allowClients, ['198.51.100.0/24']);
  assert.equal(ok.loginBrakes.freePerClient, 3);
  const bad: [unknown, RegExp][] = [
    [{ allowClients: ['intranet'] }, /"intranet" is not/],
    [{ allowClients: '10.0.0.0/8' }, /must list address ranges/],
    [{ targets: { a: { host: 'x', port: 22, allowClients: ['10.0.0.0/40'] } } }, /is not/],
    [{ targets: { a: { host: 'x', port: 22, allowclients: ['10.0.0.0/8'] } } }, /unknown setting "allowclients" in target "a"/],
    [{ identityHeader: 'X-Courier-User' }, /needs "trustedProxies"/],
    [{ requireIdentity: true }, /needs "identityHeader"/],
    [{ identityHeader: 'X-Forwarded-For', trustedProxies: ['127.0.0.1'] }, /not a standard one/],
    [{ identityHeader: 'bad header', trustedProxies: ['127.0.0.1'] }, /header name/],
    [{ loginBrakes: { freePerclient: 3 } }, /unknown login brake setting/],
    [{ loginBrakes: { enabled: 'no' } }, /true or false/],
    [{ demo: { maxAuthTries: 0 } }, /positive integer/],
  ];
  for (const [b, why] of bad) assert.throws(() => parseConfig(b), why, JSON.stringify(b));
});

test('config: the shipped config (loopback only, brakes on) and the two deployment examples are valid', () => {
  const read = (p: string) => parseConfig(JSON.parse(readFileSync(new URL(p, import.meta.url), 'utf8')));
  const shipped = read('../../gateway.config.json');
  assert.deepEqual(shipped.allowClients, ['127.0.0.0/8', '::1/128']);
  assert.equal(shipped.loginBrakes.enabled, true);
  assert.deepEqual(shipped.loginBrakes, DEFAULT_LOGIN_BRAKES, 'the shipped file states the defaults');
  const hospital = read('../../gateway/deploy/gateway.config.hospital.json');
  assert.equal(hospital.requireIdentity, true);
  const operator = read('../../gateway/deploy/gateway.config.operator.json');
  assert.ok(Object.values(operator.targets).every((t) => t.allowClients && t.allowClients.length > 0), 'every operator target has its hospital ranges');
});

test('close codes: every reason has a text in the app, in nl, fr and en', () => {
  for (const lang of ['en', 'nl', 'fr'] as const) {
    const texts = CATALOGUES.errors[lang] as Record<string, string>;
    for (const c of Object.values(GATEWAY_CLOSE)) assert.ok(texts[`gateway.${c.reason}`], `${lang}: gateway.${c.reason}`);
  }
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

// Failed before the fix: ssh2's RFC 4716 reader refused Ed25519 ("Malformed RFC4716 public key"),
// so an Ed25519 .asc registered with npm run demo:authorize could never log in.
test('demo authorized keys: PuTTYgen .asc of Ed25519 and ECDSA keys, with a wrapped header line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-keys-'));
  for (const [type, bits] of [['ed25519', ''], ['ecdsa', '256'], ['ecdsa', '384']] as const) {
    const ppk = join(dir, `${type}${bits}.ppk`);
    execFileSync('puttygen', ['-t', type, ...(bits ? ['-b', bits] : []), '-C', `a comment long enough ${'x'.repeat(80)}`, '-o', ppk, '--new-passphrase', '/dev/null', '-q']);
    // puttygen cannot write to a pipe: through files, as a user saves them.
    execFileSync('puttygen', [ppk, '-O', 'public', '-o', `${ppk}.asc`]);
    execFileSync('puttygen', [ppk, '-O', 'public-openssh', '-o', `${ppk}.pub`]);
    const asc = readFileSync(`${ppk}.asc`, 'utf8');
    const openssh = readFileSync(`${ppk}.pub`, 'utf8').trim();
    const parsed = parsePublicKeys(asc);
    assert.deepEqual([parsed.keys.length, parsed.errors], [1, []], `${type}${bits}: ${asc}`);
    assert.ok(parsed.keys[0]!.getPublicSSH().equals(parsePublicKeys(openssh).keys[0]!.getPublicSSH()), `${type}${bits}: the same key as the OpenSSH line`);
  }
});
