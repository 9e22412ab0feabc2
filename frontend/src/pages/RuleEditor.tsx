import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { getErrorDetails, getErrorMessage, getErrorStatus } from '@/api/errors';
import { DryRunResults } from '@/components/rules/DryRunResults';
import { RuleBuilder } from '@/components/rules/RuleBuilder';
import { ScopeEditor } from '@/components/rules/ScopeEditor';
import {
  Banner,
  Button,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  Input,
  PageSpinner,
  Select,
  Spinner,
  Textarea,
} from '@/components/ui';
import { useFactoryLocale, useHasPermission } from '@/hooks/useFactoryContext';
import { useCreateRule, useDeleteRule, useDryRun, useRule, useScopeParameters, useUpdateRule } from '@/hooks/useRules';
import { useUserDirectory } from '@/hooks/useUsers';
import { toCondition, type GroupDraft, type NodeErrors } from '@/lib/conditionTree';
import { formatTime } from '@/lib/format';
import { PERMISSION_LABELS } from '@/lib/permissions';
import {
  buildRule,
  draftFromRule,
  emptyRuleDraft,
  ruleServerErrors,
  scopeOf,
  scopeProblem,
  SEVERITY_LABELS,
  WEEKDAYS,
  type RuleDraft,
  type RuleFieldErrors,
} from '@/lib/ruleForm';
import { PERMISSIONS, type Permission } from '@/types/auth';
import { SEVERITIES, type Channel, type DryRunResult, type Rule, type Severity } from '@/types/rules';

const CHANNELS: { id: Channel; label: string }[] = [
  { id: 'email', label: 'Email' },
  { id: 'whatsapp', label: 'WhatsApp' },
];

function toggle<T>(list: T[], item: T, on: boolean): T[] {
  return on ? (list.includes(item) ? list : [...list, item]) : list.filter((x) => x !== item);
}

function RecipientUsers({
  selected,
  onChange,
  disabled,
}: {
  selected: number[];
  onChange: (ids: number[]) => void;
  disabled: boolean;
}) {
  const users = useUserDirectory();
  if (users.isPending) return <Spinner label="Loading users" />;
  if (users.isError) return <p className="text-xs text-red-700">{getErrorMessage(users.error)}</p>;
  const listed = new Set(users.data.map((u) => u.id));
  // Chosen earlier and deactivated since: still shown, so that they can be taken off.
  const gone = selected.filter((id) => !listed.has(id));
  return (
    <fieldset disabled={disabled}>
      <legend className="mb-1.5 text-sm font-medium text-slate-700">Users</legend>
      <div className="grid max-h-40 grid-cols-1 gap-1 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 sm:grid-cols-2">
        {users.data.map((u) => (
          <Checkbox
            key={u.id}
            label={u.full_name ? `${u.full_name} (${u.email})` : u.email}
            checked={selected.includes(u.id)}
            onChange={(e) => onChange(toggle(selected, u.id, e.target.checked))}
          />
        ))}
        {gone.map((id) => (
          <Checkbox
            key={id}
            label={`User #${id} (no longer active)`}
            checked
            onChange={(e) => onChange(toggle(selected, id, e.target.checked))}
          />
        ))}
      </div>
    </fieldset>
  );
}

interface RuleFormProps {
  rule: Rule | null;
  readOnly: boolean;
}

