// Through the gateway relay, a connection cut between the gateway and the server mid-upload must
// fail the upload promptly with 'connection-lost' (a send waiting for SSH window must not hang).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startSshd } from '../support/sshd.ts';
import { startTcpSwitch } from '../support/tcp-switch.ts';
import { startAppServer } from '../support/app-server.ts';
import { connectWebSocket } from '../../core/ssh/transport-websocket.ts';
import { connectSsh } from '../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../../core/ssh/host-key-policy.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { uploadFile } from '../../core/sftp/upload.ts';

test('a cut behind the relay mid-upload rejects the upload with connection-lost, no hang', async () => {
  const sshd = await startSshd({ layout: 'writable' });
  const sw = await startTcpSwitch(sshd.port);
  let app: Awaited<ReturnType<typeof startAppServer>> | undefined;
  try {
    app = await startAppServer({ targets: { t: { label: 't', host: '127.0.0.1', port: sw.port, hostKeyFingerprints: [], local: true } } });
    const origin = app.url.replace(/\/$/, '');
    // Node 20 has no global WebSocket: `ws`, with the app's Origin as a browser would send it.
    const Impl = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin });
      }
    } as unknown as typeof globalThis.WebSocket;
    const transport = await connectWebSocket({ url: `${origin.replace('http', 'ws')}/relay?target=t`, WebSocketImpl: Impl });
    const ssh = await connectSsh(transport, { target: 't', username: sshd.user, hostKeyPolicy: pinnedHostKeyPolicy({ pins: Object.values(sshd.hostKeyFingerprints) }), auth: { password: sshd.password } });
    const sftp = await SftpSession.open(await ssh.openSubsystem('sftp'));
    async function* source() {
      for (let i = 0; i < 200; i++) yield new Uint8Array(1 << 20);
    }
    let cut = false;
    await assert.rejects(
      uploadFile(sftp, 'x.bin', source(), { onProgress: (b) => { if (!cut && b > 20 << 20) { cut = true; sw.cutAll(); } } }),
      (e: unknown) => (e as { code?: string }).code === 'connection-lost',
    );
    assert.ok(cut);
  } finally {
    await app?.close();
    await sw.close();
    await sshd.stop();
  }
});
