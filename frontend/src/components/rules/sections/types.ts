import type { RuleDraft, RuleFieldErrors } from '@/lib/ruleForm';

/**
 * What every section of the rule editor receives: the whole draft, a way to change some of
 * its fields, the field errors of the last check and whether the user may edit. A section
 * that needs more (the condition's test run) adds its own props beside these.
 */
export interface RuleSectionProps {
  draft: RuleDraft;
  onChange: (changes: Partial<RuleDraft>) => void;
  errors: RuleFieldErrors;
  readOnly: boolean;
}
