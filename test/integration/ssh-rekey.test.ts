// Re-keying while 6 MiB go through `cat` and come back byte for byte: sshd re-keys every 1 MB
// (RekeyLimit); in the first case our client also starts re-keys every 1 MiB, in the second only
// the server does (the library alone could not answer a server-initiated re-key).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSshd } from '../support/sshd.ts';
import { rsaTestKey } from '../support/ssh-test-keys.ts';
import { connectTo } from '../support/ssh-client.ts';

const key = rsaTestKey();

for (const [ciphers, clientRekey] of [[undefined, true], ['aes128-ctr,aes256-ctr', false]] as const) {
  test(`re-key under load (${ciphers ?? 'default ciphers'}, started by ${clientRekey ? 'both sides' : 'the server'})`, async () => {
    const sshd = await startSshd({ authorizedKeys: [key.authorizedKey], rekeyLimit: '1M', ...(ciphers ? { ciphers, macs: 'hmac-sha2-256,hmac-sha2-512' } : {}) });
    try {
      const conn = await connectTo(sshd, { auth: { key }, ...(clientRekey ? { rekeyBytes: 1024 * 1024 } : {}) });
      const channel = await conn.exec('cat');
      const total = 6 * 1024 * 1024;
      const chunk = 32 * 1024;
      const pattern = (offset: number, n: number) => {
        const b = new Uint8Array(n);
        for (let i = 0; i < n; i++) b[i] = ((offset + i) * 2654435761) >>> 24;
        return b;
      };
      const writer = (async () => {
        for (let o = 0; o < total; o += chunk) await channel.write(pattern(o, chunk));
      })();
      let received = 0;
      while (received < total) {
        const got = await channel.read();
        assert.ok(got, 'channel ended early');
        assert.deepEqual(got, pattern(received, got.length), `bytes differ at ${received}`);
        received += got.length;
      }
      await writer;
      assert.equal(received, total);
      assert.ok(conn.keyExchanges >= 6, `expected several re-keys, saw ${conn.keyExchanges} key exchanges`);
      await channel.close();
      await conn.close();
    } finally {
      await sshd.stop();
    }
  });
}

test('1.1 GiB each way through cat, across the server\'s re-keys (RekeyLimit 256M) and ours (the 1 GiB default)', { timeout: 600_000 }, async () => {
  const { createHash, randomBytes } = await import('node:crypto');
  const sshd = await startSshd({ authorizedKeys: [key.authorizedKey], rekeyLimit: '256M' });
  try {
    const conn = await connectTo(sshd, { auth: { key } });
    const channel = await conn.exec('cat');
    const block = randomBytes(256 * 1024);
    const total = 4506 * block.length; // 1.1 GiB
    const sent = createHash('sha1');
    const writer = (async () => {
      for (let o = 0; o < total; o += block.length) {
        // Each block differs (its number in front), so a lost or repeated block shows.
        block.writeUInt32BE(o / block.length, 0);
        const chunk = new Uint8Array(block);
        sent.update(chunk);
        await channel.write(chunk);
      }
    })();
    const got = createHash('sha1');
    let received = 0;
    while (received < total) {
      const chunk = await channel.read();
      assert.ok(chunk, `channel ended early at ${received}`);
      got.update(chunk);
      received += chunk.length;
    }
    await writer;
    assert.equal(received, total);
    assert.equal(got.digest('hex'), sent.digest('hex'));
    assert.ok(conn.keyExchanges >= 5, `key exchanges: ${conn.keyExchanges}`);
    await channel.close();
    await conn.close();
  } finally {
    await sshd.stop();
  }
});
