import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Field } from '@/components/ui/Field';
import { Input } from '@/components/ui/Input';
import { Select } from '@/components/ui/Select';
import { Textarea } from '@/components/ui/Textarea';

describe('Field', () => {
  it('labels its control and describes it by the hint and the error', () => {
    render(
      <Field label="Recipients" hint="One per line." error="Enter an address.">
        {({ id, describedBy, invalid }) => <textarea id={id} aria-describedby={describedBy} aria-invalid={invalid} />}
      </Field>,
    );
    const control = screen.getByRole('textbox', { name: 'Recipients' });
    expect(control).toHaveAccessibleDescription('One per line. Enter an address.');
    expect(control).toHaveAttribute('aria-invalid', 'true');
  });

  it('marks a required field without changing its name, and can hide the label', () => {
    render(
      <Field label="Email" required hideLabel id="email">
        {({ id, describedBy, invalid }) => <input id={id} aria-describedby={describedBy} aria-invalid={invalid} />}
      </Field>,
    );
    const control = screen.getByRole('textbox', { name: 'Email' });
    expect(control).toHaveAttribute('id', 'email');
    expect(control).not.toHaveAttribute('aria-describedby');
    expect(control).not.toHaveAttribute('aria-invalid');
    expect(screen.getByText('Email')).toHaveClass('sr-only');
    expect(screen.getByText('*')).toHaveAttribute('aria-hidden', 'true');
  });

  it('serves Input, Select and Textarea alike; only Input and Select show the required mark', () => {
    render(
      <>
        <Input label="Name" required error="Enter a name." />
        <Select label="Role" required hint="Who they are.">
          <option>User</option>
        </Select>
        <Textarea label="Notes" required />
      </>,
    );
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription('Enter a name.');
    expect(screen.getByRole('combobox', { name: 'Role' })).toHaveAccessibleDescription('Who they are.');
    expect(screen.getByRole('textbox', { name: 'Notes' })).toBeRequired();
    expect(screen.getAllByText('*')).toHaveLength(2);
  });
});
