import { getErrorMessage } from '@/api/errors';
import { DryRunResults } from '@/components/rules/DryRunResults';
import { RuleBuilder } from '@/components/rules/RuleBuilder';
import { FieldError } from '@/components/rules/sections/FieldError';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { Banner, Button, Card, CardBody, CardHeader, Checkbox, Input, Select } from '@/components/ui';
import type { ScopeParameter } from '@/hooks/useRules';
import type { NodeErrors } from '@/lib/conditionTree';
import type { ConditionKind } from '@/lib/ruleForm';
import type { DryRunResult } from '@/types/rules';

/** The parameters the devices in scope report, as `useScopeParameters` answers them. */
export interface DiscoveredParameters {
  parameters: ScopeParameter[];
  loading: boolean;
  complete: boolean;
}

/** A run of the condition against the live values of the devices in scope. */
export interface ConditionTest {
  run: () => void;
  pending: boolean;
  /** The failure of the last run, when no node of the tree explains it. */
  error: unknown;
  outcome: { results: DryRunResult[]; at: string } | null;
}

interface ConditionSectionProps extends RuleSectionProps {
  nodeErrors: NodeErrors;
  discovered: DiscoveredParameters;
  test: ConditionTest;
}

function discoveryNote({ loading, complete, parameters }: DiscoveredParameters): string {
  if (loading) return 'Loading the parameters of the devices in scope…';
  if (!complete) return 'Suggestions may be incomplete; any key the devices report can be typed.';
  if (parameters.length === 0) return 'No device in scope has reported a parameter yet.';
  return `${parameters.length} parameter(s) reported by the devices in scope.`;
}

const KINDS: { id: ConditionKind; label: string }[] = [
  { id: 'values', label: 'Values cross a limit' },
  { id: 'silent', label: 'No data from the device' },
  { id: 'stale', label: 'A parameter is not reported' },
];

/** A silent device or a stale parameter: decided on the rule engine's clock. */
function QuietFields({ draft, onChange, errors, readOnly, discovered }: RuleSectionProps & { discovered: DiscoveredParameters }) {
  return (
    <div className="flex flex-wrap items-start gap-3">
      {draft.conditionKind === 'stale' && (
        <Select
          label="Parameter"
          value={draft.staleParameter}
          onChange={(e) => onChange({ staleParameter: e.target.value })}
          disabled={readOnly}
          className="w-64"
        >
          <option value="">Choose a parameter</option>
          {draft.staleParameter && !discovered.parameters.some((p) => p.key === draft.staleParameter) && (
            <option value={draft.staleParameter}>{draft.staleParameter}</option>
          )}
          {discovered.parameters.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label ? `${p.label} (${p.key})` : p.key}
            </option>
          ))}
        </Select>
      )}
      <Input
        label={draft.conditionKind === 'silent' ? 'Alarm after minutes without data' : 'Alarm after minutes without it'}
        inputMode="decimal"
        value={draft.quietMinutes}
        onChange={(e) => onChange({ quietMinutes: e.target.value })}
        error={errors.quiet}
        hint="Raised within this time plus the engine's clock interval; resolved when data returns."
        disabled={readOnly}
        className="w-72"
      />
    </div>
  );
}

/** The condition tree, the test against live values and the unseen-parameter switch. */
export function ConditionSection({ draft, onChange, errors, readOnly, nodeErrors, discovered, test }: ConditionSectionProps) {
  const values = draft.conditionKind === 'values';
  return (
    <Card>
      <CardHeader
        title="Condition"
        description={readOnly ? undefined : discoveryNote(discovered)}
        actions={
          !readOnly &&
          values && (
            <Button variant="secondary" size="sm" onClick={test.run} loading={test.pending}>
              Test against live values
            </Button>
          )
        }
      />
      <CardBody className="flex flex-col gap-4">
        <fieldset disabled={readOnly}>
          <legend className="mb-1.5 text-sm font-medium text-slate-700">Raise an alert when</legend>
          <div className="flex flex-wrap gap-4">
            {KINDS.map((kind) => (
              <label key={kind.id} className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="radio"
                  name="condition-kind"
                  value={kind.id}
                  checked={draft.conditionKind === kind.id}
                  onChange={() => onChange({ conditionKind: kind.id })}
                />
                {kind.label}
              </label>
            ))}
          </div>
        </fieldset>
        {values ? (
          <RuleBuilder
            value={draft.condition}
            onChange={(condition) => onChange({ condition })}
            parameters={discovered.parameters}
            parametersKnown={discovered.complete}
            errors={nodeErrors}
            readOnly={readOnly}
          />
        ) : (
          <QuietFields draft={draft} onChange={onChange} errors={errors} readOnly={readOnly} discovered={discovered} />
        )}
        <FieldError message={errors.condition} />
        <Checkbox
          label="Allow parameters no device in scope has reported yet"
          hint="For a device that is still being commissioned. Otherwise a misspelt key is refused."
          checked={draft.allowUnseen}
          onChange={(e) => onChange({ allowUnseen: e.target.checked })}
          disabled={readOnly}
        />
        {Boolean(test.error) && (
          <Banner tone="danger" title="The test could not run">
            {getErrorMessage(test.error)}
          </Banner>
        )}
        {test.outcome && (
          <section aria-label="Test results">
            <DryRunResults results={test.outcome.results} testedAt={test.outcome.at} />
          </section>
        )}
      </CardBody>
    </Card>
  );
}
