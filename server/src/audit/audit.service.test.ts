import { describe, expect, it } from 'vitest';
import { canonicalJson, chainHash, GENESIS_HASH, type ChainedFields } from './audit.service.js';

const row: ChainedFields = {
  id: '7a1f0c9e-2b44-4c1e-9c1a-1b2c3d4e5f60',
  seq: '1',
  type: 'login',
  at: new Date('2026-11-28T10:00:00.900Z'),
  actorId: null,
  subjectUserId: null,
  messageId: null,
  data: { b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } },
  prevHash: GENESIS_HASH,
};

describe('audit chain hashing', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson(row.data)).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('changes with any field, and with the previous hash', () => {
    const base = chainHash(row);
    expect(chainHash({ ...row, data: { a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 } })).toBe(base);
    for (const change of [{ type: 'logout' }, { seq: '2' }, { actorId: row.id }, { data: { b: 2 } }, { prevHash: 'f'.repeat(64) }, { at: new Date('2026-11-28T10:00:01Z') }]) {
      expect(chainHash({ ...row, ...change })).not.toBe(base);
    }
  });
});
