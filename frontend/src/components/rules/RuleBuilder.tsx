import { Fragment, useId } from 'react';
import { PlusIcon } from '@/components/icons';
import { Button } from '@/components/ui';
import { ConditionEditor } from '@/components/rules/ConditionEditor';
import type { ScopeParameter } from '@/hooks/useRules';
import { cn } from '@/lib/cn';
import {
  addCondition,
  addGroup,
  canNestGroup,
  countLeaves,
  MAX_DEPTH,
  MAX_LEAVES,
  removeNode,
  setGroupOp,
  updateLeaf,
  type GroupDraft,
  type NodeDraft,
  type NodeErrors,
} from '@/lib/conditionTree';
import type { GroupOp } from '@/types/rules';

export interface RuleBuilderProps {
  value: GroupDraft;
  onChange: (next: GroupDraft) => void;
  /** Discovered parameters of the devices in scope, offered in every comparison. */
  parameters: ScopeParameter[];
  parametersKnown?: boolean;
  errors?: NodeErrors;
  readOnly?: boolean;
}

/** Depth-first numbers, so every group and comparison has a stable accessible name. */
function numberNodes(root: GroupDraft) {
  const groups = new Map<string, number>();
  const leaves = new Map<string, number>();
  const walk = (node: NodeDraft) => {
    if (node.kind === 'leaf') leaves.set(node.id, leaves.size + 1);
    else {
      groups.set(node.id, groups.size + 1);
      node.children.forEach(walk);
    }
  };
  walk(root);
  return { groups, leaves };
}

const GROUP_TONES = ['border-slate-300 bg-slate-50', 'border-sky-200 bg-sky-50/50', 'border-violet-200 bg-violet-50/40'];

/**
 * A visual editor of nested AND/OR groups of comparisons. The tree it edits maps one to one
 * onto the API's condition JSON (lib/conditionTree.ts `toCondition`).
 */
export function RuleBuilder({ value, onChange, parameters, parametersKnown = true, errors = {}, readOnly = false }: RuleBuilderProps) {
  const suggestionsId = useId();
  const numbers = numberNodes(value);
  const leafCount = countLeaves(value);
  const full = leafCount >= MAX_LEAVES;

  const renderGroup = (group: GroupDraft, depth: number) => {
    const n = numbers.groups.get(group.id) ?? 0;
    const isRoot = depth === 1;
    const groupErrors = errors[group.id];
    const groupError = groupErrors?.conditions ?? groupErrors?.op ?? groupErrors?.node;
    const connector = group.op === 'and' ? 'AND' : 'OR';
    return (
      <div
        role="group"
        aria-label={`Group ${n}`}
        className={cn('flex flex-col gap-2 rounded-lg border p-3', GROUP_TONES[(depth - 1) % GROUP_TONES.length])}
      >
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <label className="flex items-center gap-2">
            <span>{isRoot ? 'Alert when' : 'Where'}</span>
            <select
              aria-label={`Match in group ${n}`}
              value={group.op}
              disabled={readOnly}
              onChange={(e) => onChange(setGroupOp(value, group.id, e.target.value as GroupOp))}
              className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm font-medium shadow-sm focus:ring-2 focus:ring-sky-600 focus:outline-none disabled:bg-slate-100"
            >
              <option value="and">all (AND)</option>
              <option value="or">any (OR)</option>
            </select>
            <span>of these hold</span>
          </label>
          {!isRoot && !readOnly && (
            <Button
              variant="ghost"
              size="sm"
              className="ml-auto text-slate-500 hover:text-red-700"
              onClick={() => onChange(removeNode(value, group.id))}
              aria-label={`Remove group ${n}`}
            >
              Remove group
            </Button>
          )}
        </div>
        <ol className="flex flex-col gap-1.5">
          {group.children.map((child, i) => (
            <Fragment key={child.id}>
              {i > 0 && (
                <li aria-hidden="true" className="pl-3 text-[11px] font-semibold tracking-wider text-slate-500">
                  {connector}
                </li>
              )}
              <li>
                {child.kind === 'leaf' ? (
                  <ConditionEditor
                    leaf={child}
                    index={numbers.leaves.get(child.id) ?? 0}
                    parameters={parameters}
                    suggestionsId={suggestionsId}
                    parametersKnown={parametersKnown}
                    errors={errors[child.id]}
                    readOnly={readOnly}
                    onChange={(changes) => onChange(updateLeaf(value, child.id, changes))}
                    onRemove={() => onChange(removeNode(value, child.id))}
                  />
                ) : (
                  renderGroup(child, depth + 1)
                )}
              </li>
            </Fragment>
          ))}
        </ol>
        {groupError && (
          <p role="alert" className="text-xs font-medium text-red-700">
            {groupError}
          </p>
        )}
        {!readOnly && (
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              size="sm"
              icon={<PlusIcon className="size-4" />}
              disabled={full}
              title={full ? `At most ${MAX_LEAVES} comparisons` : undefined}
              onClick={() => onChange(addCondition(value, group.id))}
              aria-label={`Add condition to group ${n}`}
            >
              Condition
            </Button>
            <Button
              variant="secondary"
              size="sm"
              icon={<PlusIcon className="size-4" />}
              disabled={full || !canNestGroup(depth)}
              title={!canNestGroup(depth) ? `Groups nest at most ${MAX_DEPTH} levels deep` : undefined}
              onClick={() => onChange(addGroup(value, group.id))}
              aria-label={`Add group to group ${n}`}
            >
              Group
            </Button>
          </div>
        )}
      </div>
    );
  };

  return (
    <div className="flex flex-col gap-2">
      {renderGroup(value, 1)}
      <datalist id={suggestionsId}>
        {parameters.map((p) => (
          <option key={p.key} value={p.key}>
            {[p.label && p.label !== p.key ? p.label : null, p.unit].filter(Boolean).join(' · ')}
          </option>
        ))}
      </datalist>
      <p className="text-xs text-slate-500">
        {leafCount} of at most {MAX_LEAVES} comparisons · groups nest up to {MAX_DEPTH} levels. A comparison on a parameter
        without a current value does not hold.
      </p>
    </div>
  );
}
