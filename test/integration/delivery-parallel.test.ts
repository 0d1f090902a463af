// Parallel transfers against a real OpenSSH server: several files side by side over three SFTP
// channels of one connection, one large file split over three channels (written at offsets of its
// one temporary file), a cut mid-transfer resumed exactly, and a server that allows one channel per
// connection (extra connections instead). Every file is checked with sha1sum on the server side.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type RunningSshd } from '../support/sshd.ts';
import { connectTo, descendants } from '../support/ssh-client.ts';
import { SftpSession } from '../../core/sftp/session.ts';
import { DeliveryRun, SessionLog, type DeliveryItem, type DeliveryRunOptions, type DeliverySession } from '../../core/delivery/index.ts';

const MiB = 1024 * 1024;
const local = mkdtempSync(join(tmpdir(), 'courier-parallel-'));
const sha1 = (path: string) => execFileSync('sha1sum', [path]).toString().split(' ')[0]!;

function makeFiles(prefix: string, sizes: number[]): string[] {
  return sizes.map((size, i) => {
    const p = join(local, `${prefix}-${i}.bin`);
    writeFileSync(p, randomBytes(size));
    return p;
  });
}

const pairOf = (p: string) => ({ name: p.split('/').pop()!, data: { size: statSync(p).size, openAt: (o: number) => createReadStream(p, { start: o, highWaterMark: MiB }) } });

/** Counts, per SFTP session, the WRITE requests it carried (to see a file really went over several channels). */
function countWrites(session: SftpSession, counts: Map<SftpSession, number>): SftpSession {
  const write = session.writeRequest.bind(session);
  counts.set(session, 0);
  session.writeRequest = (handle, offset, data) => {
    counts.set(session, (counts.get(session) ?? 0) + 1);
    return write(handle, offset, data);
  };
  return session;
}

interface Harness {
  connects: number;
  channels: number;
  writes: Map<SftpSession, number>;
  connect: () => Promise<DeliverySession>;
}

function harness(sshd: RunningSshd): Harness {
  const h: Harness = {
    connects: 0,
    channels: 0,
    writes: new Map(),
    connect: async () => {
      h.connects++;
      const ssh = await connectTo(sshd, { auth: { password: sshd.password } });
      const sftp = countWrites(await SftpSession.open(await ssh.openSubsystem('sftp')), h.writes);
      return {
        sftp,
        hostKeyFingerprint: ssh.hostKey.sha256,
        openSftp: async () => {
          const extra = countWrites(await SftpSession.open(await ssh.openSubsystem('sftp')), h.writes);
          h.channels++;
          return extra;
        },
        close: () => ssh.close(),
      };
    },
  };
  return h;
}

function runOptions(sshd: RunningSshd, h: Harness, folder: string, over: Partial<DeliveryRunOptions> = {}): DeliveryRunOptions {
  return {
    receiptId: 'parallel',
    profile: { id: 'p', label: 'P', targetId: 'local', uploadFolder: folder, sidecar: { required: true, style: 'hex' }, tempRename: true },
    user: sshd.user,
    backoffMs: () => 50,
    onExisting: async () => 'skip',
    connect: h.connect,
    ...over,
  };
}

