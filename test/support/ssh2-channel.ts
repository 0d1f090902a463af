// TEST-ONLY: an SshChannelStream made from the npm `ssh2` client's sftp subsystem channel, so
// core/sftp can be tested against a real OpenSSH server before (and beside) our own transport.
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import type { SshChannelStream } from '../../core/ssh/channel.ts';

/** Adapts a Node duplex (e.g. an ssh2 ClientChannel) to SshChannelStream, pausing it when unread data piles up. */
export function channelFromDuplex(stream: Duplex, highWaterMark = 4 * 1024 * 1024): SshChannelStream {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('data', (chunk: Buffer) => {
    queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    queued += chunk.byteLength;
    if (queued > highWaterMark) stream.pause();
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('close', () => {
    ended = true;
    notify();
  });
  stream.on('error', (err: Error) => {
    failure = err;
    notify();
  });
  return {
    async write(data) {
      if (failure) throw failure;
      if (ended || stream.destroyed) throw new Error('channel closed');
      if (!stream.write(data)) {
        await new Promise<void>((ok, fail) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('close', done);
            stream.off('error', onError);
            ok();
          };
          const onError = (err: Error) => {
            stream.off('drain', done);
            stream.off('close', done);
            fail(err);
          };
          stream.on('drain', done);
          stream.on('close', done);
          stream.on('error', onError);
        });
      }
    },
    async read() {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          queued -= chunk.byteLength;
          if (queued <= highWaterMark / 2 && stream.isPaused()) stream.resume();
          return chunk;
        }
        if (failure) throw failure;
        if (ended) return null;
        await new Promise<void>((ok) => (wake = ok));
      }
    },
    async close() {
      ended = true;
      notify();
      stream.end();
    },
  };
}

export interface Ssh2SftpConnection {
  channel: SshChannelStream;
  client: Client;
  /** Ends the SSH connection. */
  end(): void;
}

/** Connects with ssh2 and opens the `sftp` subsystem as a raw channel (no ssh2 SFTP code involved). */
export async function openSsh2SftpChannel(config: ConnectConfig): Promise<Ssh2SftpConnection> {
  const client = new Client();
  await new Promise<void>((ok, fail) => {
    client.once('ready', () => ok());
    client.once('error', fail);
    client.connect({ readyTimeout: 20_000, ...config });
  });
  const stream = await new Promise<Duplex>((ok, fail) => {
    client.subsys('sftp', (err, s) => (err ? fail(err) : ok(s)));
  });
  client.on('error', () => undefined);
  return { channel: channelFromDuplex(stream), client, end: () => client.end() };
}
