import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FormDialog } from '@/components/ui/FormDialog';

describe('FormDialog', () => {
  it('submits the form from the footer button and cancels with Cancel', async () => {
    const onSubmit = vi.fn((e: { preventDefault: () => void }) => e.preventDefault());
    const onClose = vi.fn();
    render(
      <FormDialog formId="test-form" title="Invite user" description="By email." onClose={onClose} onSubmit={onSubmit} pending={false} submitLabel="Send invitation">
        <input aria-label="Email" />
      </FormDialog>,
    );
    expect(screen.getByRole('dialog', { name: 'Invite user' })).toHaveAccessibleDescription('By email.');
    await userEvent.click(screen.getByRole('button', { name: 'Send invitation' }));
    expect(onSubmit).toHaveBeenCalledOnce();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('cannot be cancelled or dismissed while saving', async () => {
    const onClose = vi.fn();
    render(
      <FormDialog formId="test-form" title="Add device" onClose={onClose} onSubmit={vi.fn()} pending submitLabel="Add device">
        <input aria-label="Name" />
      </FormDialog>,
    );
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Add device' })).toHaveAttribute('aria-busy', 'true');
    await userEvent.keyboard('{Escape}');
    expect(onClose).not.toHaveBeenCalled();
  });
});
