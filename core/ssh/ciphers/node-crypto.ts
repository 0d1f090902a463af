// node:crypto when running in Node (the fast, native path), found without an import statement
// so that bundling for the browser never sees it: `process.getBuiltinModule` (Node ≥ 20.16).
import type * as NodeCrypto from 'node:crypto';

export type NodeCryptoModule = typeof NodeCrypto;

let cached: NodeCryptoModule | null | undefined;

export function nodeCrypto(): NodeCryptoModule | null {
  if (cached !== undefined) return cached;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } } }).process;
  cached = proc?.versions?.node && typeof proc.getBuiltinModule === 'function' ? ((proc.getBuiltinModule('node:crypto') as NodeCryptoModule | undefined) ?? null) : null;
  return cached;
}

/** For tests: run the browser code paths in Node. */
export function useNodeCrypto(enabled: boolean): void {
  cached = enabled ? undefined : null;
  if (enabled) nodeCrypto();
}
