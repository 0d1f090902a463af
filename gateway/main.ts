// The gateway process: serves the built PWA (and, with the relay, WebSocket -> TCP to configured targets).
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createStaticSite } from './static-site.ts';

export interface GatewayOptions {
  host: string;
  port: number;
  webRoot: string;
}

export async function startGateway(options: GatewayOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const site = createStaticSite(options.webRoot, { tls: false });
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{"ok":true}');
      return;
    }
    void site(req, res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${options.host}:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { values } = parseArgs({
    options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: process.env.PORT ?? '8080' } },
  });
  const gateway = await startGateway({ host: values.host, port: Number(values.port), webRoot: resolve('dist/web') });
  console.log(`SFTP Courier is running: open ${gateway.url}`);
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
