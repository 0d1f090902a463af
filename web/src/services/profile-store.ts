// Server profiles: the built-in ones plus those the user or IT imported (IndexedDB), and the
// gateway's target list, which says which servers this gateway can reach and their host keys.
import { signal } from '@preact/signals';
import { openDB, type IDBPDatabase } from 'idb';
import { BUILTIN_PROFILES } from '../../../core/delivery/builtin-profiles.ts';
import { exportProfiles, importProfiles, type ServerProfile } from '../../../core/delivery/profile.ts';

export interface GatewayTarget {
  id: string;
  label: string;
  hostKeyFingerprints: string[];
}

export const customProfiles = signal<ServerProfile[]>([]);
/** null: not asked yet; 'unreachable': the gateway did not answer (offline). */
export const gatewayTargets = signal<GatewayTarget[] | null | 'unreachable'>(null);

let db: Promise<IDBPDatabase> | null = null;
function database(): Promise<IDBPDatabase> {
  db ??= openDB('courier-profiles', 1, {
    upgrade(d) {
      d.createObjectStore('profiles', { keyPath: 'id' });
    },
  });
  return db;
}

/** A server the gateway offers but no profile describes: usable with general settings. */
function genericProfile(target: GatewayTarget): ServerProfile {
  return {
    id: `gateway-${target.id}`, label: target.label, targetId: target.id, authMethods: ['publickey', 'password', 'keyboard-interactive'],
    hostKeyFingerprints: [], uploadFolder: '', sidecar: { required: true, style: 'hex' }, tempRename: true, help: {},
  };
}

export function allProfiles(): ServerProfile[] {
  const custom = customProfiles.value;
  const customIds = new Set(custom.map((p) => p.id));
  // An imported profile with a built-in's id replaces it (IT can hand out pinned fingerprints).
  const profiles = [...BUILTIN_PROFILES.filter((p) => !customIds.has(p.id)), ...custom];
  // The gateway's target list feeds the choices: its servers without a profile are offered too,
  // and the servers this gateway can reach come first.
  const targets = Array.isArray(gatewayTargets.value) ? gatewayTargets.value : [];
  const covered = new Set(profiles.map((p) => p.targetId));
  for (const t of targets) if (!covered.has(t.id)) profiles.push(genericProfile(t));
  const reachable = new Set(targets.map((t) => t.id));
  return targets.length === 0 ? profiles : [...profiles.filter((p) => reachable.has(p.targetId)), ...profiles.filter((p) => !reachable.has(p.targetId))];
}

export async function loadProfiles(): Promise<void> {
  try {
    customProfiles.value = (await (await database()).getAll('profiles')) as ServerProfile[];
  } catch {
    customProfiles.value = [];
  }
}

export async function loadGatewayTargets(): Promise<void> {
  try {
    const res = await fetch('/api/targets', { cache: 'no-store' });
    if (!res.ok) throw new Error(String(res.status));
    const body = (await res.json()) as { targets?: GatewayTarget[] };
    gatewayTargets.value = Array.isArray(body.targets) ? body.targets : [];
  } catch {
    gatewayTargets.value = 'unreachable';
  }
}

/** Adds the profiles of a file (all or nothing); throws ProfileFileError naming every problem. */
export async function importProfileFile(text: string): Promise<number> {
  const profiles = importProfiles(text);
  const d = await database();
  const tx = d.transaction('profiles', 'readwrite');
  for (const p of profiles) await tx.store.put(p);
  await tx.done;
  await loadProfiles();
  return profiles.length;
}

export async function deleteProfile(id: string): Promise<void> {
  await (await database()).delete('profiles', id);
  await loadProfiles();
}

export function exportAllProfiles(): Blob {
  return new Blob([exportProfiles(allProfiles())], { type: 'application/json' });
}

/** What the host key must be, by the profile and by the gateway's target configuration. */
export function publishedFingerprints(profile: ServerProfile): string[] {
  const targets = gatewayTargets.value;
  const fromGateway = Array.isArray(targets) ? (targets.find((t) => t.id === profile.targetId)?.hostKeyFingerprints ?? []) : [];
  return [...new Set([...profile.hostKeyFingerprints, ...fromGateway])];
}
