// Is a delivery run still going on somewhere? The session worker that runs it holds a Web Lock
// named after the run; a reload, crash or closed tab releases it. A record that says `running`
// while nobody holds its lock was interrupted.

const lockName = (runId: string) => `courier-run:${runId}`;

/** Holds the run's lock until `work` settles (no-op where Web Locks are missing). */
export function holdWhileRunning<T>(runId: string, work: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !navigator.locks) return work();
  return navigator.locks.request(lockName(runId), { mode: 'exclusive' }, work) as Promise<T>;
}

/** The ids of the runs going on now, in any tab of this browser profile. */
export async function liveRunIds(): Promise<Set<string>> {
  if (typeof navigator === 'undefined' || !navigator.locks) return new Set();
  const { held = [] } = await navigator.locks.query();
  return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith('courier-run:')).map((n) => n.slice('courier-run:'.length)));
}
