import { describe, expect, it } from 'vitest';
import {
  addCondition,
  addGroup,
  canNestGroup,
  countLeaves,
  describeCondition,
  draftFromCondition,
  locatePath,
  MAX_DEPTH,
  newGroup,
  removeNode,
  setGroupOp,
  toCondition,
  unknownParameterErrors,
  updateLeaf,
  type GroupDraft,
  type LeafDraft,
} from '@/lib/conditionTree';
import type { ConditionNode } from '@/types/rules';

const SPEC_EXAMPLE: ConditionNode = {
  op: 'and',
  conditions: [
    { parameter: 'power_kw', operator: '>', value: 120 },
    {
      op: 'or',
      conditions: [
        { parameter: 'voltage', operator: 'outside', value: [207, 253] },
        { parameter: 'power factor', operator: '<', value: 0.85 },
      ],
    },
  ],
};

function leafAt(group: GroupDraft, ...path: number[]): LeafDraft {
  let node: GroupDraft | LeafDraft = group;
  for (const i of path) node = (node as GroupDraft).children[i] as GroupDraft | LeafDraft;
  if (node.kind !== 'leaf') throw new Error('not a leaf');
  return node;
}

function groupAt(group: GroupDraft, ...path: number[]): GroupDraft {
  let node: GroupDraft | LeafDraft = group;
  for (const i of path) node = (node as GroupDraft).children[i] as GroupDraft | LeafDraft;
  if (node.kind !== 'group') throw new Error('not a group');
  return node;
}

describe('condition tree', () => {
  it('round-trips the spec example exactly', () => {
    const draft = draftFromCondition(SPEC_EXAMPLE);
    expect(toCondition(draft)).toEqual({ condition: SPEC_EXAMPLE, errors: {} });
  });

  it('builds a nested tree from edits: add, nest, change operator, fill in', () => {
    let tree = draftFromCondition(null);
    tree = updateLeaf(tree, leafAt(tree, 0).id, { parameter: 'power_kw', operator: '>=', value: '100' });
    tree = addGroup(tree, tree.id);
    const inner = groupAt(tree, 1);
    // A new group alternates the operator of its parent, the usual reason to nest.
    expect(inner.op).toBe('or');
    tree = addCondition(tree, inner.id);
    tree = updateLeaf(tree, leafAt(tree, 1, 0).id, { parameter: 'voltage_l1', operator: 'between', value: '207', high: '253' });
    tree = updateLeaf(tree, leafAt(tree, 1, 1).id, { parameter: 'pf', operator: '<', value: '0,85' });
    tree = setGroupOp(tree, tree.id, 'or');
    tree = setGroupOp(tree, inner.id, 'and');

    expect(toCondition(tree).condition).toEqual({
      op: 'or',
      conditions: [
        { parameter: 'power_kw', operator: '>=', value: 100 },
        {
          op: 'and',
          conditions: [
            { parameter: 'voltage_l1', operator: 'between', value: [207, 253] },
            { parameter: 'pf', operator: '<', value: 0.85 },
          ],
        },
      ],
    });
  });

  it('removes a comparison, and a group the removal leaves empty', () => {
    let tree = draftFromCondition(SPEC_EXAMPLE);
    tree = removeNode(tree, leafAt(tree, 1, 1).id);
    expect(toCondition(tree).condition).toEqual({
      op: 'and',
      conditions: [
        { parameter: 'power_kw', operator: '>', value: 120 },
        { op: 'or', conditions: [{ parameter: 'voltage', operator: 'outside', value: [207, 253] }] },
      ],
    });
    tree = removeNode(tree, leafAt(tree, 1, 0).id);
    expect(toCondition(tree).condition).toEqual({ op: 'and', conditions: [{ parameter: 'power_kw', operator: '>', value: 120 }] });
    // The root is never removed.
    expect(removeNode(tree, tree.id)).toBe(tree);
  });

  it('refuses incomplete comparisons, naming the node and the field', () => {
    let tree = draftFromCondition(null);
    const first = leafAt(tree, 0).id;
    tree = updateLeaf(tree, first, { parameter: '', value: 'abc' });
    tree = addCondition(tree, tree.id);
    const second = leafAt(tree, 1).id;
    tree = updateLeaf(tree, second, { parameter: 'v', operator: 'outside', value: '260', high: '200' });

    const { condition, errors } = toCondition(tree);
    expect(condition).toBeNull();
    expect(errors[first]).toEqual({ parameter: 'Choose a parameter.', value: 'Enter a number.' });
    expect(errors[second]).toEqual({ high: 'Must not be below the low bound.' });
  });

  it('keeps within the API bounds: depth 8 and 100 comparisons', () => {
    let tree = draftFromCondition(null);
    let group = tree;
    for (let depth = 1; canNestGroup(depth); depth += 1) {
      tree = addGroup(tree, group.id);
      group = groupAt(tree, ...Array.from({ length: depth }, () => 1));
    }
    // The deepest group's comparisons sit at depth 8; one more group would push them to 9.
    let depth = 1;
    for (let node: GroupDraft | undefined = tree; node; node = node.children.find((c): c is GroupDraft => c.kind === 'group')) depth += 1;
    expect(depth).toBe(MAX_DEPTH);
    expect(addGroup(tree, group.id)).toBe(tree);

    let wide = newGroup('and', []);
    for (let i = 0; i < 120; i += 1) wide = addCondition(wide, wide.id);
    expect(countLeaves(wide)).toBe(100);
  });

  it('points an API path at the node it names', () => {
    const tree = draftFromCondition(SPEC_EXAMPLE);
    expect(locatePath(tree, '/conditions/1/conditions/0/value/1')).toEqual({ id: leafAt(tree, 1, 0).id, field: 'high' });
    expect(locatePath(tree, '/conditions/1/conditions/1/operator')).toEqual({ id: leafAt(tree, 1, 1).id, field: 'operator' });
    expect(locatePath(tree, '/conditions/0/value')).toEqual({ id: leafAt(tree, 0).id, field: 'value' });
    expect(locatePath(tree, '/conditions/1/op')).toEqual({ id: groupAt(tree, 1).id, field: 'op' });
    expect(locatePath(tree, '/')).toEqual({ id: tree.id, field: 'node' });
  });

  it('marks every comparison on an unknown parameter', () => {
    const tree = draftFromCondition(SPEC_EXAMPLE);
    const errors = unknownParameterErrors(tree, ['voltage'], 'unknown');
    expect(errors).toEqual({ [leafAt(tree, 1, 0).id]: { parameter: 'unknown' } });
  });

  it('describes a tree in one line', () => {
    expect(describeCondition(SPEC_EXAMPLE)).toBe('power_kw > 120 AND (voltage outside [207, 253] OR power factor < 0.85)');
  });
});
