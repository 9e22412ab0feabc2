import { describe, expect, it } from 'vitest';
import { toggled } from '@/lib/lists';

describe('toggled', () => {
  it('adds an item once and keeps the order', () => {
    expect(toggled([1, 3], 2, true)).toEqual([1, 3, 2]);
    expect(toggled([1, 2], 2, true)).toEqual([1, 2]);
  });

  it('removes every copy of an item and leaves the input alone', () => {
    const list = ['a', 'b', 'a'];
    expect(toggled(list, 'a', false)).toEqual(['b']);
    expect(list).toEqual(['a', 'b', 'a']);
  });
});
