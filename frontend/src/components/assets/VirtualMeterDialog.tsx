import { useState, type FormEvent } from 'react';
import { NodeSelect } from '@/components/assets/NodeSelect';
import { Button, ErrorDetailsBanner, FormDialog, Input, Select } from '@/components/ui';
import { useCreateVirtualMeter, useUpdateVirtualMeter } from '@/hooks/useAssets';
import { useDeviceDirectory } from '@/hooks/useDevices';
import type { MeterTerm, VirtualMeter } from '@/types/assets';

interface VirtualMeterDialogProps {
  meter: VirtualMeter | null;
  nodeId: number | null;
  onClose: () => void;
}

interface TermDraft {
  deviceId: number | null;
  sign: 1 | -1;
}

/** A virtual meter: a signed sum of devices' energy, e.g. main meter − sub-meters = unmetered loss. */
export function VirtualMeterDialog({ meter, nodeId, onClose }: VirtualMeterDialogProps) {
  const create = useCreateVirtualMeter();
  const update = useUpdateVirtualMeter();
  const directory = useDeviceDirectory();
  const devices = directory.data?.devices ?? [];
  const [name, setName] = useState(meter?.name ?? '');
  const [node, setNode] = useState<number | null>(meter ? meter.node_id : nodeId);
  const [terms, setTerms] = useState<TermDraft[]>(
    meter ? meter.terms.map((t) => ({ deviceId: t.device_id, sign: t.sign < 0 ? -1 : 1 })) : [{ deviceId: null, sign: 1 }],
  );
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = meter ? update : create;

  const setTerm = (index: number, change: Partial<TermDraft>) => setTerms((all) => all.map((t, i) => (i === index ? { ...t, ...change } : t)));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const chosen: MeterTerm[] = terms.filter((t) => t.deviceId !== null).map((t) => ({ device_id: t.deviceId ?? 0, sign: t.sign }));
    if (!name.trim()) return setProblem('Give the meter a name.');
    if (chosen.length === 0) return setProblem('Choose at least one device.');
    if (new Set(chosen.map((t) => t.device_id)).size !== chosen.length) return setProblem('Each device may appear once.');
    setProblem(null);
    const body = { name: name.trim(), description: meter?.description ?? '', node_id: node, terms: chosen };
    if (meter) update.mutate({ id: meter.id, body }, { onSuccess: onClose });
    else create.mutate(body, { onSuccess: onClose });
  };

  return (
    <FormDialog
      formId="virtual-meter-form"
      title={meter ? `Edit ${meter.name}` : 'New virtual meter'}
      description="Its energy is the devices' energy added or subtracted quarter hour by quarter hour; it can be read wherever a device's energy is."
      onClose={onClose}
      onSubmit={submit}
      pending={mutation.isPending}
      submitLabel={meter ? 'Save' : 'Create meter'}
    >
      <ErrorDetailsBanner error={mutation.error} className="sm:col-span-2" />
      <Input label="Name" required maxLength={200} value={name} placeholder="Unmetered" onChange={(e) => setName(e.target.value)} error={problem && !name.trim() ? problem : null} />
      <NodeSelect label="Counts toward node" value={node} noneLabel="No node" onChange={setNode} />
      <fieldset className="flex flex-col gap-2 sm:col-span-2">
        <legend className="mb-1.5 text-sm font-medium text-slate-700">Terms</legend>
        {terms.map((term, index) => (
          <div key={index} className="flex items-end gap-2">
            <Select
              label={`Term ${index + 1} sign`}
              hideLabel
              value={term.sign}
              onChange={(e) => setTerm(index, { sign: e.target.value === '-1' ? -1 : 1 })}
              className="w-20"
            >
              <option value={1}>+</option>
              <option value={-1}>−</option>
            </Select>
            <Select
              label={`Term ${index + 1} device`}
              hideLabel
              value={term.deviceId ?? ''}
              onChange={(e) => setTerm(index, { deviceId: e.target.value ? Number(e.target.value) : null })}
              className="flex-1"
            >
              <option value="">Choose a device</option>
              {devices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </Select>
            <Button variant="ghost" size="sm" aria-label={`Remove term ${index + 1}`} disabled={terms.length === 1} onClick={() => setTerms((all) => all.filter((_, i) => i !== index))}>
              Remove
            </Button>
          </div>
        ))}
        <div>
          <Button variant="secondary" size="sm" onClick={() => setTerms((all) => [...all, { deviceId: null, sign: -1 }])}>
            Add term
          </Button>
        </div>
        {problem && name.trim() && (
          <p role="alert" className="text-sm text-red-700">
            {problem}
          </p>
        )}
      </fieldset>
    </FormDialog>
  );
}
