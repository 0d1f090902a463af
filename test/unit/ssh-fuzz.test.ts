// Fuzzing the client core through the scripted server: every message type before and after the
// key exchange, random bodies, garbage, oversized and truncated streams, flipped bits. The
// core must never throw at its caller or hang; it either goes on or ends with one typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corePair, type CorePair } from '../support/ssh-core-pair.ts';
import { ed25519TestKey } from '../support/ssh-test-keys.ts';
import { SshError } from '../../core/ssh/errors.ts';
import { SshClientCore } from '../../core/ssh/client-core.ts';
import { encodeKexInit } from '../../core/ssh/negotiate.ts';

const key = ed25519TestKey();

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function bytes(r: (n: number) => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => r(256));
}

function assertEndedCleanly(p: CorePair, label: string): void {
  const closed = p.closed();
  if (!closed) return;
  assert.ok(closed.error instanceof SshError, `${label}: closed with ${String(closed.error)}`);
  assert.ok(['protocol-error', 'connection-lost', 'auth-failed', 'key-refused', 'channel-refused'].includes(closed.error.code), `${label}: ${closed.error.code} ${closed.error.message}`);
  assert.equal(p.events.filter((e) => e.type === 'closed').length, 1, `${label}: one closed event`);
}

const TOLERATED_DURING_KEX = new Set([2, 3, 4]); // IGNORE, UNIMPLEMENTED, DEBUG (without strict kex)

for (const strict of [true, false]) {
  test(`every message type right after the server's KEXINIT (${strict ? 'strict' : 'not strict'}): only tolerated ones let the connection go on`, async () => {
    const r = random(strict ? 1 : 2);
    for (let type = 0; type < 256; type++) {
      if (type === 20 || type === 1) continue; // a second KEXINIT / DISCONNECT: covered below
      const p = corePair({ key, server: { strict, auth: (q) => (q.signed ? 'success' : 'pk-ok') } });
      p.server.send(Uint8Array.of(type, ...bytes(r, r(40))));
      try {
        await p.pump();
      } catch {
        // the scripted server may choke on what the client says after a failure; the client must not
      }
      assertEndedCleanly(p, `type ${type}`);
      const tolerated = !strict && TOLERATED_DURING_KEX.has(type);
      assert.equal(p.client.authenticated, tolerated, `type ${type}: ${p.closed()?.error?.message ?? 'connected'}`);
      if (!tolerated) assert.equal(p.closed()?.error?.code, 'protocol-error', `type ${type}`);
    }
  });
}

test('a second KEXINIT in one exchange, and a DISCONNECT, each end it with their own cause', async () => {
  const a = corePair({ key });
  const lists = ['curve25519-sha256', 'ssh-ed25519', 'aes128-ctr', 'aes128-ctr', 'hmac-sha2-256', 'hmac-sha2-256', 'none', 'none', '', ''];
  a.server.send(encodeKexInit({ cookie: new Uint8Array(16), kex: [lists[0]!], hostKey: [lists[1]!], cipherC2S: [lists[2]!], cipherS2C: [lists[3]!], macC2S: [lists[4]!], macS2C: [lists[5]!], compressionC2S: ['none'], compressionS2C: ['none'], firstKexFollows: false }));
  await a.pump().catch(() => undefined);
  assert.equal(a.closed()?.error?.code, 'protocol-error');
  const b = corePair({ key });
  b.server.send(Uint8Array.of(1, 0, 0, 0, 2, 0, 0, 0, 4, 0x6e, 0x6f, 0x70, 0x65, 0, 0, 0, 0));
  await b.pump().catch(() => undefined);
  assert.equal(b.closed()?.error?.code, 'connection-lost');
  assert.equal(b.closed()?.error?.details.serverMessage, 'nope');
});

