import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ev, evError } from './helpers.ts';

const hex = (v: unknown): string => Buffer.from(v as Uint8Array).toString('hex');

describe('kro Random', () => {
  it('derives strings from SHA-256 of the seed, 4 bytes per character, cycling every 8', () => {
    const s = ev("random.seededString(20, 'uid-1')") as string;
    assert.match(s, /^[0-9a-z]{20}$/);
    const h = createHash('sha256').update('uid-1').digest();
    const want = Array.from(
      { length: 20 },
      (_, i) => '0123456789abcdefghijklmnopqrstuvwxyz'[h.readUInt32BE((i * 4) % 32) % 36],
    ).join('');
    assert.equal(s, want);
    assert.equal(s.slice(0, 8), s.slice(8, 16));
    assert.equal(evError("random.seededString(0, 'x')"), 'random.seededString length must be positive');
  });

  it('derives ints in [min, max)', () => {
    const h = createHash('sha256').update('seed').digest().readBigUInt64BE(0);
    assert.equal(ev("random.seededInt(30000, 32768, 'seed')"), 30000n + (h % 2768n));
    assert.equal(evError("random.seededInt(5, 5, 'x')"), 'random.seededInt min must be less than max');
  });
});

describe('kro Hash, JSON and ext.Encoders', () => {
  it('hashes', () => {
    assert.equal(hex(ev("hash.fnv64a('hello')")), 'a430d84680aabd0b');
    assert.equal(hex(ev("hash.fnv64a('')")), 'cbf29ce484222325');
    assert.equal(hex(ev("hash.sha256('abc')")), createHash('sha256').update('abc').digest('hex'));
    assert.equal(hex(ev("hash.md5('abc')")), '900150983cd24fb0d6963f7d28e17f72');
  });

  it('marshals like Go encoding/json and unmarshals numbers as doubles', () => {
    assert.equal(
      ev("json.marshal({'b': 1, 'a': ['<&>', true, null, 1.5]})"),
      '{"a":["\\u003c\\u0026\\u003e",true,null,1.5],"b":1}',
    );
    assert.equal(ev("json.marshal(b'hi')"), '"aGk="');
    assert.equal(ev('json.unmarshal(\'{"n": 1}\').n'), 1);
    assert.equal(ev('type(json.unmarshal(\'{"n": 1}\').n) == double'), true);
    assert.match(evError("json.unmarshal('{')"), /^json\.unmarshal failed to parse JSON/);
  });

  it('encodes and decodes base64, padded or not', () => {
    assert.equal(ev("base64.encode(b'hello')"), 'aGVsbG8=');
    assert.equal(hex(ev("base64.decode('aGVsbG8')")), Buffer.from('hello').toString('hex'));
    assert.match(evError("base64.decode('a*b=')"), /^illegal base64 data at input byte 1/);
  });
});