function RuleForm({ rule, readOnly }: RuleFormProps) {
  const navigate = useNavigate();
  const { timeZone } = useFactoryLocale();
  const create = useCreateRule();
  const update = useUpdateRule(rule?.id ?? 0);
  const remove = useDeleteRule();
  const dryRun = useDryRun();
  const [draft, setDraft] = useState<RuleDraft>(() => (rule ? draftFromRule(rule) : emptyRuleDraft()));
  const [errors, setErrors] = useState<RuleFieldErrors>({});
  const [nodeErrors, setNodeErrors] = useState<NodeErrors>({});
  const [dryResults, setDryResults] = useState<{ results: DryRunResult[]; at: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const scope = scopeOf(draft);
  const discovered = useScopeParameters(scopeProblem(scope) ? null : scope, !readOnly);
  const save = rule ? update : create;
  const pending = save.isPending;

  const set = (changes: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...changes }));
  const setCondition = (condition: GroupDraft) => {
    setDraft((d) => ({ ...d, condition }));
    // A message about a node the user is changing would point at the wrong thing soon.
    setNodeErrors({});
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

  const test = () => {
    const { condition, errors: conditionErrors } = toCondition(draft.condition);
    const problem = scopeProblem(scope);
    setNodeErrors(conditionErrors);
    setErrors((e) => ({ ...e, scope: problem ?? undefined }));
    setDryResults(null);
    if (!condition || problem) return;
    dryRun.mutate(
      { condition, scope },
      {
        onSuccess: (results) => setDryResults({ results, at: formatTime(Date.now(), timeZone, true) }),
        onError: applyServerErrors,
      },
    );
  };

  const saveError = save.isError ? save.error : null;
  const mappedToNodes = saveError ? Object.keys(ruleServerErrors(saveError, draft.condition).nodes).length > 0 : false;
  const details = saveError ? getErrorDetails(saveError) : [];

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-6" aria-label={rule ? `Rule ${rule.name}` : 'New rule'}>
      {readOnly && (
        <Banner tone="info">You can view this rule. Changing rules needs the “manage rules” permission.</Banner>
      )}
      <Card>
        <CardHeader title="Rule" />
        <CardBody className="grid grid-cols-1 gap-4 md:grid-cols-[2fr_1fr]">
          <Input
            label="Name"
            required
            value={draft.name}
            maxLength={200}
            onChange={(e) => set({ name: e.target.value })}
            error={errors.name}
            disabled={readOnly}
          />
          <Select
            label="Severity"
            value={draft.severity}
            onChange={(e) => set({ severity: e.target.value as Severity })}
            disabled={readOnly}
          >
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </Select>
          <Textarea
            label="Description"
            value={draft.description}
            maxLength={2000}
            rows={2}
            onChange={(e) => set({ description: e.target.value })}
            disabled={readOnly}
            hint="What the alert means and what to do about it; it goes into the notification."
            className="md:col-span-2"
          />
          <Checkbox
            label="Active"
            hint="An inactive rule raises no alerts; its open alerts stay open."
            checked={draft.isActive}
            onChange={(e) => set({ isActive: e.target.checked })}
            disabled={readOnly}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Scope" description="The devices this rule evaluates." />
        <CardBody>
          <ScopeEditor value={draft} onChange={set} error={errors.scope} readOnly={readOnly} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Condition"
          description={
            readOnly
              ? undefined
              : discovered.loading
                ? 'Loading the parameters of the devices in scope…'
                : !discovered.complete
                  ? 'Suggestions may be incomplete; any key the devices report can be typed.'
                  : discovered.parameters.length === 0
                    ? 'No device in scope has reported a parameter yet.'
                    : `${discovered.parameters.length} parameter(s) reported by the devices in scope.`
          }
          actions={
            !readOnly && (
              <Button variant="secondary" size="sm" onClick={test} loading={dryRun.isPending}>
                Test against live values
              </Button>
            )
          }
        />
        <CardBody className="flex flex-col gap-4">
          <RuleBuilder
            value={draft.condition}
            onChange={setCondition}
            parameters={discovered.parameters}
            parametersKnown={discovered.complete}
            errors={nodeErrors}
            readOnly={readOnly}
          />
          {errors.condition && (
            <p role="alert" className="text-xs font-medium text-red-700">
              {errors.condition}
            </p>
          )}
          <Checkbox
            label="Allow parameters no device in scope has reported yet"
            hint="For a device that is still being commissioned. Otherwise a misspelt key is refused."
            checked={draft.allowUnseen}
            onChange={(e) => set({ allowUnseen: e.target.checked })}
            disabled={readOnly}
          />
          {dryRun.isError && !Object.keys(nodeErrors).length && (
            <Banner tone="danger" title="The test could not run">
              {getErrorMessage(dryRun.error)}
            </Banner>
          )}
          {dryResults && (
            <section aria-label="Test results">
              <DryRunResults results={dryResults.results} testedAt={dryResults.at} />
            </section>
          )}
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Timing" description={`Times are on the factory's clock (${timeZone}).`} />
        <CardBody className="grid grid-cols-1 gap-4 md:grid-cols-3">
          <Input
            label="Sustained for at least (seconds)"
            inputMode="numeric"
            value={draft.forSeconds}
            onChange={(e) => set({ forSeconds: e.target.value })}
            error={errors.forSeconds}
            hint="0 alerts on the first reading that matches."
            disabled={readOnly}
          />
          <Input
            label="Cooldown (minutes)"
            inputMode="numeric"
            value={draft.cooldown}
            onChange={(e) => set({ cooldown: e.target.value })}
            error={errors.cooldown}
            hint="Least time between two alerts of one device."
            disabled={readOnly}
          />
          <Checkbox
            label="Resolve automatically"
            hint="Resolve the alert when the condition stops holding."
            checked={draft.autoResolve}
            onChange={(e) => set({ autoResolve: e.target.checked })}
            disabled={readOnly}
            className="md:mt-7"
          />
          <div className="flex flex-col gap-3 md:col-span-3">
            <Checkbox
              label="Only during active hours"
              checked={draft.scheduleOn}
              onChange={(e) => set({ scheduleOn: e.target.checked })}
              disabled={readOnly}
            />
            {draft.scheduleOn && (
              <div className="flex flex-wrap items-end gap-4 rounded-md border border-slate-200 bg-slate-50/60 p-3">
                <fieldset disabled={readOnly}>
                  <legend className="mb-1.5 text-sm font-medium text-slate-700">Days</legend>
                  <div className="flex flex-wrap gap-3">
                    {WEEKDAYS.map((day, i) => (
                      <Checkbox
                        key={day}
                        label={day}
                        checked={draft.days.includes(i)}
                        onChange={(e) => set({ days: toggle(draft.days, i, e.target.checked) })}
                      />
                    ))}
                  </div>
                </fieldset>
                <Input
                  label="From"
                  type="time"
                  value={draft.start}
                  onChange={(e) => set({ start: e.target.value })}
                  disabled={readOnly}
                  className="w-32"
                />
                <Input
                  label="Until"
                  type="time"
                  value={draft.end}
                  onChange={(e) => set({ end: e.target.value })}
                  disabled={readOnly}
                  className="w-32"
                  hint="00:00 is the end of the day"
                />
                <p className="text-xs text-slate-500">A start later than the end spans midnight.</p>
                {errors.schedule && (
                  <p role="alert" className="w-full text-xs font-medium text-red-700">
                    {errors.schedule}
                  </p>
                )}
              </div>
            )}
          </div>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Notifications" description="Alerts always appear in the app; these channels notify people as well." />
        <CardBody className="grid grid-cols-1 gap-5 md:grid-cols-2">
          <fieldset disabled={readOnly} className="md:col-span-2">
            <legend className="mb-1.5 text-sm font-medium text-slate-700">Channels</legend>
            <div className="flex flex-wrap gap-5">
              {CHANNELS.map((c) => (
                <Checkbox
                  key={c.id}
                  label={c.label}
                  checked={draft.channels.includes(c.id)}
                  onChange={(e) => set({ channels: toggle(draft.channels, c.id, e.target.checked) })}
                />
              ))}
            </div>
          </fieldset>
          <fieldset disabled={readOnly}>
            <legend className="mb-1.5 text-sm font-medium text-slate-700">Everyone with the permission</legend>
            <div className="flex flex-col gap-1">
              {PERMISSIONS.map((p: Permission) => (
                <Checkbox
                  key={p}
                  label={PERMISSION_LABELS[p].label}
                  checked={draft.recipientPermissions.includes(p)}
                  onChange={(e) => set({ recipientPermissions: toggle(draft.recipientPermissions, p, e.target.checked) })}
                />
              ))}
            </div>
            <p className="mt-1 text-xs text-slate-500">Super admins hold every permission.</p>
          </fieldset>
          <RecipientUsers
            selected={draft.recipientUserIds}
            onChange={(recipientUserIds) => set({ recipientUserIds })}
            disabled={readOnly}
          />
          <Textarea
            label="Other email addresses"
            value={draft.emails}
            onChange={(e) => set({ emails: e.target.value })}
            error={errors.emails}
            hint="One per line."
            disabled={readOnly}
          />
          <Textarea
            label="WhatsApp numbers"
            value={draft.phones}
            onChange={(e) => set({ phones: e.target.value })}
            error={errors.phones}
            hint="International form, one per line, e.g. +4915112345678."
            disabled={readOnly}
          />
          {errors.recipients && (
            <p role="alert" className="text-xs font-medium text-red-700 md:col-span-2">
              {errors.recipients}
            </p>
          )}
        </CardBody>
      </Card>

      {!readOnly && (
        <div className="flex flex-col gap-3">
          {saveError && (
            <Banner tone="danger" title={getErrorMessage(saveError)}>
              {mappedToNodes
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
        </div>
      )}

      {rule && (
        <ConfirmDialog
          open={confirmDelete}
          title={`Delete ${rule.name}?`}
          confirmLabel="Delete rule"
          tone="danger"
          pending={remove.isPending}
          error={remove.isError ? getErrorMessage(remove.error) : null}
          onCancel={() => {
            setConfirmDelete(false);
            remove.reset();
          }}
          onConfirm={() => remove.mutate(rule.id, { onSuccess: () => void navigate('/rules', { replace: true }) })}
        >
          <p>The rule stops raising alerts. Alerts it raised stay in the history.</p>
        </ConfirmDialog>
      )}
    </form>
  );
}

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
  } else if (!isNew && rule.isPending) {
    body = <PageSpinner label="Loading rule" />;
  } else if (!isNew && !rule.data) {
    body = (
      <ErrorState
        title="Could not load the rule"
        message={getErrorMessage(rule.error)}
        onRetry={() => void rule.refetch()}
        retrying={rule.isFetching}
      />
    );
  } else {
    body = <RuleForm key={rule.data?.id ?? 'new'} rule={rule.data ?? null} readOnly={!canManage} />;
  }

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-6">
      <Heading title={isNew ? 'New rule' : (rule.data?.name ?? 'Rule')} />
      {body}
    </div>
  );
}
