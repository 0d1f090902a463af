// A TCP forwarder on 127.0.0.1 that tests can re-point (to another server: a changed host key)
// or cut (every live connection dropped at once: a network failure mid-transfer).
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpSwitch {
  port: number;
  setTarget(port: number): void;
  /** Destroys every live connection, both sides, without a clean close. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startTcpSwitch(targetPort: number): Promise<TcpSwitch> {
  let target = targetPort;
  const live = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    live.add(client);
    live.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    setTarget(port) {
      target = port;
    },
    cutAll() {
      const n = live.size / 2;
      for (const s of [...live]) s.resetAndDestroy();
      live.clear();
      return n;
    },
    close() {
      for (const s of live) s.destroy();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}