test('every message type with random bodies after authentication: answered, ignored or a protocol error — never a throw', async () => {
  const r = random(3);
  const connect = async () => {
    const p = corePair({ key, server: { auth: (q) => (q.signed ? 'success' : 'pk-ok') } });
    await p.pump();
    assert.equal(p.client.authenticated, true);
    const channel = p.client.openChannel({ type: 'exec', command: 'cat' });
    await p.pump();
    return { p, channel };
  };
  let c = await connect();
  for (let round = 0; round < 2; round++) {
    for (let type = 0; type < 256; type++) {
      if (type === 20) continue; // a KEXINIT starts a re-key: tested elsewhere
      const unimplemented = c.p.server.received.filter((t) => t === 3).length;
      c.p.server.send(Uint8Array.of(type, ...bytes(r, r(round === 0 ? 4 : 64))));
      await c.p.pump().catch(() => undefined);
      assertEndedCleanly(c.p, `type ${type}`);
      if (c.p.closed()) {
        c = await connect();
        continue;
      }
      // Still usable: a write goes through.
      assert.ok(c.p.client.write(c.channel, Uint8Array.of(1, 2, 3)) >= 0);
      if (type >= 101) assert.equal(c.p.server.received.filter((t) => t === 3).length, unimplemented + 1, `type ${type}: SSH_MSG_UNIMPLEMENTED sent`);
    }
  }
});

test('garbage, an oversized length and a stream cut at every point: a clear error, at once', async () => {
  const r = random(4);
  for (let i = 0; i < 50; i++) {
    const c = new SshClientCore({ username: 'u', where: 'garbage' });
    c.receive(new TextEncoder().encode('SSH-2.0-Garbage\r\n'));
    c.receive(bytes(r, 1 + r(3000)));
    c.transportClosed();
    const e = drain(c);
    assert.ok(e instanceof SshError && ['protocol-error', 'connection-lost'].includes(e.code), String(e));
  }
  const big = new SshClientCore({ username: 'u', where: 'big' });
  big.receive(new TextEncoder().encode('SSH-2.0-Big\r\n'));
  big.receive(Uint8Array.of(0x7f, 0xff, 0xff, 0xf0, 4));
  assert.equal(drain(big)?.code, 'protocol-error');
  assert.match(big.error!.message, /packet length .* out of bounds/);

  const v = new SshClientCore({ username: 'u', where: 'v1' });
  v.receive(new TextEncoder().encode('SSH-1.5-Old\r\n'));
  assert.match(drain(v)!.message, /protocol 1\.5/);

  // The server's bytes cut after n bytes, then the connection ends.
  for (let cut = 0; cut < 1800; cut += 23) {
    const p = corePair({ key });
    let budget = cut;
    const take = p.server.takeOutput.bind(p.server);
    p.server.takeOutput = () =>
      take().map((b) => {
        const n = Math.max(0, Math.min(b.length, budget));
        budget -= n;
        return b.subarray(0, n);
      });
    await p.pump().catch(() => undefined);
    if (!p.client.authenticated) {
      p.client.transportClosed();
      await p.pump().catch(() => undefined);
      const e = p.closed()?.error;
      assert.ok(e instanceof SshError && ['protocol-error', 'connection-lost'].includes(e.code), `cut at ${cut}: ${String(e)}`);
    }
  }
});

for (const cipher of ['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr']) {
  test(`a flipped bit in the encrypted stream is a MAC failure, never bad data: ${cipher}`, async () => {
    const r = random(5);
    for (let i = 0; i < 20; i++) {
      const p = corePair({ key, server: { ciphers: [cipher], macs: ['hmac-sha2-256'] } });
      await p.pump();
      const ch = p.client.openChannel({ type: 'exec', command: 'cat' });
      await p.pump();
      const id = [...p.server.channels.keys()][0]!;
      p.server.sendData(id, new Uint8Array(2000).fill(7));
      const out = p.server.takeOutput();
      const all = out[0]!;
      all[r(all.length)]! ^= 1 << r(8);
      p.client.receive(all);
      await p.pump().catch(() => undefined);
      const data = p.events.filter((e) => e.type === 'channel-data');
      if (p.closed()) assert.equal(p.closed()!.error?.code, 'protocol-error');
      else assert.fail(`a corrupted packet was accepted (${data.length} data events) on ${ch}`);
    }
  });
}

function drain(c: SshClientCore): SshError | null {
  let error: SshError | null = null;
  for (let e = c.nextEvent(); e; e = c.nextEvent()) if (e.type === 'closed') error = e.error;
  return error;
}
