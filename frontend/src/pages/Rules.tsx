import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { getErrorMessage } from '@/api/errors';
import { RulesIcon, SearchIcon } from '@/components/icons';
import { SeverityBadge } from '@/components/alerts/SeverityBadge';
import { Badge, Banner, Card, DataTable, EmptyState, Input, Pagination, QueryState, Select, Switch } from '@/components/ui';
import { useNodeNames } from '@/hooks/useAssets';
import { useDebouncedValue } from '@/hooks/useDebouncedValue';
import { useDeviceNames } from '@/hooks/useDevices';
import { useFactoryLocale, useHasPermission } from '@/hooks/useFactoryContext';
import { useRules, useSetRuleActive } from '@/hooks/useRules';
import { useSearchParamUpdater } from '@/hooks/useSearchParamUpdater';
import { describeCondition } from '@/lib/conditionTree';
import { formatDateTime } from '@/lib/format';
import { describeScope, SEVERITY_LABELS } from '@/lib/ruleForm';
import { SEVERITIES, type Rule, type RuleListParams, type Severity } from '@/types/rules';

export const RULES_PER_PAGE = 25;

function RuleActiveToggle({ rule }: { rule: Rule }) {
  const setActive = useSetRuleActive();
  return (
    <div className="flex flex-col items-start gap-1">
      <Switch
        checked={rule.is_active}
        label={`Active: ${rule.name}`}
        busy={setActive.isPending}
        onChange={(active) => setActive.mutate({ id: rule.id, active })}
      />
      {setActive.isError && (
        <p role="alert" className="text-xs text-red-700">
          {getErrorMessage(setActive.error)}
        </p>
      )}
    </div>
  );
}

function readParams(search: URLSearchParams): RuleListParams {
  const page = Number.parseInt(search.get('page') ?? '1', 10);
  const severity = search.get('severity');
  const active = search.get('active');
  return {
    q: search.get('q') ?? undefined,
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : undefined,
    is_active: active === 'yes' ? true : active === 'no' ? false : undefined,
    page: Number.isFinite(page) && page > 0 ? page : 1,
    per_page: RULES_PER_PAGE,
  };
}

export default function Rules() {
  const [search] = useSearchParams();
  const update = useSearchParamUpdater();
  const params = useMemo(() => readParams(search), [search]);
  const canManage = useHasPermission('manage_rules');
  const { timeZone } = useFactoryLocale();
  const deviceName = useDeviceNames();
  const [text, setText] = useState(params.q ?? '');
  const debounced = useDebouncedValue(text, 300);

  useEffect(() => {
    if (debounced !== (params.q ?? '')) update({ q: debounced.trim() });
    // Only a settled change of the search box moves the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const rules = useRules(params);
  const nodeName = useNodeNames(rules.data?.data.some((r) => r.scope.kind === 'node') ?? false);
  const filtered = Boolean(params.q || params.severity || params.is_active !== undefined);

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Rules</h1>
          <p className="mt-1 text-sm text-slate-500">Conditions on live telemetry that raise alerts and notify people.</p>
        </div>
        {canManage && (
          <Link
            to="/rules/new"
            className="inline-flex h-9 items-center rounded-md bg-sky-700 px-4 text-sm font-medium text-white shadow-sm hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
          >
            New rule
          </Link>
        )}
      </div>

      <Card className="p-4">
        <div role="search" aria-label="Filter rules" className="grid grid-cols-1 gap-3 sm:grid-cols-[2fr_1fr_1fr]">
          <Input
            label="Search"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Name or description"
            leading={<SearchIcon className="size-4" />}
            autoComplete="off"
          />
          <Select label="Severity" value={params.severity ?? ''} onChange={(e) => update({ severity: e.target.value })}>
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABELS[s]}
              </option>
            ))}
          </Select>
          <Select
            label="State"
            value={params.is_active === undefined ? '' : params.is_active ? 'yes' : 'no'}
            onChange={(e) => update({ active: e.target.value })}
          >
            <option value="">Active or inactive</option>
            <option value="yes">Active</option>
            <option value="no">Inactive</option>
          </Select>
        </div>
      </Card>

      <QueryState
        query={rules}
        loadingLabel="Loading rules"
        errorTitle="Could not load the rules"
        isEmpty={(d) => d.total === 0}
        empty={
          filtered ? (
            <EmptyState title="No rules match these filters" description="Change the search or the filters to see more." />
          ) : (
            <EmptyState
              icon={<RulesIcon className="size-8" />}
              title="No rules yet"
              description="A rule watches parameters of your devices, e.g. power above a limit, and raises an alert."
              action={
                canManage ? (
                  <Link to="/rules/new" className="text-sm font-medium text-sky-700 hover:underline">
                    Create the first rule
                  </Link>
                ) : undefined
              }
            />
          )
        }
      >
        {(data) => (
          <Card className="overflow-hidden">
            {rules.isError && (
              <Banner tone="warning" className="m-3">
                Showing the last list loaded: {getErrorMessage(rules.error)}
              </Banner>
            )}
            <DataTable
              caption="Rules"
              dimmed={rules.isPlaceholderData}
              head={
                <>
                  <th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="px-3 py-2">Scope</th>
                  <th scope="col" className="hidden px-3 py-2 lg:table-cell">Condition</th>
                  <th scope="col" className="px-3 py-2">Severity</th>
                  <th scope="col" className="px-3 py-2">Active</th>
                  <th scope="col" className="hidden px-3 py-2 md:table-cell">Last changed</th>
                </>
              }
            >
              {data.data.map((rule) => (
                <tr key={rule.id} className="hover:bg-slate-50">
                  <td className="px-3 py-2.5">
                    <Link to={`/rules/${rule.id}`} className="font-medium text-slate-900 hover:text-sky-800 hover:underline">
                      {rule.name}
                    </Link>
                    {rule.description && <p className="max-w-xs truncate text-xs text-slate-500">{rule.description}</p>}
                  </td>
                  <td className="px-3 py-2.5 text-slate-700">{describeScope(rule.scope, deviceName, nodeName)}</td>
                  <td className="hidden max-w-md px-3 py-2.5 font-mono text-xs text-slate-700 lg:table-cell">
                    <span className="line-clamp-2">{describeCondition(rule.condition)}</span>
                  </td>
                  <td className="px-3 py-2.5">
                    <SeverityBadge severity={rule.severity} />
                  </td>
                  <td className="px-3 py-2.5">
                    {canManage ? (
                      <RuleActiveToggle rule={rule} />
                    ) : (
                      <Badge tone={rule.is_active ? 'success' : 'neutral'}>{rule.is_active ? 'Active' : 'Inactive'}</Badge>
                    )}
                  </td>
                  <td className="hidden px-3 py-2.5 whitespace-nowrap text-slate-600 md:table-cell">
                    {formatDateTime(rule.updated_at, timeZone)}
                  </td>
                </tr>
              ))}
            </DataTable>
            <Pagination
              page={params.page ?? 1}
              perPage={data.per_page}
              total={data.total}
              onPage={(page) => update({ page: String(page) })}
              what="rules"
            />
          </Card>
        )}
      </QueryState>
    </div>
  );
}
