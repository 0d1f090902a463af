// Verify data files against their `.hash` sidecars: pair them by name, then judge each pair.
import { dataNameOf, isSidecarName, parseSidecar, sidecarName, sidecarNameMatches } from './sidecar.ts';
import type { HashAlgorithm } from './digest.ts';

export interface VerifyPlan<T> {
  /** Data files with their sidecar. */
  pairs: { data: T; sidecar: T }[];
  /** Data files whose sidecar was not given. */
  missingSidecar: T[];
  /** Sidecars whose data file was not given. */
  missingData: T[];
}

/** Pair what the user dropped; names compare exactly, as on the servers. */
export function planVerification<T>(items: readonly T[], nameOf: (item: T) => string): VerifyPlan<T> {
  const byName = new Map<string, T>();
  for (const item of items) byName.set(nameOf(item), item);
  const plan: VerifyPlan<T> = { pairs: [], missingSidecar: [], missingData: [] };
  for (const item of items) {
    const name = nameOf(item);
    if (isSidecarName(name)) {
      if (!byName.has(dataNameOf(name))) plan.missingData.push(item);
      continue;
    }
    const sidecar = byName.get(sidecarName(name));
    if (sidecar === undefined) plan.missingSidecar.push(item);
    else plan.pairs.push({ data: item, sidecar });
  }
  return plan;
}

export type VerifyVerdict =
  | { status: 'ok'; algorithm: HashAlgorithm; hex: string }
  | { status: 'mismatch'; algorithm: HashAlgorithm; expected: string; actual: string }
  | { status: 'wrong-name'; writtenName: string }
  | { status: 'unreadable' };

/** What the sidecar says against the data file, before hashing: which algorithm to run. */
export function readExpectation(sidecarText: string, dataName: string):
  { ok: true; algorithm: HashAlgorithm; hex: string } | { ok: false; verdict: VerifyVerdict } {
  const parsed = parseSidecar(sidecarText);
  if (!parsed.ok) return { ok: false, verdict: { status: 'unreadable' } };
  if (parsed.name !== undefined && !sidecarNameMatches(parsed.name, dataName)) {
    return { ok: false, verdict: { status: 'wrong-name', writtenName: parsed.name } };
  }
  return { ok: true, algorithm: parsed.algorithm, hex: parsed.hex };
}

export function judge(expected: { algorithm: HashAlgorithm; hex: string }, actualHex: string): VerifyVerdict {
  const actual = actualHex.toLowerCase();
  return actual === expected.hex
    ? { status: 'ok', algorithm: expected.algorithm, hex: actual }
    : { status: 'mismatch', algorithm: expected.algorithm, expected: expected.hex, actual };
}
