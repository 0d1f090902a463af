// The benches' worker in Chromium: core/ssh over the gateway's WebSocket relay and core/sftp on
// it, bundled by Vite exactly as the session worker runs them.
// Times are taken here, around the transfer only (the handshake and the driver are not counted).
/// <reference lib="webworker" />
import { connectWebSocket } from '../../core/ssh/transport-websocket.ts';
import { connectSsh, type SshConnection } from '../../core/ssh/connection.ts';
import { pinnedHostKeyPolicy } from '../../core/ssh/host-key-policy.ts';
import type { SshUserKey } from '../../core/ssh/user-key.ts';
import { SftpSession, blobSource, downloadFile, uploadFile } from '../../core/sftp/index.ts';
import { DeliveryRun } from '../../core/delivery/delivery-run.ts';

declare const self: DedicatedWorkerGlobalScope;

export interface ConnectArgs {
  url: string;
  username: string;
  /** Ed25519 private key as JWK (kty OKP) and its SSH public blob (base64). */
  ed25519: { jwk: JsonWebKey; blob: string };
  pins: string[];
  ciphers?: string[];
  macs?: string[];
}

let conn: SshConnection | null = null;
let sftp: SftpSession | null = null;
/** More SFTP sessions on the connection, for split uploads. */
const lanes: SftpSession[] = [];
/** Payloads by size, made once: a Blob like a user's File (read through Blob.stream()). */
const blobs = new Map<number, Blob>();

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

function payload(bytes: number): Blob {
  let blob = blobs.get(bytes);
  if (!blob) {
    const block = new Uint8Array(1024 * 1024);
    for (let o = 0; o < block.length; o += 65536) crypto.getRandomValues(block.subarray(o, o + 65536));
    const parts: Uint8Array[] = [];
    for (let done = 0; done < bytes; done += block.length) parts.push(block.subarray(0, Math.min(block.length, bytes - done)));
    blob = new Blob(parts as BlobPart[]);
    blobs.set(bytes, blob);
  }
  return blob;
}

function connected(): { conn: SshConnection; sftp: SftpSession } {
  if (!conn || !sftp) throw new Error('not connected');
  return { conn, sftp };
}

