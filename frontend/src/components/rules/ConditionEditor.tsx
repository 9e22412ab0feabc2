import { TrashIcon } from '@/components/icons';
import { Button, Input, Select } from '@/components/ui';
import { isRange, OPERATOR_LABELS, type LeafDraft, type NodeField } from '@/lib/conditionTree';
import type { ScopeParameter } from '@/hooks/useRules';
import { OPERATORS, type Operator } from '@/types/rules';

export interface ConditionEditorProps {
  leaf: LeafDraft;
  /** 1-based position among the tree's comparisons, for its accessible name. */
  index: number;
  parameters: ScopeParameter[];
  /** Id of the datalist of parameter suggestions the builder renders once. */
  suggestionsId: string;
  /** False while the scope's parameters are still loading: no "not reported" warning yet. */
  parametersKnown: boolean;
  errors?: Partial<Record<NodeField, string>>;
  readOnly?: boolean;
  onChange: (changes: Partial<Omit<LeafDraft, 'kind' | 'id'>>) => void;
  onRemove: () => void;
}

/**
 * One comparison: a parameter, an operator, and one number (> >= < <= == !=) or a low and a
 * high bound (between, outside).
 */
export function ConditionEditor({
  leaf,
  index,
  parameters,
  suggestionsId,
  parametersKnown,
  errors = {},
  readOnly = false,
  onChange,
  onRemove,
}: ConditionEditorProps) {
  const known = parameters.find((p) => p.key === leaf.parameter.trim());
  const unit = known?.unit ?? null;
  const unseen = parametersKnown && leaf.parameter.trim() !== '' && !known;
  const range = isRange(leaf.operator);

  return (
    <div
      role="group"
      aria-label={`Condition ${index}`}
      className="flex flex-col gap-1 rounded-md border border-slate-200 bg-white px-3 py-2.5 shadow-xs"
    >
      <div className="grid grid-cols-1 items-start gap-2 sm:grid-cols-[minmax(10rem,2fr)_minmax(8rem,1fr)_minmax(10rem,1.5fr)_auto]">
        <Input
          label="Parameter"
          list={suggestionsId}
          value={leaf.parameter}
          onChange={(e) => onChange({ parameter: e.target.value })}
          placeholder="e.g. power_kw"
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          disabled={readOnly}
          error={errors.parameter ?? null}
          hint={
            unseen
              ? 'Not reported by the devices in scope yet.'
              : known?.label && known.label !== known.key
                ? known.label
                : undefined
          }
        />
        <Select
          label="Operator"
          value={leaf.operator}
          onChange={(e) => onChange({ operator: e.target.value as Operator })}
          disabled={readOnly}
          error={errors.operator ?? null}
        >
          {OPERATORS.map((op) => (
            <option key={op} value={op}>
              {OPERATOR_LABELS[op]}
            </option>
          ))}
        </Select>
        {range ? (
          <div className="grid grid-cols-2 gap-2">
            <Input
              label={unit ? `Low (${unit})` : 'Low'}
              inputMode="decimal"
              value={leaf.value}
              onChange={(e) => onChange({ value: e.target.value })}
              disabled={readOnly}
              error={errors.low ?? errors.value ?? null}
            />
            <Input
              label={unit ? `High (${unit})` : 'High'}
              inputMode="decimal"
              value={leaf.high}
              onChange={(e) => onChange({ high: e.target.value })}
              disabled={readOnly}
              error={errors.high ?? null}
            />
          </div>
        ) : (
          <Input
            label={unit ? `Value (${unit})` : 'Value'}
            inputMode="decimal"
            value={leaf.value}
            onChange={(e) => onChange({ value: e.target.value })}
            disabled={readOnly}
            error={errors.value ?? null}
          />
        )}
        {!readOnly && (
          <Button
            variant="ghost"
            size="sm"
            className="mt-7 text-slate-500 hover:text-red-700"
            onClick={onRemove}
            aria-label={`Remove condition ${index}`}
            icon={<TrashIcon className="size-4" />}
          />
        )}
      </div>
      {errors.node && (
        <p role="alert" className="text-xs font-medium text-red-700">
          {errors.node}
        </p>
      )}
    </div>
  );
}
