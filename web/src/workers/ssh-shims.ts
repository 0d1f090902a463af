// Globals that @microsoft/dev-tunnels-ssh (and its vscode-jsonrpc / debug dependencies) expect
// from Node. Imported first by any worker that runs an SSH session, before the library loads.
import { Buffer } from 'buffer';

const g = globalThis as unknown as Record<string, unknown>;
g.Buffer ??= Buffer;
g.global ??= globalThis;
// A minimal process: the libraries read env (debug) and nextTick/platform; nothing else is used.
g.process ??= {
  env: {},
  platform: 'browser',
  version: '',
  versions: {},
  browser: true,
  nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args)),
  cwd: () => '/',
};
