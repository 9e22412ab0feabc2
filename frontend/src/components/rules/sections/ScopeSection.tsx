import { ScopeEditor } from '@/components/rules/ScopeEditor';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { Card, CardBody, CardHeader } from '@/components/ui';

/** The devices the rule evaluates. */
export function ScopeSection({ draft, onChange, errors, readOnly }: RuleSectionProps) {
  return (
    <Card>
      <CardHeader title="Scope" description="The devices this rule evaluates." />
      <CardBody>
        <ScopeEditor value={draft} onChange={onChange} error={errors.scope} readOnly={readOnly} />
      </CardBody>
    </Card>
  );
}
