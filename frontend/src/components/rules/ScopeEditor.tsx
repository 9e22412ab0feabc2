import { useMemo } from 'react';
import { NodeSelect } from '@/components/assets/NodeSelect';
import { DevicePicker } from '@/components/devices/DevicePicker';
import { Input } from '@/components/ui';
import { useDeviceDirectory } from '@/hooks/useDevices';
import { cn } from '@/lib/cn';
import type { RuleDraft } from '@/lib/ruleForm';
import type { ScopeKind } from '@/types/rules';

type ScopeFields = Pick<RuleDraft, 'scopeKind' | 'deviceIds' | 'scopeType' | 'scopeArea' | 'scopeNodeId'>;

interface ScopeEditorProps {
  value: ScopeFields;
  onChange: (changes: Partial<ScopeFields>) => void;
  error?: string | null;
  readOnly?: boolean;
}

const KINDS: { kind: ScopeKind; label: string; hint: string }[] = [
  { kind: 'all', label: 'All devices', hint: 'Every active device, including ones added later' },
  { kind: 'devices', label: 'Chosen devices', hint: 'Only the devices listed' },
  { kind: 'type', label: 'Device type', hint: 'Every device of one type' },
  { kind: 'area', label: 'Area', hint: 'Every device in one area' },
  { kind: 'node', label: 'Asset node', hint: 'Every device on a node of the asset tree or below it' },
];

/** Which devices a rule watches. */
export function ScopeEditor({ value, onChange, error, readOnly = false }: ScopeEditorProps) {
  const directory = useDeviceDirectory();
  const { types, areas } = useMemo(() => {
    const devices = directory.data?.devices ?? [];
    const distinct = (values: (string | null)[]) =>
      [...new Set(values.filter((v): v is string => Boolean(v)))].sort((a, b) => a.localeCompare(b));
    return { types: distinct(devices.map((d) => d.type)), areas: distinct(devices.map((d) => d.area)) };
  }, [directory.data]);

  return (
    <div className="flex flex-col gap-4">
      <fieldset disabled={readOnly}>
        <legend className="mb-1.5 text-sm font-medium text-slate-700">Devices watched</legend>
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-5">
          {KINDS.map((k) => (
            <label
              key={k.kind}
              className={cn(
                'flex cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-sky-600',
                value.scopeKind === k.kind ? 'border-sky-600 bg-sky-50' : 'border-slate-300 bg-white hover:bg-slate-50',
              )}
            >
              <input
                type="radio"
                name="rule-scope"
                value={k.kind}
                checked={value.scopeKind === k.kind}
                onChange={() => onChange({ scopeKind: k.kind })}
                className="mt-0.5 accent-sky-700"
              />
              <span>
                <span className="block font-medium text-slate-900">{k.label}</span>
                <span className="block text-xs text-slate-500">{k.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {value.scopeKind === 'devices' && (
        <DevicePicker
          label="Devices"
          selected={value.deviceIds}
          onChange={(deviceIds) => onChange({ deviceIds })}
          max={1000}
          error={error}
          disabled={readOnly}
        />
      )}
      {value.scopeKind === 'type' && (
        <>
          <Input
            label="Device type"
            value={value.scopeType}
            onChange={(e) => onChange({ scopeType: e.target.value })}
            list="rule-scope-types"
            autoComplete="off"
            maxLength={100}
            error={error}
            disabled={readOnly}
            hint="Matches the type exactly, as set on each device."
            className="max-w-sm"
          />
          <datalist id="rule-scope-types">
            {types.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </>
      )}
      {value.scopeKind === 'area' && (
        <>
          <Input
            label="Area"
            value={value.scopeArea}
            onChange={(e) => onChange({ scopeArea: e.target.value })}
            list="rule-scope-areas"
            autoComplete="off"
            maxLength={100}
            error={error}
            disabled={readOnly}
            hint="Matches the area exactly, as set on each device."
            className="max-w-sm"
          />
          <datalist id="rule-scope-areas">
            {areas.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </>
      )}
      {value.scopeKind === 'node' && (
        <NodeSelect
          label="Asset node"
          value={value.scopeNodeId}
          onChange={(scopeNodeId) => onChange({ scopeNodeId })}
          error={error}
          hint="Devices attached later are watched too."
          className="max-w-sm"
        />
      )}
      {value.scopeKind === 'all' && error && (
        <p role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
