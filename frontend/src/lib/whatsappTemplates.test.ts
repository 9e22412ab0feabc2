import { describe, expect, it } from 'vitest';
import { templatesPayload, templateValues } from '@/lib/whatsappTemplates';
import type { WhatsAppSetup } from '@/types/notifications';

const FIELDS = ['severity', 'title', 'device', 'link'];
const BLANK = { metaName: '', metaLanguage: '', twilioSid: '', parameters: '' };

describe('WhatsApp template form', () => {
  it('sends the filled purposes with their variables in order', () => {
    const { body, errors } = templatesPayload(
      {
        alert: { metaName: 'factory_alert', metaLanguage: 'en_US', twilioSid: '', parameters: 'severity, title ,link' },
        resolved: BLANK,
        digest: { ...BLANK, twilioSid: 'HX' + 'a'.repeat(32) },
      },
      FIELDS,
    );
    expect(errors).toEqual({});
    expect(body).toEqual({
      templates: [
        { purpose: 'alert', meta_name: 'factory_alert', meta_language: 'en_US', twilio_content_sid: null, parameters: ['severity', 'title', 'link'] },
        { purpose: 'digest', meta_name: null, meta_language: null, twilio_content_sid: 'HX' + 'a'.repeat(32), parameters: [] },
      ],
    });
  });

  it('says what to fix before sending', () => {
    const { body, errors } = templatesPayload(
      { alert: { metaName: 'Factory Alert', metaLanguage: '', twilioSid: 'HX12', parameters: 'title, password' }, resolved: BLANK, digest: BLANK },
      FIELDS,
    );
    expect(body).toBeNull();
    expect(errors.alert?.metaName).toMatch(/Lower-case/);
    expect(errors.alert?.metaLanguage).toMatch(/name and language/);
    expect(errors.alert?.twilioSid).toMatch(/HX followed/);
    expect(errors.alert?.parameters).toBe('Not an alert fact: password.');
  });

  it('reads the saved templates back into the form', () => {
    const setup = {
      provider: 'meta',
      fields: FIELDS,
      meta_callback_url: '',
      twilio_callback_url: '',
      callbacks_verified: true,
      templates: [
        { purpose: 'alert', meta_name: 'a', meta_language: 'en', twilio_content_sid: null, parameters: ['title', 'link'], configured: true, updated_at: null },
        { purpose: 'resolved', meta_name: null, meta_language: null, twilio_content_sid: null, parameters: [], configured: false, updated_at: null },
        { purpose: 'digest', meta_name: null, meta_language: null, twilio_content_sid: null, parameters: [], configured: false, updated_at: null },
      ],
    } satisfies WhatsAppSetup;
    expect(templateValues(setup).alert).toEqual({ metaName: 'a', metaLanguage: 'en', twilioSid: '', parameters: 'title, link' });
    expect(templateValues(setup).resolved).toEqual(BLANK);
  });
});
