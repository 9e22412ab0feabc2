import type { TemplateField, TemplatePurpose, WhatsAppSetup, WhatsAppTemplateIn, WhatsAppTemplatesPut } from '@/types/notifications';

export interface TemplateValues {
  metaName: string;
  metaLanguage: string;
  twilioSid: string;
  /** Alert facts for {{1}}, {{2}}, ... separated by commas, e.g. "severity, title, link". */
  parameters: string;
}

export type TemplateErrors = Partial<Record<TemplatePurpose, Partial<Record<keyof TemplateValues, string>>>>;

export const PURPOSE_LABELS: Record<TemplatePurpose, { label: string; hint: string }> = {
  alert: { label: 'Alert', hint: 'Every alert, and its repeats while unacknowledged.' },
  resolved: { label: 'Resolved', hint: 'When an alert clears. Empty: the alert template is used.' },
  digest: { label: 'Digest', hint: 'A summary instead of a storm of alerts. Empty: the alert template is used.' },
};

const EMPTY: TemplateValues = { metaName: '', metaLanguage: '', twilioSid: '', parameters: '' };

export function templateValues(setup: WhatsAppSetup): Record<TemplatePurpose, TemplateValues> {
  const values = { alert: { ...EMPTY }, resolved: { ...EMPTY }, digest: { ...EMPTY } };
  for (const t of setup.templates) {
    if (!t.configured) continue;
    values[t.purpose as TemplatePurpose] = {
      metaName: t.meta_name ?? '',
      metaLanguage: t.meta_language ?? '',
      twilioSid: t.twilio_content_sid ?? '',
      parameters: t.parameters.join(', '),
    };
  }
  return values;
}

/** The templates to save (a purpose left blank has none), or what to fix first. */
export function templatesPayload(
  values: Record<TemplatePurpose, TemplateValues>,
  fields: readonly string[],
): { body: WhatsAppTemplatesPut | null; errors: TemplateErrors } {
  const errors: TemplateErrors = {};
  const templates: WhatsAppTemplateIn[] = [];
  for (const purpose of Object.keys(values) as TemplatePurpose[]) {
    const v = values[purpose];
    const metaName = v.metaName.trim();
    const metaLanguage = v.metaLanguage.trim();
    const twilioSid = v.twilioSid.trim();
    const parameters = v.parameters
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (!metaName && !metaLanguage && !twilioSid && parameters.length === 0) continue;
    const problems: Partial<Record<keyof TemplateValues, string>> = {};
    if (metaName && !/^[a-z0-9_]+$/.test(metaName)) problems.metaName = 'Lower-case letters, digits and _ as approved by Meta.';
    if (Boolean(metaName) !== Boolean(metaLanguage)) problems[metaName ? 'metaLanguage' : 'metaName'] = 'A Meta template needs its name and language.';
    if (metaLanguage && !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(metaLanguage)) problems.metaLanguage = 'A language code such as en or en_US.';
    if (twilioSid && !/^HX[0-9a-fA-F]{32}$/.test(twilioSid)) problems.twilioSid = 'HX followed by 32 hexadecimal digits.';
    if (!metaName && !twilioSid) problems.metaName = 'Give a Meta template, a Twilio content SID, or both.';
    const unknown = parameters.filter((p) => !fields.includes(p));
    if (unknown.length > 0) problems.parameters = `Not an alert fact: ${unknown.join(', ')}.`;
    if (parameters.length > 10) problems.parameters = 'At most 10 variables.';
    if (Object.keys(problems).length > 0) {
      errors[purpose] = problems;
      continue;
    }
    templates.push({
      purpose,
      meta_name: metaName || null,
      meta_language: metaLanguage || null,
      twilio_content_sid: twilioSid || null,
      parameters: parameters as TemplateField[],
    });
  }
  if (Object.keys(errors).length > 0) return { body: null, errors };
  return { body: { templates }, errors };
}
