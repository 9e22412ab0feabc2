import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { buildRule, draftFromRule, emptyRuleDraft, ruleServerErrors } from '@/lib/ruleForm';
import { makeRule } from '@/test/domainFixtures';

const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
function refused(data: unknown) {
  return new AxiosError('Request failed', AxiosError.ERR_BAD_REQUEST, config, {}, { status: 422, statusText: '', data, headers: new AxiosHeaders(), config });
}

describe('rule form', () => {
  it('round-trips a saved rule, reading an end of day as 00:00 and writing it as 24:00', () => {
    const rule = makeRule({ schedule: { days: [5, 6], start: '22:00', end: '24:00' }, channels: ['whatsapp'], recipients: { user_permissions: [], user_ids: [], emails: [], phones: ['+4915112345678'] } });
    const draft = draftFromRule(rule);
    expect(draft.end).toBe('00:00');
    const { id: _id, created_by: _by, created_at: _at, updated_at: _up, ...write } = rule;
    expect(buildRule(draft).body).toEqual(write);
  });

  it('asks for what is missing before anything is sent', () => {
    const draft = { ...emptyRuleDraft(), scopeKind: 'type' as const, cooldown: '-1', channels: ['email' as const], scheduleOn: true, days: [] };
    const { body, errors, nodeErrors } = buildRule(draft);
    expect(body).toBeNull();
    expect(errors).toEqual({
      name: 'Enter a name.',
      scope: 'Enter a device type.',
      cooldown: 'Enter whole minutes from 0 to 10080.',
      schedule: 'Choose at least one day.',
      recipients: 'Choose who receives the notifications.',
    });
    expect(Object.values(nodeErrors)).toEqual([{ parameter: 'Choose a parameter.', value: 'Enter a number.' }]);
  });

  it('refuses malformed addresses and numbers', () => {
    const draft = { ...emptyRuleDraft(), emails: 'ok@plant.example\nnot-mail', phones: '+49 151 1234 5678\n0151 999' };
    expect(buildRule(draft).errors).toMatchObject({
      emails: 'Not an email address: not-mail',
      phones: 'Use the international form, e.g. +4915112345678: 0151999',
    });
  });

  it('puts field errors of a 422 on their field', () => {
    const draft = emptyRuleDraft();
    const err = refused({
      error: {
        code: 'VALIDATION_ERROR',
        message: 'Invalid request.',
        details: [
          { field: 'body.recipients.phones.0', message: 'must be an E.164 number such as +4915112345678' },
          { field: 'body.schedule', message: 'start and end must differ (00:00 to 24:00 is the whole day)' },
        ],
      },
    });
    expect(ruleServerErrors(err, draft.condition)).toEqual({
      fields: {
        phones: 'must be an E.164 number such as +4915112345678',
        schedule: 'start and end must differ (00:00 to 24:00 is the whole day)',
      },
      nodes: {},
    });
  });
});

describe('silent devices and escalation in the rule form', () => {
  it('round-trips a silent-device rule with escalation steps and a resolve notification', () => {
    const rule = makeRule({
      condition: { silent_for_seconds: 600 },
      channels: ['email'],
      recipients: { user_permissions: ['acknowledge_alerts'], user_ids: [], emails: [], phones: [] },
      escalation: {
        repeat_seconds: 900,
        steps: [{ after_seconds: 1800, channels: ['email', 'whatsapp'], recipients: { emails: ['boss@plant.example'], phones: ['+4915112345678'] } }],
      },
      notify_on_resolve: true,
    });
    const draft = draftFromRule(rule);
    expect([draft.conditionKind, draft.quietMinutes, draft.repeatMinutes]).toEqual(['silent', '10', '15']);
    const { id: _id, created_by: _by, created_at: _at, updated_at: _up, ...write } = rule;
    expect(buildRule(draft).body).toEqual(write);
  });

  it('writes a stale parameter in seconds and checks the escalation steps', () => {
    const draft = {
      ...emptyRuleDraft(),
      name: 'Flow sensor',
      conditionKind: 'stale' as const,
      staleParameter: 'flow',
      quietMinutes: '0.5',
      escalationSteps: [{ afterMinutes: '30', emails: 'not-an-address', phones: '' }],
    };
    expect(buildRule(draft).errors).toEqual({ escalation: 'Step 1: not an email address.' });
    const fixed = { ...draft, escalationSteps: [] };
    expect(buildRule(fixed).body?.condition).toEqual({ parameter: 'flow', stale_for_seconds: 30 });
    expect(buildRule(fixed).body?.escalation).toBeNull();
    expect(buildRule({ ...fixed, staleParameter: '' }).errors.quiet).toBe('Enter the parameter that must keep reporting.');
  });
});
