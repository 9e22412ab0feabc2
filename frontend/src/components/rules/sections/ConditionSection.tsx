import { getErrorMessage } from '@/api/errors';
import { DryRunResults } from '@/components/rules/DryRunResults';
import { RuleBuilder } from '@/components/rules/RuleBuilder';
import { FieldError } from '@/components/rules/sections/FieldError';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { Banner, Button, Card, CardBody, CardHeader, Checkbox } from '@/components/ui';
import type { ScopeParameter } from '@/hooks/useRules';
import type { NodeErrors } from '@/lib/conditionTree';
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

/** The condition tree, the test against live values and the unseen-parameter switch. */
export function ConditionSection({ draft, onChange, errors, readOnly, nodeErrors, discovered, test }: ConditionSectionProps) {
  return (
    <Card>
      <CardHeader
        title="Condition"
        description={readOnly ? undefined : discoveryNote(discovered)}
        actions={
          !readOnly && (
            <Button variant="secondary" size="sm" onClick={test.run} loading={test.pending}>
              Test against live values
            </Button>
          )
        }
      />
      <CardBody className="flex flex-col gap-4">
        <RuleBuilder
          value={draft.condition}
          onChange={(condition) => onChange({ condition })}
          parameters={discovered.parameters}
          parametersKnown={discovered.complete}
          errors={nodeErrors}
          readOnly={readOnly}
        />
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
