// TEST-ONLY: the servers of one test file, started together (in parallel) before its first test
// and stopped after its last, with the file's user keys authorized on each.
import { after, before } from 'node:test';
import { makeInteropKeys, type InteropKeys } from './interop-keys.ts';
import type { RunningSftpServer } from './server-process.ts';

export interface ServerSet<N extends string> {
  keys(): InteropKeys;
  server(name: N): Promise<RunningSftpServer>;
}

/** Call at the top level of a test file: registers the file-wide before/after hooks. */
export function serverSet<N extends string>(factories: Record<N, (keys: InteropKeys) => Promise<RunningSftpServer>>): ServerSet<N> {
  let keys: InteropKeys | undefined;
  const started = new Map<N, Promise<RunningSftpServer>>();
  before(async () => {
    keys = makeInteropKeys();
    for (const [name, start] of Object.entries(factories) as [N, (k: InteropKeys) => Promise<RunningSftpServer>][]) started.set(name, start(keys));
    // Fail here, once, with the server's own error, rather than in every test.
    await Promise.all(started.values());
  });
  after(async () => {
    await Promise.all([...started.values()].map((p) => p.then((s) => s.stop(), () => undefined)));
    keys?.remove();
  });
  return {
    keys() {
      if (!keys) throw new Error('serverSet: keys are made in the file-wide before hook');
      return keys;
    },
    server(name) {
      const s = started.get(name);
      if (!s) throw new Error(`serverSet: no server "${name}" (started in the file-wide before hook)`);
      return s;
    },
  };
}
