import type { FormEvent, ReactNode } from 'react';
import { Button } from '@/components/ui/Button';
import { Modal } from '@/components/ui/Modal';

interface FormDialogProps {
  /** Ties the footer's submit button to the form, which sits outside the footer. */
  formId: string;
  title: string;
  description?: ReactNode;
  onClose: () => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  /** While the save is in flight the dialog cannot be dismissed and Cancel is disabled. */
  pending: boolean;
  submitLabel: ReactNode;
  /** The form's fields, laid out on a two-column grid. */
  children: ReactNode;
}

/** A large dialog holding one form, with Cancel and a submit button in its footer. */
export function FormDialog({ formId, title, description, onClose, onSubmit, pending, submitLabel, children }: FormDialogProps) {
  return (
    <Modal
      open
      onClose={onClose}
      title={title}
      description={description}
      size="lg"
      dismissible={!pending}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" form={formId} loading={pending}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={onSubmit} noValidate className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        {children}
      </form>
    </Modal>
  );
}
