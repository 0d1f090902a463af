// `npm start`: one process serving the built PWA, the WebSocket relay and (when the config
// enables it) the embedded demo SFTP server, which becomes the relay's `demo` target.
//   node --import tsx gateway/main.ts [--config file] [--host 127.0.0.1] [--port 8080]
//                                     [--tls-cert cert.pem --tls-key key.pem]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type GatewayConfig } from './config.ts';
import { startDemoServer, type RunningDemoServer } from './demo/demo-server.ts';
import { startGateway } from './gateway-server.ts';

export { startGateway, type GatewayOptions, type RunningGateway } from './gateway-server.ts';

const DEFAULT_CONFIG = 'gateway.config.json';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  const configPath = values.config ?? process.env.COURIER_GATEWAY_CONFIG ?? DEFAULT_CONFIG;
  const explicit = values.config !== undefined || process.env.COURIER_GATEWAY_CONFIG !== undefined;
  const config: GatewayConfig = loadConfig(resolve(configPath), { mustExist: explicit });
  const certPath = values['tls-cert'] ?? config.tls?.cert;
  const keyPath = values['tls-key'] ?? config.tls?.key;
  if ((certPath === undefined) !== (keyPath === undefined)) throw new Error('TLS needs both --tls-cert and --tls-key');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}"`);

  let demo: RunningDemoServer | null = null;
  if (config.demo.enabled) {
    demo = await startDemoServer({ port: config.demo.port, dataDir: resolve(config.demo.dataDir), username: config.demo.username, password: config.demo.password, maxAuthTries: config.demo.maxAuthTries });
    const t = config.targets[config.demo.targetId];
    // The gateway knows the demo's real port and host key: the target and its pin follow them.
    config.targets[config.demo.targetId] = {
      label: t?.label ?? 'Demo SFTP server (this computer)',
      host: '127.0.0.1',
      port: demo.port,
      hostKeyFingerprints: [demo.hostKeyFingerprint],
      local: true,
      ...(t?.allowClients ? { allowClients: t.allowClients } : {}),
    };
  }

  const gateway = await startGateway({
    host: values.host,
    port,
    webRoot: resolve(config.webRoot),
    targets: config.targets,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    allowClients: config.allowClients,
    identityHeader: config.identityHeader,
    trustedProxies: config.trustedProxies,
    requireIdentity: config.requireIdentity,
    limits: config.limits,
    loginBrakes: config.loginBrakes,
    shutdownGraceMs: config.shutdownGraceMs,
    tls: certPath && keyPath ? { cert: readFileSync(certPath), key: readFileSync(keyPath) } : undefined,
  });

  const lines = [`SFTP Courier is running: open ${gateway.url}`];
  if (demo) {
    lines.push(
      `Demo SFTP server: 127.0.0.1:${demo.port} (target "${config.demo.targetId}"), uploads go to incoming/`,
      `  user: ${demo.username}   password: ${demo.password}`,
      `  host key: ${demo.hostKeyFingerprint}`,
      `  sandbox: ${demo.sandbox}`,
      `  public keys allowed: files in ${demo.authorizedKeysDir} (npm run demo:authorize -- publicKey_X.asc)`,
    );
  }
  console.log(lines.join('\n'));

  const stop = (signal: string) => {
    console.log(`${signal}: finishing live transfers (up to ${Math.round(config.shutdownGraceMs / 1000)} s), then stopping.`);
    void gateway
      .shutdown(config.shutdownGraceMs)
      .then(() => demo?.close())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  main().catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      console.error(`${err.message}: another program uses that port. Choose another with --port (gateway) or demo.port in the config (demo server).`);
    } else console.error(err.message);
    process.exit(1);
  });
}
