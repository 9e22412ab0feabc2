import { useState, type FormEvent } from 'react';
import { DeliveryLog } from '@/components/notifications/DeliveryLog';
import { Banner, Button, Card, CardBody, CardHeader, CopyButton, ErrorDetailsBanner, Input, QueryState } from '@/components/ui';
import { useSaveWhatsAppTemplates, useWhatsAppSetup } from '@/hooks/useNotifications';
import { PURPOSE_LABELS, templatesPayload, templateValues, type TemplateErrors, type TemplateValues } from '@/lib/whatsappTemplates';
import { TEMPLATE_PURPOSES, type TemplatePurpose, type WhatsAppSetup } from '@/types/notifications';

const PROVIDERS: Record<string, string> = {
  none: 'WhatsApp is off on this platform (WHATSAPP_PROVIDER=none): templates are kept for when it is switched on.',
  meta: 'Messages go through Meta’s WhatsApp Cloud API: fill in each template’s name and language.',
  twilio: 'Messages go through Twilio: fill in each Content Template’s SID.',
};

function CallbackUrl({ label, url }: { label: string; url: string }) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-600">{label}</span>
      <code className="font-mono text-xs text-slate-800">{url}</code>
      <CopyButton value={url} what={label.toLowerCase()} />
    </div>
  );
}

function TemplatesForm({ setup }: { setup: WhatsAppSetup }) {
  const save = useSaveWhatsAppTemplates();
  const [values, setValues] = useState(() => templateValues(setup));
  const [errors, setErrors] = useState<TemplateErrors>({});
  const [saved, setSaved] = useState(false);
  const set = (purpose: TemplatePurpose, changes: Partial<TemplateValues>) => {
    setSaved(false);
    setValues((v) => ({ ...v, [purpose]: { ...v[purpose], ...changes } }));
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const { body, errors: problems } = templatesPayload(values, setup.fields);
    setErrors(problems);
    if (!body) return;
    save.mutate(body, {
      onSuccess: (next) => {
        setValues(templateValues(next));
        setSaved(true);
      },
    });
  };
  const pending = save.isPending;
  return (
    <form onSubmit={submit} noValidate aria-label="WhatsApp templates" className="flex flex-col gap-5">
      <p className="text-sm text-slate-600">{PROVIDERS[setup.provider] ?? setup.provider}</p>
      {TEMPLATE_PURPOSES.map((purpose) => {
        const v = values[purpose];
        const e = errors[purpose] ?? {};
        return (
          <fieldset key={purpose} disabled={pending} className="grid grid-cols-1 gap-3 md:grid-cols-4">
            <legend className="mb-1 text-sm font-medium text-slate-800">
              {PURPOSE_LABELS[purpose].label} <span className="font-normal text-slate-500">— {PURPOSE_LABELS[purpose].hint}</span>
            </legend>
            <Input label="Meta template name" value={v.metaName} placeholder="factory_alert" error={e.metaName ?? null} onChange={(ev) => set(purpose, { metaName: ev.target.value })} />
            <Input label="Language" value={v.metaLanguage} placeholder="en_US" error={e.metaLanguage ?? null} onChange={(ev) => set(purpose, { metaLanguage: ev.target.value })} />
            <Input
              label="Twilio content SID"
              className="md:col-span-2"
              value={v.twilioSid}
              placeholder="HX…"
              error={e.twilioSid ?? null}
              onChange={(ev) => set(purpose, { twilioSid: ev.target.value })}
            />
            <Input
              label="Variables {{1}}, {{2}}, …"
              className="md:col-span-4"
              value={v.parameters}
              placeholder="severity, title, device, triggered_at, link"
              hint={`Alert facts in order, separated by commas: ${setup.fields.join(', ')}.`}
              error={e.parameters ?? null}
              onChange={(ev) => set(purpose, { parameters: ev.target.value })}
            />
          </fieldset>
        );
      })}
      <ErrorDetailsBanner error={save.error} />
      {saved && !save.isError && <Banner tone="success">Templates saved.</Banner>}
      <div className="flex justify-end">
        <Button type="submit" loading={pending}>
          Save templates
        </Button>
      </div>
      <div className="flex flex-col gap-2 border-t border-slate-200 pt-4">
        <h3 className="text-sm font-medium text-slate-800">Delivery status callbacks</h3>
        {!setup.callbacks_verified && setup.provider !== 'none' && (
          <Banner tone="warning" title="Callbacks cannot be checked yet">
            Set WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN (Meta) or TWILIO_AUTH_TOKEN (Twilio): until then status callbacks are refused and deliveries stay “sent”.
          </Banner>
        )}
        <CallbackUrl label="Meta webhook" url={setup.meta_callback_url} />
        <CallbackUrl label="Twilio status callback" url={setup.twilio_callback_url} />
      </div>
    </form>
  );
}

/** The approved templates WhatsApp alerts go out as, and what the providers reported. */
export function WhatsAppTemplatesCard() {
  const setup = useWhatsAppSetup();
  return (
    <Card>
      <CardHeader
        title="WhatsApp templates"
        description="WhatsApp refuses free-form messages a recipient did not ask for: alerts go out as templates approved by Meta or built in Twilio."
      />
      <CardBody className="flex flex-col gap-5">
        <QueryState query={setup} loadingLabel="Loading WhatsApp templates" errorTitle="Could not load the WhatsApp templates" loadingClassName="py-6">
          {(data) => <TemplatesForm setup={data} />}
        </QueryState>
        <div className="flex flex-col gap-2">
          <h3 className="text-sm font-medium text-slate-800">WhatsApp delivery log</h3>
          <DeliveryLog filter={{ channel: 'whatsapp' }} caption="WhatsApp deliveries" />
        </div>
      </CardBody>
    </Card>
  );
}
