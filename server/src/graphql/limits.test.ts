import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_ALIASES, MAX_DEPTH, operationLimits } from './limits.js';

const schema = buildSchema(`type Node { id: ID! parent: Node children: [Node!]! } type Query { node: Node }`);
const codes = (query: string) => validate(schema, parse(query), [...specifiedRules, operationLimits]).map((e) => e.extensions.code);
const nested = (depth: number) => `{ node { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

describe('operation limits', () => {
  it(`accepts ${MAX_DEPTH} levels and refuses ${MAX_DEPTH + 1}`, () => {
    expect(codes(nested(MAX_DEPTH))).toEqual([]);
    expect(codes(nested(MAX_DEPTH + 1))).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('follows fragments, and is not fooled by a fragment cycle', () => {
    const viaFragments = `{ node { ...A } } fragment A on Node { parent { parent { parent { ...B } } } } fragment B on Node { parent { parent { parent { parent { parent { parent { id } } } } } } }`;
    expect(codes(viaFragments)).toEqual(['QUERY_TOO_COMPLEX']);
    const cycle = `{ node { ...A } } fragment A on Node { parent { ...A } }`;
    expect(codes(cycle).length).toBeGreaterThan(0); // NoFragmentCycles reports it; the limit does not loop
  });

  it(`accepts ${MAX_ALIASES} aliases and refuses ${MAX_ALIASES + 1}`, () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: node { id }`).join(' ')} }`;
    expect(codes(aliases(MAX_ALIASES))).toEqual([]);
    expect(codes(aliases(MAX_ALIASES + 1))).toEqual(['QUERY_TOO_COMPLEX']);
  });
});
