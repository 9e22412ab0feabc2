import { Link, useParams } from 'react-router-dom';
import { getErrorStatus } from '@/api/errors';
import { RuleForm } from '@/components/rules/RuleForm';
import { Banner, EmptyState, QueryState } from '@/components/ui';
import { useHasPermission } from '@/hooks/useFactoryContext';
import { useRule } from '@/hooks/useRules';

function Heading({ title }: { title: string }) {
  return (
    <div>
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link to="/rules" className="hover:text-slate-800 hover:underline">
          Rules
        </Link>
        <span aria-hidden="true"> / </span>
        <span className="text-slate-700">{title}</span>
      </nav>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
    </div>
  );
}

/** `/rules/new` and `/rules/:ruleId`: the rule builder, read-only without manage_rules. */
export default function RuleEditor() {
  const { ruleId: raw } = useParams();
  const canManage = useHasPermission('manage_rules');
  const isNew = raw === undefined || raw === 'new';
  const ruleId = isNew ? null : Number(raw);
  const valid = isNew || (Number.isSafeInteger(ruleId) && (ruleId ?? 0) > 0);
  const rule = useRule(valid ? ruleId : null);

  let body;
  if (!valid || (rule.isError && getErrorStatus(rule.error) === 404)) {
    body = (
      <EmptyState
        title="Rule not found"
        description="It may have been deleted, or the link is wrong."
        action={
          <Link to="/rules" className="text-sm font-medium text-sky-700 hover:underline">
            Back to the rules
          </Link>
        }
      />
    );
  } else if (isNew && !canManage) {
    body = <Banner tone="warning">Creating rules needs the “manage rules” permission.</Banner>;
  } else if (isNew) {
    body = <RuleForm rule={null} readOnly={false} />;
  } else {
    body = (
      <QueryState query={rule} loadingLabel="Loading rule" errorTitle="Could not load the rule" loadingClassName="min-h-[40vh] items-center">
        {(saved) => <RuleForm key={saved.id} rule={saved} readOnly={!canManage} />}
      </QueryState>
    );
  }

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-6">
      <Heading title={isNew ? 'New rule' : (rule.data?.name ?? 'Rule')} />
      {body}
    </div>
  );
}
