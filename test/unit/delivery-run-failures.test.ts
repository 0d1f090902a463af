// DeliveryRun's decisions when connecting fails, with time injected: a permanent cause (no common
// cipher, a refused key) ends the run at once; a transient one (connection refused, timeout)
// reconnects with backoff and then fails the file, retryable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryRun, SessionLog, type DeliverySession } from '../../core/delivery/index.ts';
import { AuthenticationError, NegotiationError, SshConnectionError } from '../../core/ssh/errors.ts';

const pairs = ['a.csv', 'b.csv', 'c.csv'].map((name) => ({ name, data: { size: 3, openAt: () => new Uint8Array([1, 2, 3]) } }));
const profile = { id: 'p', label: 'P', targetId: 't', uploadFolder: 'incoming', sidecar: { required: true, style: 'hex' as const }, tempRename: true };

function runWith(connect: () => Promise<DeliverySession>) {
  const waits: number[] = [];
  const log = new SessionLog();
  const run = new DeliveryRun(pairs, {
    receiptId: 'r', profile, user: 'u', log, connect, onExisting: async () => 'skip',
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { run, waits, log };
}

for (const [label, error] of [
  ['no common cipher', new NegotiationError('cipher', ['aes128-ctr'], ['aes128-gcm@openssh.com'])],
  ['a refused key', new AuthenticationError('key-refused', 'the server refused this key', { user: 'u' })],
] as const) {
  test(`${label}: one connect, no waiting, every file failed with that cause, not retryable`, async () => {
    let connects = 0;
    const { run, waits, log } = runWith(async () => {
      connects++;
      throw error;
    });
    const receipt = await run.run();
    assert.equal(connects, 1);
    assert.deepEqual(waits, []);
    assert.deepEqual(receipt.files.map((f) => [f.status, f.errorCode]), pairs.map(() => ['failed', error.code]));
    assert.equal(run.fatalError?.code, error.code);
    assert.deepEqual(run.items.map((i) => i.error?.retryable), [false, false, false]);
    assert.doesNotMatch(log.text(), /reconnecting/);
    assert.equal(log.text().match(/failed: /g)?.length, 1, log.text());
    // A retry cannot help: the item stays failed and nothing is tried.
    await run.retry(1);
    assert.equal(connects, 1);
  });
}

test('connection refused: reconnects with growing backoff, then stops the run; every file failed, retryable', async () => {
  let connects = 0;
  const { run, waits } = runWith(async () => {
    connects++;
    throw new SshConnectionError('connection-refused', 'nothing listens there', { where: 'x' });
  });
  const receipt = await run.run();
  assert.equal(connects, 6); // 1 + 5 reconnects, then the others are not tried
  assert.deepEqual(waits.slice(0, 5), [1000, 2000, 4000, 8000, 16000]);
  assert.deepEqual(receipt.files.map((f) => f.status), ['failed', 'failed', 'failed']);
  assert.deepEqual(run.items.map((i) => i.error?.retryable), [true, true, true]);
  assert.equal(run.fatalError?.code, 'connection-refused');
});

test('a snapshot taken while the run goes on lists unfinished files as pending', async () => {
  let snapshot: ReturnType<DeliveryRun['snapshot']> | undefined;
  const { run } = runWith(async () => {
    snapshot = run.snapshot();
    throw new NegotiationError('kex', ['x'], ['y']);
  });
  const receipt = await run.run();
  assert.deepEqual(snapshot?.files.map((f) => f.status), ['pending', 'pending', 'pending']);
  assert.equal(snapshot?.finishedAt, undefined);
  assert.ok(receipt.files.every((f) => f.status !== 'pending'));
});