const ops = {
  async connect(a: ConnectArgs) {
    const t0 = performance.now();
    const transport = await connectWebSocket({ url: a.url, description: 'bench target' });
    conn = await connectSsh(transport, {
      target: 'bench',
      username: a.username,
      hostKeyPolicy: pinnedHostKeyPolicy({ pins: a.pins }),
      auth: { key: await ed25519Key(a.ed25519.jwk, a.ed25519.blob) },
      algorithms: { ...(a.ciphers ? { ciphers: a.ciphers } : {}), ...(a.macs ? { macs: a.macs } : {}) },
    });
    sftp = await SftpSession.open(await conn.openSubsystem('sftp'));
    return { connectMs: performance.now() - t0, algorithms: conn.algorithms };
  },
  /** Makes the payload Blob now, so its creation is never timed. */
  prepare(a: { bytes: number }) {
    payload(a.bytes);
    return true;
  },
  /** SFTP upload of `bytes` from a Blob to `remote` (direct write, no fsync, like `sftp put`). */
  async up(a: { bytes: number; remote: string }) {
    const s = connected().sftp;
    const blob = payload(a.bytes);
    const t0 = performance.now();
    const r = await uploadFile(s, a.remote, blobSource(blob), { mode: 'direct', overwrite: true, fsync: false });
    return { seconds: (performance.now() - t0) / 1000, bytes: r.bytes };
  },
  /** One file over `channels` SFTP channels of the connection at once (uploadFile's lanes), direct, no fsync. */
  async upSplit(a: { bytes: number; remote: string; channels: number }) {
    const { conn: c, sftp: s } = connected();
    while (lanes.length < a.channels - 1) lanes.push(await SftpSession.open(await c.openSubsystem('sftp')));
    const blob = payload(a.bytes);
    const t0 = performance.now();
    const r = await uploadFile(s, a.remote, blobSource(blob), { mode: 'direct', overwrite: true, fsync: false, lanes: lanes.slice(0, a.channels - 1) });
    return { seconds: (performance.now() - t0) / 1000, bytes: r.bytes };
  },
  /**
   * What the Deliver screen runs: a DeliveryRun of `files` files of `bytes` each (SHA-1 while
   * sending, temporary name, fsync, rename, then X.hash) with `parallel` channels.
   */
  async deliver(a: { files: number; bytes: number; parallel: number; folder: string }) {
    const { conn: c, sftp: s } = connected();
    const blob = payload(a.bytes);
    const run = new DeliveryRun(Array.from({ length: a.files }, (_, i) => ({ name: `d${i}.bin`, data: { ...blobSource(blob), size: blob.size } })), {
      receiptId: 'bench', user: 'bench',
      profile: { id: 'bench', label: 'bench', targetId: 'bench', uploadFolder: a.folder, sidecar: { required: true, style: 'hex' }, tempRename: true },
      parallel: a.parallel,
      onExisting: async () => 'overwrite',
      connect: async () => ({
        sftp: s,
        hostKeyFingerprint: c.hostKey.sha256,
        openSftp: async () => SftpSession.open(await c.openSubsystem('sftp')),
        close: async () => undefined,
      }),
    });
    const t0 = performance.now();
    const receipt = await run.run();
    const seconds = (performance.now() - t0) / 1000;
    const delivered = receipt.files.filter((f) => f.status === 'delivered').length;
    if (delivered !== a.files) throw new Error(`delivered ${delivered} of ${a.files}: ${receipt.files.map((f) => f.error ?? f.status).join('; ')}`);
    return { seconds, bytes: a.files * a.bytes, sha1: receipt.files[0]?.sha1 };
  },
  /** SFTP download of `remote`, bytes discarded. */
  async down(a: { remote: string }) {
    const s = connected().sftp;
    let bytes = 0;
    const t0 = performance.now();
    await downloadFile(s, a.remote, (c: Uint8Array) => void (bytes += c.byteLength));
    return { seconds: (performance.now() - t0) / 1000, bytes };
  },
  /** No SFTP: `bytes` into `cat > /dev/null` over one exec channel (the SSH transport's ceiling). */
  async raw(a: { bytes: number }) {
    const channel = await connected().conn.exec('cat > /dev/null');
    const chunk = new Uint8Array(256 * 1024);
    crypto.getRandomValues(chunk.subarray(0, 65536));
    const t0 = performance.now();
    for (let sent = 0; sent < a.bytes; sent += chunk.length) await channel.write(chunk);
    await channel.close();
    return { seconds: (performance.now() - t0) / 1000, bytes: a.bytes };
  },
  /** No SSH: plain bytes over the gateway relay to a sink that answers one byte at the end. */
  async rawRelay(a: { url: string; bytes: number }) {
    const ws = new WebSocket(a.url);
    ws.binaryType = 'arraybuffer';
    await new Promise((ok, fail) => ((ws.onopen = ok), (ws.onclose = fail)));
    const done = new Promise((ok) => (ws.onmessage = ok));
    const frame = new Uint8Array(256 * 1024);
    const t0 = performance.now();
    for (let sent = 0; sent < a.bytes; sent += frame.length) {
      ws.send(frame);
      while (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 2));
    }
    await done;
    const seconds = (performance.now() - t0) / 1000;
    ws.close();
    return { seconds, bytes: a.bytes };
  },
  async close() {
    for (const l of lanes.splice(0)) await l.close().catch(() => undefined);
    await sftp?.close().catch(() => undefined);
    await conn?.close();
    sftp = null;
    conn = null;
    return true;
  },
};

export type TransferOp = keyof typeof ops;

self.onmessage = async (e: MessageEvent<{ id: number; op: TransferOp; args: never }>) => {
  const { id, op, args } = e.data;
  try {
    self.postMessage({ id, result: await ops[op](args) });
  } catch (err) {
    const x = err as { code?: string; message?: string };
    self.postMessage({ id, error: { code: x.code ?? 'error', message: x.message ?? String(err) } });
  }
};
