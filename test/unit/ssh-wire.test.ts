// The one SSH wire codec (core/ssh/wire.ts): RFC 4251 §5's own examples, and every overrun
// a clear error rather than a read past the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SshReader, SshWriter, bigintToBytes, bytesToBigint } from '../../core/ssh/wire.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('RFC 4251 §5 mpint examples (the non-negative ones)', () => {
  assert.equal(hex(new SshWriter().mpint(0n).bytes()), '00000000');
  assert.equal(hex(new SshWriter().mpint(0x9a378f9b2e332a7n).bytes()), '0000000809a378f9b2e332a7');
  assert.equal(hex(new SshWriter().mpint(0x80n).bytes()), '000000020080');
  // Leading zero bytes of the input are not part of the encoding.
  assert.equal(hex(new SshWriter().mpint(Uint8Array.of(0, 0, 0x7f)).bytes()), '000000017f');
});

test('RFC 4251 §5 name-list examples', () => {
  assert.equal(hex(new SshWriter().nameList([]).bytes()), '00000000');
  assert.equal(hex(new SshWriter().nameList(['zlib']).bytes()), '000000047a6c6962');
  assert.equal(hex(new SshWriter().nameList(['zlib', 'none']).bytes()), '000000097a6c69622c6e6f6e65');
  assert.deepEqual(new SshReader(Buffer.from('000000097a6c69622c6e6f6e65', 'hex')).nameList(), ['zlib', 'none']);
});

test('round trip of every field type', () => {
  const w = new SshWriter(4).byte(7).boolean(true).uint32(0xdeadbeef).uint64(2 ** 40 + 5).string('héllo').string(Uint8Array.of(1, 2)).mpint(123456789n).nameList(['a', 'b']);
  const r = new SshReader(w.bytes());
  assert.equal(r.byte(), 7);
  assert.equal(r.boolean(), true);
  assert.equal(r.uint32(), 0xdeadbeef);
  assert.equal(r.uint64(), 2 ** 40 + 5);
  assert.equal(r.text(), 'héllo');
  assert.deepEqual([...r.string()], [1, 2]);
  assert.equal(bytesToBigint(r.mpint()), 123456789n);
  assert.deepEqual(r.nameList(), ['a', 'b']);
  r.done();
});

test('truncated or malformed input fails with the given error, naming the field', () => {
  const fail = (what: string) => new Error(`bad: ${what}`);
  assert.throws(() => new SshReader(Uint8Array.of(0, 0, 0), fail).uint32('length'), /bad: length cut short/);
  assert.throws(() => new SshReader(Uint8Array.of(0, 0, 0, 9, 1, 2), fail).string('name'), /bad: name cut short/);
  assert.throws(() => new SshReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff), fail).string('blob'), /bad: blob cut short/);
  assert.throws(() => new SshReader(Uint8Array.of(0, 0, 0, 1, 0x80), fail).mpint('e'), /bad: e is negative/);
  assert.throws(() => new SshReader(Uint8Array.of(0, 0, 0, 2, 0xc3, 0x28), fail).text('user'), /bad: user is not valid UTF-8/);
  assert.throws(() => new SshReader(Uint8Array.of(0, 0, 0, 3, 0x61, 0x20, 0x62), fail).nameList('kex'), /bad: kex holds a byte/);
  assert.throws(() => new SshReader(Uint8Array.of(1, 2), fail).done('reply'), /bad: reply has 2 unexpected trailing bytes/);
});

test('fixed-width big-endian numbers', () => {
  assert.equal(hex(bigintToBytes(1n, 4)), '00000001');
  assert.equal(hex(bigintToBytes(0n)), '');
  assert.throws(() => bigintToBytes(0x10000n, 2), RangeError);
});
