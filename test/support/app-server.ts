// The built PWA served by the real gateway on 127.0.0.1, on a free port, for browser tests;
// optionally with relay targets (e.g. a test sshd) and the embedded demo SFTP server.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RelayTarget } from '../../gateway/config.ts';
import { startDemoServer, type RunningDemoServer } from '../../gateway/demo/demo-server.ts';
import { startGateway, type RunningGateway } from '../../gateway/main.ts';

export interface AppServer {
  url: string;
  gateway: RunningGateway;
  demo?: RunningDemoServer;
  close(): Promise<void>;
}

export async function startAppServer(options: { targets?: Record<string, RelayTarget>; demo?: boolean } = {}): Promise<AppServer> {
  const webRoot = resolve('dist/web');
  if (!existsSync(resolve(webRoot, 'index.html'))) throw new Error('dist/web is missing: run `npx vite build` (npm test does it)');
  const targets: Record<string, RelayTarget> = { ...(options.targets ?? {}) };
  let demo: RunningDemoServer | undefined;
  let demoDir: string | undefined;
  if (options.demo) {
    demoDir = mkdtempSync(join(tmpdir(), 'courier-demo-'));
    demo = await startDemoServer({ port: 0, dataDir: demoDir, username: 'demo', password: 'demo-password' });
    targets.demo = { label: 'Demo SFTP server (this computer)', host: '127.0.0.1', port: demo.port, hostKeyFingerprints: [demo.hostKeyFingerprint], local: true };
  }
  const gateway = await startGateway({ host: '127.0.0.1', port: 0, webRoot, targets, log: () => undefined });
  return {
    url: gateway.url,
    gateway,
    ...(demo ? { demo } : {}),
    async close() {
      await gateway.shutdown(0);
      await demo?.close();
      if (demoDir) rmSync(demoDir, { recursive: true, force: true });
    },
  };
}
