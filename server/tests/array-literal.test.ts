import { describe, expect, it } from 'vitest';
import { arrayLiteral } from '../src/db/array-literal';

describe('arrayLiteral', () => {
  it('writes uuids, hex digests, integers and NULL unquoted', () => {
    expect(arrayLiteral(['0192f3a0-1b2c-7d3e-8f40-123456789abc', null, 'ab12'])).toBe(
      '{0192f3a0-1b2c-7d3e-8f40-123456789abc,NULL,ab12}',
    );
    expect(arrayLiteral([1, -2, 0])).toBe('{1,-2,0}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('refuses anything that could split or end the literal, and non-integers', () => {
    for (const bad of ['a,b', 'x}', '"q"', '{', 'NULL ', '', 'é']) {
      expect(() => arrayLiteral([bad])).toThrow(/not a uuid, hex digest or integer/);
    }
    expect(() => arrayLiteral([1.5])).toThrow();
    expect(() => arrayLiteral([Number.MAX_SAFE_INTEGER + 2])).toThrow();
  });
});
