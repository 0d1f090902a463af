// Terrapin countermeasure: our KEXINIT offers strict kex and no affected algorithm, and against
// a scripted server that offers strict kex, any packet out of place during the initial key
// exchange ends the connection. (That sequence numbers are reset is proven by every connection to
// OpenSSH 9.2, which enforces it: see the integration tests' `strictKex: true`.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { connectTcp } from '../../core/ssh/transport-node.ts';
import { connectSsh } from '../../core/ssh/connection.ts';
import { SshError } from '../../core/ssh/errors.ts';

function str(s: string): Buffer {
  const b = Buffer.from(s);
  const n = Buffer.alloc(4);
  n.writeUInt32BE(b.length);
  return Buffer.concat([n, b]);
}
function packet(payload: Buffer): Buffer {
  let pad = 8 - ((5 + payload.length) % 8);
  if (pad < 4) pad += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + pad);
  head[4] = pad;
  return Buffer.concat([head, payload, Buffer.alloc(pad)]);
}
function kexinit(kex: string): Buffer {
  const lists = [kex, 'ssh-ed25519', 'aes128-ctr', 'aes128-ctr', 'hmac-sha2-256', 'hmac-sha2-256', 'none', 'none', '', ''];
  return packet(Buffer.concat([Buffer.from([20]), Buffer.alloc(16, 7), ...lists.map(str), Buffer.from([0, 0, 0, 0, 0])]));
}
const IGNORE = packet(Buffer.concat([Buffer.from([2]), str('')]));

interface Seen {
  clientLists: string[];
  /** Message types of the client's packets after its KEXINIT. */
  later: number[];
}

/** A scripted server: sends its version and `script`, records the client's KEXINIT name-lists. */
async function scripted(script: Buffer[], run: (port: number) => Promise<void>): Promise<Seen> {
  const seen: Seen = { clientLists: [], later: [] };
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    s.write('SSH-2.0-Scripted\r\n');
    for (const p of script) s.write(p);
    let buf = Buffer.alloc(0);
    let versionDone = false;
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!versionDone) {
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        buf = buf.subarray(eol + 2);
        versionDone = true;
      }
      while (buf.length >= 5 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        const payload = buf.subarray(5, 4 + len - buf[4]!);
        buf = buf.subarray(4 + len);
        if (payload[0] === 20 && seen.clientLists.length === 0) {
          let o = 17;
          for (let i = 0; i < 10; i++) {
            const n = payload.readUInt32BE(o);
            seen.clientLists.push(payload.subarray(o + 4, o + 4 + n).toString());
            o += 4 + n;
          }
        } else seen.later.push(payload[0]!);
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    await run((server.address() as { port: number }).port);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
  return seen;
}

const attempt = async (port: number) =>
  connectSsh(await connectTcp({ host: '127.0.0.1', port }), { target: 'scripted', username: 'x', auth: {}, hostKeyPolicy: { verify: async () => {} }, timeoutMs: 2000 });

test('our KEXINIT offers kex-strict-c (and ext-info-c), chacha20-poly1305 only with it, no CBC, no SHA-1 or MD5 MAC', async () => {
  const seen = await scripted([], (port) => assert.rejects(attempt(port)));
  const [kex, , c2s, s2c, mac1, mac2] = seen.clientLists;
  assert.ok(kex!.split(',').includes('kex-strict-c-v00@openssh.com'), kex);
  assert.ok(kex!.split(',').includes('ext-info-c'), kex);
  for (const list of [c2s!, s2c!]) {
    assert.doesNotMatch(list, /cbc/);
    assert.ok(list.split(',').includes('chacha20-poly1305@openssh.com'), list);
  }
  for (const list of [mac1!, mac2!]) assert.doesNotMatch(list, /sha1|md5/);
});

test('strict server: a packet before its KEXINIT ends the connection', async () => {
  const seen = await scripted([IGNORE, kexinit('curve25519-sha256,kex-strict-s-v00@openssh.com')], (port) =>
    assert.rejects(attempt(port), (e: unknown) => e instanceof SshError && e.code === 'protocol-error' && /strict key exchange/.test(e.message)),
  );
  assert.ok(!seen.later.includes(30), 'no key exchange continued');
});

test('strict server: an IGNORE during the initial key exchange ends the connection', async () => {
  await scripted([kexinit('curve25519-sha256,kex-strict-s-v00@openssh.com'), IGNORE], (port) =>
    assert.rejects(attempt(port), (e: unknown) => e instanceof SshError && e.code === 'protocol-error' && /strict key exchange/.test(e.message)),
  );
});

test('control: the same IGNORE from a non-strict server is tolerated (the key exchange goes on)', async () => {
  const seen = await scripted([IGNORE, kexinit('curve25519-sha256')], (port) =>
    assert.rejects(attempt(port), (e: unknown) => e instanceof SshError && !/strict key exchange/.test(e.message)),
  );
  assert.ok(seen.later.includes(30), 'client sent its key-exchange init (SSH_MSG_KEX_ECDH_INIT)');
});