/** Kills the server side of every live connection (sshd's per-connection processes): a network cut. */
function cutConnections(sshd: RunningSshd): void {
  const master = Number(execFileSync('ps', ['-o', 'pid=', '--ppid', String(sshd.pid)]).toString().trim().split('\n')[0]);
  for (const pid of descendants(master)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function assertArrived(sshd: RunningSshd, folder: string, files: string[], receiptSha1s: string[]): void {
  for (const [i, p] of files.entries()) {
    const remote = join(sshd.sftpRoot, folder, p.split('/').pop()!);
    assert.equal(sha1(remote), sha1(p), `${remote} holds exactly the local bytes`);
    assert.equal(receiptSha1s[i], sha1(p), 'the receipt reports the SHA-1 of those bytes');
    assert.equal(readFileSync(`${remote}.hash`, 'utf8'), sha1(p));
  }
  assert.deepEqual(readdirSync(join(sshd.sftpRoot, folder)).filter((n) => n.endsWith('.courier-part')), [], 'no temporary file left');
}

describe('parallel transfers over several SFTP channels', () => {
  let sshd: RunningSshd;
  let n = 0;
  const folder = () => {
    const name = `run-${++n}`;
    execFileSync('install', ['-d', '-o', sshd.user, join(sshd.sftpRoot, name)]);
    return name;
  };
  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });

  test('several files go side by side over three channels of one connection and arrive exact', async () => {
    const dir = folder();
    const files = makeFiles('side', [6 * MiB, 6 * MiB, 6 * MiB, 5 * MiB, 1000]);
    const h = harness(sshd);
    let mostAtOnce = 0;
    const run = new DeliveryRun(files.map(pairOf), runOptions(sshd, h, dir, {
      onChange: (items: readonly DeliveryItem[]) => {
        mostAtOnce = Math.max(mostAtOnce, items.filter((i) => i.state === 'sending').length);
      },
    }));
    const receipt = await run.run();
    assert.deepEqual(receipt.files.map((f) => f.status), files.map(() => 'delivered'));
    assert.equal(h.connects, 1);
    assert.equal(h.channels, 2, 'two more SFTP channels were opened on the connection');
    assert.equal(mostAtOnce, 3, 'three files were under way at once');
    assert.equal([...h.writes.values()].filter((w) => w > 0).length, 3, 'each channel carried writes');
    assertArrived(sshd, dir, files, receipt.files.map((f) => f.sha1));
  });

  test('one large file is split over three channels into its one temporary file and arrives exact', async () => {
    const dir = folder();
    const files = makeFiles('split', [40 * MiB + 12345]);
    const h = harness(sshd);
    const receipt = await new DeliveryRun(files.map(pairOf), runOptions(sshd, h, dir)).run();
    assert.equal(receipt.files[0]!.status, 'delivered');
    assert.equal(h.channels, 2);
    const writes = [...h.writes.values()];
    assert.equal(writes.filter((w) => w > 10).length, 3, `all three channels wrote parts of the file (${writes.join(', ')})`);
    assertArrived(sshd, dir, files, receipt.files.map((f) => f.sha1));
  });

  test('a cut while a split file is under way: the run reconnects and resumes it exactly', async () => {
    const dir = folder();
    const files = makeFiles('cut', [48 * MiB + 777]);
    const h = harness(sshd);
    const log = new SessionLog();
    let cut = false;
    const receipt = await new DeliveryRun(files.map(pairOf), runOptions(sshd, h, dir, {
      log,
      onChange: (items: readonly DeliveryItem[]) => {
        if (!cut && items[0]!.bytesDone > 12 * MiB) {
          cut = true;
          cutConnections(sshd);
        }
      },
    })).run();
    assert.ok(cut, 'the connection was cut');
    assert.equal(h.connects, 2);
    const file = receipt.files[0]!;
    assert.equal(file.status, 'delivered');
    assert.ok((file.resumedFrom ?? 0) > 12 * MiB, `resumed past the confirmed 12 MiB (at ${file.resumedFrom})`);
    assert.equal(file.resumeProof, 'confirmed');
    assert.match(log.text(), /reconnecting \(1\/5\)/);
    assertArrived(sshd, dir, files, receipt.files.map((f) => f.sha1));
  });

  test('a cut while several files go side by side: each resumes exactly', async () => {
    const dir = folder();
    const files = makeFiles('cutside', [12 * MiB, 12 * MiB, 12 * MiB]);
    const h = harness(sshd);
    let cut = false;
    const receipt = await new DeliveryRun(files.map(pairOf), runOptions(sshd, h, dir, {
      onChange: (items: readonly DeliveryItem[]) => {
        if (!cut && items.every((i) => i.bytesDone > 2 * MiB)) {
          cut = true;
          cutConnections(sshd);
        }
      },
    })).run();
    assert.ok(cut, 'the connection was cut with every file under way');
    assert.deepEqual(receipt.files.map((f) => f.status), ['delivered', 'delivered', 'delivered']);
    assert.ok(receipt.files.every((f) => (f.resumedFrom ?? 0) > 0), `every file resumed (${receipt.files.map((f) => f.resumedFrom).join(', ')})`);
    assertArrived(sshd, dir, files, receipt.files.map((f) => f.sha1));
  });

  // A split upload's partial may hold later parts with gaps after its intact start (the channels'
  // servers stop at different points): it is compared byte for byte, not by the SHA-1 of all of it.
  test('a split upload cut for good: a later run reads the partial back and continues after its intact start', async () => {
    const dir = folder();
    const [file] = makeFiles('later', [48 * MiB + 99]);
    const name = file!.split('/').pop()!;
    const partial = join(sshd.sftpRoot, dir, `.${name}.courier-part`);
    let cut = false;
    const first = await new DeliveryRun([pairOf(file!)], runOptions(sshd, harness(sshd), dir, {
      maxReconnects: 0,
      onChange: (items: readonly DeliveryItem[]) => {
        if (!cut && items[0]!.bytesDone > 12 * MiB) {
          cut = true;
          cutConnections(sshd);
        }
      },
    })).run();
    assert.equal(first.files[0]!.status, 'failed');
    const size = statSync(partial).size;

    const log = new SessionLog();
    const receipt = await new DeliveryRun([pairOf(file!)], runOptions(sshd, harness(sshd), dir, { log })).run();
    const f = receipt.files[0]!;
    assert.equal(f.status, 'delivered');
    assert.equal(f.resumeProof, 'read-back');
    assert.ok((f.resumedFrom ?? 0) > 8 * MiB && (f.resumedFrom ?? 0) <= size, `continued at ${f.resumedFrom} of a ${size}-byte partial`);
    assert.match(log.text(), /read back and compared with the local file/);
    assertArrived(sshd, dir, [file!], [f.sha1]);
  });

  // Failed before the fix (resumedFrom undefined: 'not-a-prefix', sent again from 0): the SHA-1 of
  // the whole partial was compared with that of the same length of the local file.
  test('a partial that shares only its start with the local file is continued after the shared part', async () => {
    const dir = folder();
    const [file] = makeFiles('shared-start', [2 * MiB]);
    const name = file!.split('/').pop()!;
    const local = readFileSync(file!);
    const partial = join(sshd.sftpRoot, dir, `.${name}.courier-part`);
    writeFileSync(partial, Buffer.concat([local.subarray(0, 300 * 1024), randomBytes(200 * 1024)]));
    execFileSync('chown', [sshd.user, partial]);
    const receipt = await new DeliveryRun([pairOf(file!)], runOptions(sshd, harness(sshd), dir)).run();
    const f = receipt.files[0]!;
    assert.equal(f.resumedFrom, 256 * 1024, 'continued at the last 64 KiB boundary before the first difference');
    assert.equal(f.resumeProof, 'read-back');
    assertArrived(sshd, dir, [file!], [f.sha1]);
  });
});

