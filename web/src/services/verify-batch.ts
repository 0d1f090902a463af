// Check data files against the `.hash` files dropped with them.
import { signal } from '@preact/signals';
import { dataNameOf, sidecarName } from '../../../core/hash/sidecar.ts';
import { judge, planVerification, readExpectation, type VerifyVerdict } from '../../../core/hash/verify.ts';
import { sharedHashPool } from './hash-pool.ts';
import type { LocalFile } from './local-files.ts';

export type VerifyRow =
  | { id: number; path: string; state: 'checking'; bytesDone: number; size: number }
  | { id: number; path: string; state: 'verdict'; verdict: VerifyVerdict }
  | { id: number; path: string; state: 'missing-sidecar'; expected: string }
  | { id: number; path: string; state: 'missing-data'; expected: string }
  /** The browser could not read one of the pair's files (moved, deleted, changed or locked since it was chosen). */
  | { id: number; path: string; state: 'read-failed'; name: string };

export const verifyRows = signal<VerifyRow[]>([]);
let controller: AbortController | null = null;

function set(id: number, row: VerifyRow): void {
  verifyRows.value = verifyRows.value.map((r) => (r.id === id ? row : r));
}

export async function verifyFiles(files: LocalFile[]): Promise<void> {
  controller?.abort();
  const ctl = new AbortController();
  controller = ctl;
  const pool = sharedHashPool();
  const plan = planVerification(files, (f) => f.path);
  let id = 0;
  const rows: VerifyRow[] = [];
  const work: { id: number; data: LocalFile; sidecar: LocalFile }[] = [];
  for (const pair of plan.pairs) {
    rows.push({ id: ++id, path: pair.data.path, state: 'checking', bytesDone: 0, size: pair.data.file.size });
    work.push({ id, data: pair.data, sidecar: pair.sidecar });
  }
  for (const f of plan.missingSidecar) rows.push({ id: ++id, path: f.path, state: 'missing-sidecar', expected: sidecarName(f.file.name) });
  for (const f of plan.missingData) rows.push({ id: ++id, path: dataNameOf(f.path), state: 'missing-data', expected: dataNameOf(f.file.name) });
  verifyRows.value = rows;
  await Promise.all(
    work.map(async ({ id: rowId, data, sidecar }) => {
      let reading = sidecar;
      try {
        const expectation = readExpectation(await sidecar.file.text(), data.file.name);
        if (ctl.signal.aborted) return;
        if (!expectation.ok) {
          set(rowId, { id: rowId, path: data.path, state: 'verdict', verdict: expectation.verdict });
          return;
        }
        reading = data;
        const hex = await pool.hash(data.file, expectation.algorithm, (bytes) => {
          if (!ctl.signal.aborted) set(rowId, { id: rowId, path: data.path, state: 'checking', bytesDone: bytes, size: data.file.size });
        }, ctl.signal);
        set(rowId, { id: rowId, path: data.path, state: 'verdict', verdict: judge(expectation, hex) });
      } catch {
        // Cancelled by a newer drop: that run replaced these rows. Otherwise the file could not be
        // read, and the row says so instead of staying "checking" for good.
        if (!ctl.signal.aborted) set(rowId, { id: rowId, path: data.path, state: 'read-failed', name: reading.file.name });
      }
    }),
  );
}
