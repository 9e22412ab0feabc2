import { useState, type FormEvent } from 'react';
import { NodeSelect } from '@/components/assets/NodeSelect';
import { ErrorDetailsBanner, FormDialog, Input, Select } from '@/components/ui';
import { useCreateBaseline } from '@/hooks/useProduction';
import type { Baseline } from '@/types/production';

interface BaselineDialogProps {
  nodeId: number | null;
  /** Suggested period: the last whole days before today. */
  defaultPeriod: { start: string; end: string };
  onClose: () => void;
  onCreated?: (baseline: Baseline) => void;
}

/** Fits a baseline: a node's energy regressed on its production over a period (ISO 50006). */
export function BaselineDialog({ nodeId, defaultPeriod, onClose, onCreated }: BaselineDialogProps) {
  const create = useCreateBaseline();
  const [node, setNode] = useState<number | null>(nodeId);
  const [name, setName] = useState('');
  const [start, setStart] = useState(defaultPeriod.start);
  const [end, setEnd] = useState(defaultPeriod.end);
  const [granularity, setGranularity] = useState<'day' | 'hour'>('day');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (node === null) found.node = 'Choose the node the baseline describes.';
    if (!name.trim()) found.name = 'Give the baseline a name.';
    if (!start || !end || end < start) found.period = 'The period ends on or after its first day.';
    setProblems(found);
    if (Object.keys(found).length > 0 || node === null) return;
    create.mutate(
      { node_id: node, name: name.trim(), period_start: start, period_end: end, granularity },
      {
        onSuccess: (baseline) => {
          onCreated?.(baseline);
          onClose();
        },
      },
    );
  };

  return (
    <FormDialog
      formId="baseline-form"
      title="New baseline"
      description="The node's energy is fitted to its production over the period by linear regression; later periods are compared with what the fit expects."
      onClose={onClose}
      onSubmit={submit}
      pending={create.isPending}
      submitLabel="Fit baseline"
    >
      <ErrorDetailsBanner error={create.error} className="sm:col-span-2" />
      <NodeSelect label="Node" value={node} onChange={setNode} error={problems.node} />
      <Input label="Name" required maxLength={200} value={name} placeholder="2026 baseline" onChange={(e) => setName(e.target.value)} error={problems.name} />
      <Input label="First day" type="date" required value={start} onChange={(e) => setStart(e.target.value)} error={problems.period} />
      <Input label="Last day" type="date" required value={end} onChange={(e) => setEnd(e.target.value)} />
      <Select
        label="Regression points"
        value={granularity}
        onChange={(e) => setGranularity(e.target.value === 'hour' ? 'hour' : 'day')}
        hint="Hours need production counters; days also take figures entered per day."
      >
        <option value="day">Days</option>
        <option value="hour">Hours</option>
      </Select>
    </FormDialog>
  );
}
