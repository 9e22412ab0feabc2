import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { getErrorDetails, getErrorMessage } from '@/api/errors';
import { BasicsSection } from '@/components/rules/sections/BasicsSection';
import { ConditionSection, type ConditionTest } from '@/components/rules/sections/ConditionSection';
import { NotificationsSection } from '@/components/rules/sections/NotificationsSection';
import { ScopeSection } from '@/components/rules/sections/ScopeSection';
import { TimingSection } from '@/components/rules/sections/TimingSection';
import type { RuleSectionProps } from '@/components/rules/sections/types';
import { Banner, Button, DeleteDialog } from '@/components/ui';
import { useFactoryLocale } from '@/hooks/useFactoryContext';
import { useCreateRule, useDeleteRule, useDryRun, useScopeParameters, useUpdateRule } from '@/hooks/useRules';
import { toCondition, type NodeErrors } from '@/lib/conditionTree';
import { formatTime } from '@/lib/format';
import {
  buildRule,
  draftFromRule,
  emptyRuleDraft,
  ruleServerErrors,
  scopeOf,
  scopeProblem,
  type RuleDraft,
  type RuleFieldErrors,
} from '@/lib/ruleForm';
import type { Rule } from '@/types/rules';

interface RuleFormProps {
  rule: Rule | null;
  readOnly: boolean;
}

/**
 * The rule editor: one draft, shown in sections (basics, scope, condition, timing,
 * notifications), each a component of `sections/` that receives the draft and changes parts of it.
 */
export function RuleForm({ rule, readOnly }: RuleFormProps) {
  const navigate = useNavigate();
  const { timeZone } = useFactoryLocale();
  const create = useCreateRule();
  const update = useUpdateRule(rule?.id ?? 0);
  const dryRun = useDryRun();
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? draftFromRule(rule) : emptyRuleDraft()));
  const [errors, setErrors] = useState<RuleFieldErrors>({});
  const [nodeErrors, setNodeErrors] = useState<NodeErrors>({});
  const [testOutcome, setTestOutcome] = useState<ConditionTest['outcome']>(null);

  const scope = scopeOf(draft);
  const discovered = useScopeParameters(scopeProblem(scope) ? null : scope, !readOnly);
  const save = rule ? update : create;

  const onChange = (changes: Partial<RuleDraft>) => {
    setDraft((d) => ({ ...d, ...changes }));
    // A message about a node the user is changing would point at the wrong thing soon.
    if ('condition' in changes) setNodeErrors({});
  };

  const applyServerErrors = (err: unknown) => {
    const mapped = ruleServerErrors(err, draft.condition);
    setErrors((e) => ({ ...e, ...mapped.fields }));
    setNodeErrors(mapped.nodes);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const built = buildRule(draft);
    setErrors(built.errors);
    setNodeErrors(built.nodeErrors);
    if (!built.body) return;
    save.mutate(built.body, {
      onSuccess: () => void navigate('/rules'),
      onError: applyServerErrors,
    });
  };

  const runTest = () => {
    const { condition, errors: conditionErrors } = toCondition(draft.condition);
    const problem = scopeProblem(scope);
    setNodeErrors(conditionErrors);
    setErrors((e) => ({ ...e, scope: problem ?? undefined }));
    setTestOutcome(null);
    if (!condition || problem) return;
    dryRun.mutate(
      { condition, scope },
      {
        onSuccess: (results) => setTestOutcome({ results, at: formatTime(Date.now(), timeZone, true) }),
        onError: applyServerErrors,
      },
    );
  };

  const test: ConditionTest = {
    run: runTest,
    pending: dryRun.isPending,
    error: dryRun.isError && !Object.keys(nodeErrors).length ? dryRun.error : null,
    outcome: testOutcome,
  };
  const section: RuleSectionProps = { draft, onChange, errors, readOnly };

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-6" aria-label={rule ? `Rule ${rule.name}` : 'New rule'}>
      {readOnly && (
        <Banner tone="info">You can view this rule. Changing rules needs the “manage rules” permission.</Banner>
      )}
      <BasicsSection {...section} />
      <ScopeSection {...section} />
      <ConditionSection {...section} nodeErrors={nodeErrors} discovered={discovered} test={test} />
      <TimingSection {...section} timeZone={timeZone} />
      <NotificationsSection {...section} />
      {!readOnly && (
        <RuleFormActions
          rule={rule}
          pending={save.isPending}
          saveError={save.isError ? save.error : null}
          errorIsMarked={save.isError && Object.keys(ruleServerErrors(save.error, draft.condition).nodes).length > 0}
        />
      )}
    </form>
  );
}

interface RuleFormActionsProps {
  rule: Rule | null;
  pending: boolean;
  saveError: unknown;
  /** The save failed on nodes of the condition, which show the problem themselves. */
  errorIsMarked: boolean;
}

/** Why the last save failed, and save, cancel and delete. */
function RuleFormActions({ rule, pending, saveError, errorIsMarked }: RuleFormActionsProps) {
  const navigate = useNavigate();
  const remove = useDeleteRule();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const details = saveError ? getErrorDetails(saveError) : [];
  return (
    <div className="flex flex-col gap-3">
      {Boolean(saveError) && (
        <Banner tone="danger" title={getErrorMessage(saveError)}>
          {errorIsMarked
            ? 'The problem is marked in the condition above.'
            : details.length > 0 && (
                <ul className="list-disc pl-5">
                  {details.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              )}
        </Banner>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        {rule && (
          <Button variant="danger" className="mr-auto" onClick={() => setConfirmDelete(true)} disabled={pending}>
            Delete rule
          </Button>
        )}
        <Button variant="secondary" onClick={() => void navigate('/rules')} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" loading={pending}>
          {rule ? 'Save rule' : 'Create rule'}
        </Button>
      </div>
      <DeleteDialog
        item={confirmDelete ? rule : null}
        title={(r) => `Delete ${r.name}?`}
        confirmLabel="Delete rule"
        remove={remove}
        onClose={() => setConfirmDelete(false)}
        onDeleted={() => void navigate('/rules', { replace: true })}
      >
        {() => <p>The rule stops raising alerts. Alerts it raised stay in the history.</p>}
      </DeleteDialog>
    </div>
  );
}
