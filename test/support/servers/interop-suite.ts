// TEST-ONLY: the tests every foreign SFTP server gets, from the core API and from the CLI: logins
// (RSA, Ed25519, password where offered), 0 B / 1 B / 3 MiB files with spaces and accents up, listed,
// down and deleted, deliveries with every --existing choice, and a connection cut mid-upload then
// resumed — each delivered X and X.hash checked with sha1sum on the server's folder against the
// local file and the receipt. Cases that fail because of a known bug run as node:test todos.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadFile, temporaryName, uploadFile } from '../../../core/sftp/index.ts';
import { sidecarName } from '../../../core/hash/sidecar.ts';
import { startTcpSwitch, type TcpSwitch } from '../tcp-switch.ts';
import { assertDelivered, serverPath, sha1sum, type ReceiptLike } from './delivered-check.ts';
import { connectionArgs, courier, interopProfileFile, type Login } from './interop-cli.ts';
import { connectCore, coreDeliver, filePair } from './interop-core.ts';
import type { InteropKeys } from './interop-keys.ts';
import type { RunningSftpServer } from './server-process.ts';
import type { ServerSet } from './server-set.ts';

/** `true`: must work. A string: a node:test todo naming the issue item, e.g. 'issue 9.2: ...'. */
export type Expectation = true | string;

export type InteropCase = 'transfer' | 'deliver' | 'existing' | 'resume';

export interface InteropSpec {
  title: string;
  /** The file's servers (test/support/servers/server-set.ts): this suite's one and the keys. */
  set: ServerSet<string>;
  server: string;
  /** Where files go: '' (the login folder) or e.g. 'incoming'. */
  folder: string;
  /** The logins the server offers, and whether ours work there today. */
  logins: Partial<Record<Login, Expectation>>;
  /** The login the transfer and delivery tests use (one that works, where there is one). */
  transferLogin: Login;
  /** Known failures of whole cases, from core and CLI alike. */
  todo?: Partial<Record<InteropCase, string>>;
  /**
   * After a cut: 'continues' at the bytes the server holds (default), or 'restarts' from byte 0
   * for servers that cannot write at an offset (rclone: "Illegal seek"), saying so in log and receipt.
   */
  resume?: 'continues' | 'restarts';
}

export const SMALL_NAMES = { empty: 'leeg.dat', one: 'x.csv', accented: 'Aanlevering 2024 – été.csv' } as const;

export interface LocalFiles {
  dir: string;
  empty: string;
  one: string;
  accented: string;
  /** 32 MiB: long enough to cut mid-upload. */
  big: string;
}

export function makeLocalFiles(): LocalFiles {
  const dir = mkdtempSync(join(tmpdir(), 'courier-interop-files-'));
  const f = (name: string) => join(dir, name);
  writeFileSync(f(SMALL_NAMES.empty), '');
  writeFileSync(f(SMALL_NAMES.one), 'x');
  writeFileSync(f(SMALL_NAMES.accented), randomBytes(3 * 1024 * 1024 + 5));
  const big = f('groot bestand – résumé.dat');
  const fd = openSync(big, 'w');
  for (let i = 0; i < 32; i++) writeSync(fd, randomBytes(1024 * 1024));
  closeSync(fd);
  return { dir, empty: f(SMALL_NAMES.empty), one: f(SMALL_NAMES.one), accented: f(SMALL_NAMES.accented), big };
}

const opts = (todo: string | undefined, timeout = 120_000) => (todo ? { todo, timeout } : { timeout });
const todoOf = (e: Expectation | undefined) => (typeof e === 'string' ? e : undefined);