describe('a server that allows one channel per connection (MaxSessions 1)', () => {
  let sshd: RunningSshd;
  before(async () => {
    sshd = await startSshd({ maxSessions: 1 });
  });
  after(async () => {
    await sshd?.stop();
  });

  test('the run opens extra connections instead, and a split file still arrives exact', async () => {
    const files = makeFiles('onechannel', [20 * MiB, 3 * MiB]);
    const h = harness(sshd);
    const log = new SessionLog();
    let extra = 0;
    const receipt = await new DeliveryRun(files.map(pairOf), runOptions(sshd, h, '', {
      log,
      connectExtra: async () => {
        extra++;
        return h.connect();
      },
    })).run();
    assert.deepEqual(receipt.files.map((f) => f.status), ['delivered', 'delivered']);
    assert.equal(h.channels, 0, 'the server refused every second channel');
    assert.ok(extra >= 1, 'another connection carried a lane');
    assert.match(log.text(), /fewer parallel transfers: the server refused another SFTP channel/);
    assertArrived(sshd, '', files, receipt.files.map((f) => f.sha1));
  });

  test('without a way to make more connections the files share the one channel and arrive exact', async () => {
    const files = makeFiles('shared', [2 * MiB, 2 * MiB, 2 * MiB]);
    const h = harness(sshd);
    const log = new SessionLog();
    const receipt = await new DeliveryRun(files.map(pairOf), runOptions(sshd, h, '', { log })).run();
    assert.deepEqual(receipt.files.map((f) => f.status), ['delivered', 'delivered', 'delivered']);
    assert.equal(h.connects, 1);
    assert.equal(h.channels, 0);
    assert.match(log.text(), /fewer parallel transfers: the server refused another SFTP channel/);
    assertArrived(sshd, '', files, receipt.files.map((f) => f.sha1));
  });
});
