// What our KEXINIT offers, best first, and how a caller narrows it (a profile that wants only
// aes*-ctr, a test that forces one key exchange).
import { supportedCiphers, supportedMacs } from './ciphers/cipher-suite.ts';
import { supportedHostKeys } from './kex/host-key-signature.ts';
import type { OfferedAlgorithms } from './kex/key-exchange.ts';
import { supportedKex } from './kex/kex-method.ts';

/** Algorithm names a caller may restrict to, in its order of preference. */
export interface AlgorithmPreferences {
  kex?: string[];
  hostKeys?: string[];
  ciphers?: string[];
  macs?: string[];
}

function pick(kind: string, all: string[], wanted: string[] | undefined): string[] {
  if (!wanted) return all;
  const chosen = wanted.filter((n) => all.includes(n));
  if (chosen.length === 0) throw new RangeError(`none of the ${kind} ${wanted.join(', ')} is supported (we have ${all.join(', ')})`);
  return chosen;
}

export function offeredAlgorithms(prefs: AlgorithmPreferences = {}): OfferedAlgorithms {
  return {
    kex: pick('key exchanges', supportedKex(), prefs.kex),
    hostKeys: pick('host-key algorithms', supportedHostKeys(), prefs.hostKeys),
    ciphers: pick('ciphers', supportedCiphers(), prefs.ciphers),
    macs: pick('MACs', supportedMacs(), prefs.macs),
  };
}
