// Test-only worker for the Chromium SSH tests and bench: core/ssh over the gateway's WebSocket
// relay, bundled by Vite like the app's session worker.
/// <reference lib="webworker" />
import { connectWebSocket } from '../../core/ssh/transport-websocket.ts';
import { connectSsh, type SshConnection } from '../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../../core/ssh/host-key-policy.ts';
import type { SshUserKey } from '../../core/ssh/user-key.ts';
import { SftpSession, blobSource, downloadFile, uploadFile } from '../../core/sftp/index.ts';

declare const self: DedicatedWorkerGlobalScope;

export interface ConnectArgs {
  url: string;
  username: string;
  password?: string;
  /** Ed25519 private key as JWK (kty OKP) and its SSH public blob (base64). */
  ed25519?: { jwk: JsonWebKey; blob: string };
  pins: string[];
  ciphers?: string[];
  channelWindowBytes?: number;
}

let conn: SshConnection | null = null;

function b64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
function unb64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}
function sshString(x: Uint8Array | string): Uint8Array {
  const b = typeof x === 'string' ? new TextEncoder().encode(x) : x;
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length);
  out.set(b, 4);
  return out;
}

async function ed25519Key(jwk: JsonWebKey, blob: string): Promise<SshUserKey> {
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
  return {
    algorithms: ['ssh-ed25519'],
    publicKeyBlob: unb64(blob),
    async sign(_alg, data) {
      const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, data.slice()));
      const a = sshString('ssh-ed25519');
      const b = sshString(sig);
      const out = new Uint8Array(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    },
  };
}

const ops = {
  async connect(a: ConnectArgs) {
    const t0 = performance.now();
    const transport = await connectWebSocket({ url: a.url, description: 'test target' });
    const key = a.ed25519 ? await ed25519Key(a.ed25519.jwk, a.ed25519.blob) : undefined;
    conn = await connectSsh(transport, {
      target: 'test',
      username: a.username,
      hostKeyPolicy: pinnedHostKeyPolicy({ pins: a.pins }),
      auth: { ...(key ? { key } : {}), ...(a.password !== undefined ? { password: a.password } : {}) },
      ...(a.ciphers ? { algorithms: { ciphers: a.ciphers } } : {}),
      ...(a.channelWindowBytes ? { channelWindowBytes: a.channelWindowBytes } : {}),
    });
    const connectMs = performance.now() - t0;
    const sftp = await conn.openSubsystem('sftp');
    await sftp.write(new Uint8Array([0, 0, 0, 5, 1, 0, 0, 0, 3]));
    const reply = await sftp.read();
    await sftp.close();
    return {
      connectMs,
      hostKey: { sha256: conn.hostKey.sha256, md5: conn.hostKey.md5, keyAlgorithm: conn.hostKey.keyAlgorithm, blob: b64(conn.hostKey.blob) },
      algorithms: conn.algorithms,
      sftpReply: reply ? Array.from(reply.subarray(0, 9)) : null,
    };
  },
  /** Pushes `mib` MiB into `cat > /dev/null` over `channels` channels at once (default 1); seconds from first byte to all closed. */
  async upload(a: { mib: number; chunkKiB?: number; channels?: number }) {
    const c = conn;
    if (!c) throw new Error('not connected');
    const n = a.channels ?? 1;
    const channels = await Promise.all(Array.from({ length: n }, () => c.exec('cat > /dev/null')));
    const chunk = new Uint8Array((a.chunkKiB ?? 256) * 1024);
    crypto.getRandomValues(chunk.subarray(0, 65536));
    const total = a.mib * 1024 * 1024;
    const t0 = performance.now();
    await Promise.all(
      channels.map(async (channel) => {
        for (let sent = 0; sent < total / n; sent += chunk.length) await channel.write(chunk);
        await channel.close();
      }),
    );
    return { seconds: (performance.now() - t0) / 1000, bytes: total, keyExchanges: c.keyExchanges };
  },
  /** SFTP upload of `mib` MiB (from a Blob, like a user's File) then download of it, discarding the bytes. */
  async sftp(a: { mib: number; remote: string }) {
    if (!conn) throw new Error('not connected');
    const session = await SftpSession.open(await conn.openSubsystem('sftp'));
    const block = new Uint8Array(1024 * 1024);
    crypto.getRandomValues(block.subarray(0, 65536));
    const blob = new Blob(Array.from({ length: a.mib }, () => block));
    let t0 = performance.now();
    const up = await uploadFile(session, a.remote, blobSource(blob), { mode: 'direct', overwrite: true, fsync: false });
    const upSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    let received = 0;
    await downloadFile(session, a.remote, async (c: Uint8Array) => void (received += c.length));
    const downSeconds = (performance.now() - t0) / 1000;
    await session.close();
    return { upSeconds, downSeconds, uploaded: up.bytes, received };
  },
  /** No SSH: `mib` MiB of plain bytes over the gateway relay to a sink that answers one byte at the end (the transport's ceiling). */
  async rawRelay(a: { url: string; mib: number }) {
    const ws = new WebSocket(a.url);
    ws.binaryType = 'arraybuffer';
    await new Promise((ok, fail) => ((ws.onopen = ok), (ws.onclose = fail)));
    const done = new Promise((ok) => (ws.onmessage = ok));
    const frame = new Uint8Array(256 * 1024);
    const t0 = performance.now();
    for (let sent = 0; sent < a.mib * 1024 * 1024; sent += frame.length) {
      ws.send(frame);
      while (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 2));
    }
    await done;
    const seconds = (performance.now() - t0) / 1000;
    ws.close();
    return { seconds };
  },
  async close() {
    await conn?.close();
    conn = null;
    return true;
  },
};

self.onmessage = async (e: MessageEvent<{ id: number; op: keyof typeof ops; args: never }>) => {
  const { id, op, args } = e.data;
  try {
    self.postMessage({ id, result: await ops[op](args) });
  } catch (err) {
    const x = err as { code?: string; message?: string; details?: unknown };
    self.postMessage({ id, error: { code: x.code ?? 'error', message: x.message ?? String(err), details: JSON.parse(JSON.stringify(x.details ?? {})) } });
  }
};