/** Waits until `path` holds more than `bytes`, or `stop()` says to give up. */
export async function waitForPartial(path: string, bytes: number, stop: () => boolean, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stop()) {
    if (existsSync(path) && statSync(path).size > bytes) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

export function interopSuite(spec: InteropSpec): void {
  describe(spec.title, () => {
    let keys: InteropKeys;
    let files: LocalFiles;
    let server: RunningSftpServer;
    let sw: TcpSwitch;
    let profiles: string;
    const todo = spec.todo ?? {};
    const transferTodo = todoOf(spec.logins[spec.transferLogin]);
    const caseTodo = (c: InteropCase) => transferTodo ?? todo[c];
    const folderArgs = spec.folder ? ['--to', spec.folder] : [];
    const at = (name: string) => serverPath(server, spec.folder, name);
    const remote = (name: string) => (spec.folder ? `${spec.folder}/${name}` : name);
    const assertResumed = (file: { resumedFrom?: number; restartedFromZero?: true }, log: string) => {
      if (spec.resume === 'restarts') {
        assert.equal(file.restartedFromZero, true, `the receipt says it was sent again from 0:\n${log}`);
        assert.match(log, /again from the start/);
      } else assert.ok((file.resumedFrom ?? 0) > 0, `resumed, not restarted:\n${log}`);
    };
    // A login that fails at once fails here with its cause, not after the CLI's reconnect backoff
    // (which retries even permanent refusals today: issue 9.4).
    const loginWorks = async () => (await connectCore(server, keys, spec.transferLogin)).close();

    before(async () => {
      keys = spec.set.keys();
      files = makeLocalFiles();
      server = await spec.set.server(spec.server);
      sw = await startTcpSwitch(server.port);
      profiles = interopProfileFile(files.dir, spec.folder);
    });
    after(async () => {
      await sw?.close();
      if (files) rmSync(files.dir, { recursive: true, force: true });
    });

    for (const [login, expectation] of Object.entries(spec.logins) as [Login, Expectation][]) {
      test(`core: logs in with ${login}`, opts(todoOf(expectation)), async () => {
        const s = await connectCore(server, keys, login);
        try {
          assert.ok(Object.values(server.hostKeyFingerprints).includes(s.ssh.hostKey.sha256), s.ssh.hostKey.sha256);
          assert.ok((await s.sftp.realpath('.')).startsWith('/'));
        } finally {
          await s.close();
        }
      });
      // The transfer login is the CLI's every command below.
      if (login !== spec.transferLogin) test(`cli: logs in with ${login} (ls)`, opts(todoOf(expectation)), async () => {
        const r = await courier(['ls', ...connectionArgs(server, keys, login), ...(spec.folder ? [spec.folder] : [])]);
        assert.equal(r.status, 0, r.stderr);
      });
    }

    test('core: 0 B, 1 B and 3 MiB (spaces, accents) go up, are listed, come back equal, are deleted', opts(caseTodo('transfer')), async () => {
      const s = await connectCore(server, keys, spec.transferLogin);
      try {
        const sent = [files.empty, files.one, files.accented];
        for (const f of sent) {
          const name = `core ${f.split('/').pop()}`;
          const up = await uploadFile(s.sftp, remote(name), filePair(f).data);
          assert.equal(up.bytes, statSync(f).size);
          assert.equal(sha1sum(at(name)), sha1sum(f), name);
        }
        const listed = new Map((await s.sftp.list(spec.folder || '.')).map((e) => [e.filename, e.attributes.size]));
        for (const f of sent) assert.equal(listed.get(`core ${f.split('/').pop()}`), statSync(f).size, `listing: ${[...listed.keys()].join(', ')}`);
        for (const f of sent) {
          const chunks: Uint8Array[] = [];
          await downloadFile(s.sftp, remote(`core ${f.split('/').pop()}`), (c) => void chunks.push(c.slice()));
          assert.deepEqual(Buffer.concat(chunks), readFileSync(f));
        }
        for (const f of sent) {
          await s.sftp.remove(remote(`core ${f.split('/').pop()}`));
          assert.equal(existsSync(at(`core ${f.split('/').pop()}`)), false);
        }
      } finally {
        await s.close();
      }
    });

    test('core: a delivery run puts X and X.hash; sha1sum on the server and the receipt agree', opts(caseTodo('deliver')), async () => {
      const dir = join(files.dir, 'core-deliver');
      mkdirSync(dir);
      const sent = [files.empty, files.one, files.accented].map((f) => {
        const copy = join(dir, `run ${f.split('/').pop()}`);
        writeFileSync(copy, readFileSync(f));
        return copy;
      });
      const { receipt, log } = await coreDeliver(server, keys, spec.transferLogin, sent, { folder: spec.folder });
      assert.deepEqual(receipt.files.map((f) => f.status), ['delivered', 'delivered', 'delivered'], log.join('\n'));
      for (const f of sent) assertDelivered(at(f.split('/').pop()!), f, receipt);
    });

    test('core: a connection cut mid-upload is resumed, and the result is whole', opts(caseTodo('resume'), 180_000), async () => {
      let cut = 0;
      const { receipt, log } = await coreDeliver(server, keys, spec.transferLogin, [files.big], {
        folder: spec.folder, port: sw.port,
        onChange: (items) => {
          if (cut === 0 && items[0]!.bytesDone > 8 * 1024 * 1024) cut = sw.cutAll();
        },
      });
      assert.ok(cut >= 1, 'a live connection was cut');
      assert.equal(receipt.files[0]!.status, 'delivered', `${receipt.files[0]!.error}\n${log.join('\n')}`);
      assertResumed(receipt.files[0]!, log.join('\n'));
      assertDelivered(at(files.big.split('/').pop()!), files.big, receipt);
    });

    test('cli: upload 0 B, 1 B, 3 MiB; ls lists them; get gives the same bytes; rm removes them', opts(caseTodo('transfer')), async () => {
      const conn = connectionArgs(server, keys, spec.transferLogin);
      const sent = [files.empty, files.one, files.accented];
      const up = await courier(['upload', ...conn, ...folderArgs, ...sent]);
      assert.equal(up.status, 0, up.stderr);
      for (const f of sent) assert.equal(sha1sum(at(f.split('/').pop()!)), sha1sum(f));
      const ls = await courier(['ls', ...conn, ...(spec.folder ? [spec.folder] : [])]);
      assert.equal(ls.status, 0, ls.stderr);
      for (const f of sent) {
        const name = f.split('/').pop()!;
        assert.ok(ls.stdout.split('\n').some((l) => l.endsWith(` ${name}`) && new RegExp(`\\s${statSync(f).size}\\s`).test(l)), `${name} in:\n${ls.stdout}`);
      }
      const back = mkdtempSync(join(files.dir, 'get-'));
      const get = await courier(['get', ...conn, '--to', back, ...sent.map((f) => remote(f.split('/').pop()!))]);
      assert.equal(get.status, 0, get.stderr);
      for (const f of sent) assert.equal(sha1sum(join(back, f.split('/').pop()!)), sha1sum(f));
      const rm = await courier(['rm', ...conn, ...sent.map((f) => remote(f.split('/').pop()!))]);
      assert.equal(rm.status, 0, rm.stderr);
      for (const f of sent) assert.equal(existsSync(at(f.split('/').pop()!)), false);
    });

    test('cli: deliver with --existing fail, skip, overwrite and keep-both', opts(caseTodo('existing')), async () => {
      await loginWorks();
      const conn = connectionArgs(server, keys, spec.transferLogin);
      const local = join(mkdtempSync(join(files.dir, 'existing-')), 'Bestaand – één.csv');
      const deliver = async (...extra: string[]) => {
        const receiptFile = `${local}.receipt-${Date.now()}.json`;
        const r = await courier(['deliver', '--profile', 'interop', '--profiles-file', profiles, ...conn, '--receipt', receiptFile, ...extra, local]);
        return { ...r, receipt: existsSync(receiptFile) ? (JSON.parse(readFileSync(receiptFile, 'utf8')) as ReceiptLike) : undefined };
      };
      const name = 'Bestaand – één.csv';
      writeFileSync(local, 'versie 1\n');
      const first = await deliver();
      assert.equal(first.status, 0, first.stderr);
      const v1 = assertDelivered(at(name), local, first.receipt);

      writeFileSync(local, 'versie 2, langer\n');
      const fail = await deliver();
      assert.equal(fail.status, 1, fail.stderr);
      assert.match(fail.stderr + fail.stdout, /already exists/);
      assert.equal(sha1sum(at(name)), v1, 'fail leaves the server file as it was');
      assert.equal(readFileSync(at(sidecarName(name)), 'utf8').slice(0, 40), v1);

      const skip = await deliver('--existing', 'skip');
      assert.equal(skip.status, 0, skip.stderr);
      assert.match(skip.stdout, /SKIPPED/);
      assert.equal(sha1sum(at(name)), v1, 'skip leaves the server file as it was');

      const overwrite = await deliver('--existing', 'overwrite');
      assert.equal(overwrite.status, 0, overwrite.stderr);
      assertDelivered(at(name), local, overwrite.receipt);

      const v2 = sha1sum(local);
      writeFileSync(local, 'versie 3, de langste van alle\n');
      const both = await deliver('--existing', 'keep-both');
      assert.equal(both.status, 0, both.stderr);
      assert.equal(sha1sum(at(name)), v2, 'keep-both leaves the first file');
      assertDelivered(at('Bestaand – één (2).csv'), local, both.receipt);
    });

    test('cli: deliver through a connection cut mid-upload resumes and delivers it whole', opts(caseTodo('resume'), 180_000), async () => {
      await loginWorks();
      const local = join(mkdtempSync(join(files.dir, 'cli-cut-')), `cli ${files.big.split('/').pop()!}`);
      writeFileSync(local, readFileSync(files.big));
      const receiptFile = join(files.dir, 'cli-cut-receipt.json');
      const name = local.split('/').pop()!;
      let exited = false;
      const run = courier(['deliver', '--profile', 'interop', '--profiles-file', profiles, ...connectionArgs(server, keys, spec.transferLogin, sw.port), '--receipt', receiptFile, local]);
      void run.then(() => (exited = true));
      const growing = await waitForPartial(at(temporaryName(name)), 8 * 1024 * 1024, () => exited);
      assert.ok(growing, 'the upload did not progress (or finished before it could be cut)');
      assert.ok(sw.cutAll() >= 1, 'a live connection was cut');
      const r = await run;
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /reconnecting/);
      const receipt = JSON.parse(readFileSync(receiptFile, 'utf8')) as ReceiptLike;
      assertResumed(receipt.files[0]!, r.stderr);
      assertDelivered(at(name), local, receipt);
    });

    test('cli: an unpinned host key is refused (exit 4) with the fingerprint ssh-keygen computes', opts(transferTodo), async () => {
      const conn = connectionArgs(server, keys, spec.transferLogin).filter((a, i, all) => a !== '--host-key' && all[i - 1] !== '--host-key');
      const r = await courier(['ls', ...conn]);
      assert.equal(r.status, 4, r.stderr);
      assert.ok(Object.values(server.hostKeyFingerprints).some((fp) => r.stderr.includes(fp)), r.stderr);
    });

    if (spec.logins.password) {
      test('cli: a wrong password is refused as such (exit 5)', opts(todoOf(spec.logins.password)), async () => {
        const conn = connectionArgs(server, keys, 'password');
        const file = conn[conn.indexOf('--password-file') + 1]!;
        const good = readFileSync(file, 'utf8');
        writeFileSync(file, 'not-the-password\n');
        try {
          const r = await courier(['ls', ...conn]);
          assert.equal(r.status, 5, r.stderr);
          assert.match(r.stderr, /wrong password/);
        } finally {
          writeFileSync(file, good);
        }
      });
    }
  });
}
