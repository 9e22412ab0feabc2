import { useMemo, useState, type FormEvent } from 'react';
import { getErrorDetails, getErrorMessage } from '@/api/errors';
import { WebhooksCard } from '@/components/notifications/WebhooksCard';
import { WhatsAppTemplatesCard } from '@/components/notifications/WhatsAppTemplatesCard';
import { RetentionCard } from '@/components/settings/RetentionCard';
import { ShiftCalendarCard } from '@/components/settings/ShiftCalendarCard';
import { TariffEditor } from '@/components/settings/TariffEditor';
import { Banner, Button, Card, CardBody, CardHeader, Checkbox, Input, QueryState, Select } from '@/components/ui';
import { useCurrentFactory, useUpdateFactory } from '@/hooks/useCurrentFactory';
import {
  buildFactoryUpdate,
  serverFieldErrors,
  valuesOf,
  type FieldErrors,
  type FormValues,
} from '@/lib/factorySettings';
import type { TariffErrors } from '@/lib/tariff';
import { timeZoneOptions } from '@/lib/time';
import type { Factory } from '@/types/factory';

function SettingsForm({ factory }: { factory: Factory }) {
  const update = useUpdateFactory();
  const [values, setValues] = useState<FormValues>(() => valuesOf(factory));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [tariffErrors, setTariffErrors] = useState<TariffErrors | null>(null);
  const [saved, setSaved] = useState(false);
  // Hundreds of zones: built once per zone change, not on every keystroke elsewhere.
  const zoneOptions = useMemo(
    () =>
      timeZoneOptions(values.timezone).map((zone) => (
        <option key={zone} value={zone}>
          {zone}
        </option>
      )),
    [values.timezone],
  );

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setSaved(false);
    setValues((v) => ({ ...v, [key]: value }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = buildFactoryUpdate(factory, values);
    setErrors(result.errors);
    setTariffErrors(result.tariffErrors);
    if (Object.keys(result.errors).length > 0 || result.tariffErrors) return;
    if (Object.keys(result.body).length === 0) {
      setSaved(true);
      return;
    }
    update.mutate(result.body, {
      onSuccess: (next) => {
        setValues(valuesOf(next));
        setSaved(true);
      },
    });
  };

  const serverErrors = update.isError ? serverFieldErrors(update.error) : {};
  const fieldError = (key: keyof FieldErrors) => errors[key] ?? serverErrors[key] ?? null;
  const details = update.isError ? getErrorDetails(update.error) : [];
  const pending = update.isPending;

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-6">
      <Card>
        <CardHeader title="Factory" description="Shown to every user of the factory." />
        <CardBody className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Input label="Name" required value={values.name} maxLength={200} error={fieldError('name')} disabled={pending} onChange={(e) => set('name', e.target.value)} />
          <Select
            label="Time zone"
            value={values.timezone}
            error={fieldError('timezone')}
            disabled={pending}
            hint="Days, tariff periods and chart axes follow this zone."
            onChange={(e) => set('timezone', e.target.value)}
          >
            {zoneOptions}
          </Select>
          <Input
            label="Currency"
            value={values.currency}
            maxLength={3}
            autoCapitalize="characters"
            hint="ISO 4217 code, e.g. EUR, USD, INR."
            error={fieldError('currency')}
            disabled={pending}
            onChange={(e) => set('currency', e.target.value.toUpperCase())}
          />
          <Input
            label="CO₂ factor (kg per kWh)"
            inputMode="decimal"
            value={values.co2}
            hint="Emissions of the grid electricity you buy."
            error={fieldError('co2')}
            disabled={pending}
            onChange={(e) => set('co2', e.target.value)}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Devices" />
        <CardBody className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Input
            label="Online threshold (seconds)"
            inputMode="numeric"
            value={values.threshold}
            placeholder="Platform default"
            hint="A device counts as online when it reported within this time. Empty uses the platform default."
            error={fieldError('threshold')}
            disabled={pending}
            onChange={(e) => set('threshold', e.target.value)}
          />
          <Checkbox
            label="Register unknown devices automatically"
            hint="A device key nobody added is registered as “discovered” on its first message, for approval."
            checked={values.allowAutoRegister}
            disabled={pending}
            onChange={(e) => set('allowAutoRegister', e.target.checked)}
            className="md:mt-7"
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Energy tariff" description="Prices used for energy cost, per 15-minute interval at the factory's local time." />
        <CardBody>
          <TariffEditor
            value={values.tariff}
            onChange={(tariff) => set('tariff', tariff)}
            currency={values.currency || factory.currency}
            errors={tariffErrors}
            disabled={pending}
          />
        </CardBody>
      </Card>

      <div className="flex flex-col gap-3">
        {update.isError && (
          <Banner tone="danger" title={getErrorMessage(update.error)}>
            {details.length > 0 && (
              <ul className="list-disc pl-5">
                {details.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </Banner>
        )}
        {saved && !update.isError && <Banner tone="success">Settings saved.</Banner>}
        <div className="flex justify-end gap-2">
          <Button
            variant="secondary"
            disabled={pending}
            onClick={() => {
              setValues(valuesOf(factory));
              setErrors({});
              setTariffErrors(null);
              setSaved(false);
              update.reset();
            }}
          >
            Reset
          </Button>
          <Button type="submit" loading={pending}>
            Save settings
          </Button>
        </div>
      </div>
    </form>
  );
}

export default function FactorySettings() {
  const factory = useCurrentFactory();
  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Factory settings</h1>
        <p className="mt-1 text-sm text-slate-500">Time zone, currency, tariff, device options, shifts, data retention, WhatsApp templates and webhooks of {factory.data?.name ?? 'the factory'}.</p>
      </div>
      <QueryState query={factory} loadingLabel="Loading settings" errorTitle="Could not load the settings">
        {(saved) => (
          <>
          {/* Keyed by the saved state so a save elsewhere starts the form afresh. */}
          <SettingsForm key={saved.id} factory={saved} />
          <ShiftCalendarCard />
          <RetentionCard timeZone={saved.timezone} />
          <WhatsAppTemplatesCard />
          <WebhooksCard />
          </>
        )}
      </QueryState>
    </div>
  );
}
