import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Modal } from '@/components/ui/Modal';

function Harness({ dismissible = true, onClose = () => {} }: { dismissible?: boolean; onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button onClick={() => setOpen(true)}>Open</button>
      <Modal
        open={open}
        onClose={() => {
          onClose();
          setOpen(false);
        }}
        title="Delete press?"
        description="It cannot be undone."
        dismissible={dismissible}
        footer={<button>Delete</button>}
      >
        <input aria-label="Reason" />
      </Modal>
    </>
  );
}

async function openHarness(props: Parameters<typeof Harness>[0] = {}) {
  const user = userEvent.setup();
  render(<Harness {...props} />);
  await user.click(screen.getByRole('button', { name: 'Open' }));
  const dialog = screen.getByRole('dialog', { name: 'Delete press?' });
  return { user, dialog: dialog as HTMLDialogElement };
}

describe('Modal', () => {
  it('is the native dialog element, opened modally, named and described', async () => {
    const { dialog } = await openHarness();
    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog.open).toBe(true);
    expect(dialog).toHaveAccessibleDescription('It cannot be undone.');
    expect(screen.getByLabelText('Reason')).toHaveFocus();
  });

  it('closes on Escape and gives focus back to what opened it', async () => {
    const onClose = vi.fn();
    const { user } = await openHarness({ onClose });
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledOnce();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Open' })).toHaveFocus();
  });

  it('closes on a click on the backdrop, not on one inside the panel', async () => {
    const onClose = vi.fn();
    const { user, dialog } = await openHarness({ onClose });
    await user.click(screen.getByLabelText('Reason'));
    await user.click(screen.getByRole('heading', { name: 'Delete press?' }));
    expect(onClose).not.toHaveBeenCalled();
    // A click on the backdrop is a click whose target is the <dialog> itself.
    await user.click(dialog);
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('stays open while not dismissible, even when the browser closes it on its own', async () => {
    const onClose = vi.fn();
    const { user, dialog } = await openHarness({ dismissible: false, onClose });
    await user.keyboard('{Escape}');
    await user.click(dialog);
    expect(onClose).not.toHaveBeenCalled();
    dialog.close(); // as a browser does on a second Escape it will not let the page refuse
    expect(screen.getByRole('dialog', { name: 'Delete press?' })).toBeInTheDocument();
    expect(dialog.open).toBe(true);
  });
});
