// TEST-ONLY: what "delivered" must mean, checked on the server's own folder with the real sha1sum:
// X holds exactly the local bytes, X.hash names that SHA-1 (and `sha1sum -c X.hash` passes when it
// is in sha1sum style), no temporary file of either is left, and the receipt says the same SHA-1.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { temporaryName } from '../../../core/sftp/upload.ts';
import type { DeliveryReceipt } from '../../../core/delivery/receipt.ts';

export const sha1sum = (path: string): string => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

/** What the checks read of a receipt: the app's and the CLI's JSON, or core's object. */
export type ReceiptLike = Pick<DeliveryReceipt, 'files'>;

/** `serverFile` (absolute path on this machine) was delivered from `localFile`; returns the SHA-1. */
export function assertDelivered(serverFile: string, localFile: string, receipt?: ReceiptLike): string {
  const expected = sha1sum(localFile);
  assert.ok(existsSync(serverFile), `${serverFile} is not on the server`);
  assert.equal(sha1sum(serverFile), expected, `bytes of ${serverFile}`);
  const sidecar = readFileSync(`${serverFile}.hash`, 'utf8');
  assert.equal(sidecar.slice(0, 40), expected, `${serverFile}.hash says ${sidecar.slice(0, 40)}, sha1sum of the local file is ${expected}`);
  if (/^[0-9a-f]{40} {2}/.test(sidecar)) {
    execFileSync('sha1sum', ['--check', '--strict', `${serverFile.split('/').pop()}.hash`], { cwd: dirname(serverFile), stdio: 'pipe' });
  }
  const name = serverFile.split('/').pop()!;
  for (const n of [name, `${name}.hash`]) assert.equal(existsSync(join(dirname(serverFile), temporaryName(n))), false, `temporary file of ${n} left behind`);
  if (receipt) {
    const entry = receipt.files.find((f) => f.remotePath.split('/').pop() === name);
    assert.ok(entry, `the receipt lists ${name}`);
    assert.equal(entry.status, 'delivered');
    assert.equal(entry.sha1, expected, `the receipt's SHA-1 of ${name}`);
  }
  return expected;
}

export function serverPath(server: { sftpRoot: string }, folder: string, name: string): string {
  return join(server.sftpRoot, folder, name);
}
