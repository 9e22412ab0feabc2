import type { ReactNode } from 'react';
import { getErrorMessage } from '@/api/errors';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';

/** A delete of one record by id, as `useMutation` answers it. */
export interface DeleteMutation {
  mutate: (id: number, options?: { onSuccess?: () => void }) => void;
  reset: () => void;
  isPending: boolean;
  isError: boolean;
  error: unknown;
}

interface DeleteDialogProps<T extends { id: number }> {
  /** The record to delete; the dialog is open while there is one. */
  item: T | null;
  title: (item: T) => string;
  confirmLabel: string;
  remove: DeleteMutation;
  /** Closes the dialog: after a delete, or when cancelled (the failure is then forgotten). */
  onClose: () => void;
  onDeleted?: (item: T) => void;
  /** What deleting it removes. */
  children: (item: T) => ReactNode;
}

/** Asks before deleting a record, runs the delete and shows why it failed. */
export function DeleteDialog<T extends { id: number }>({ item, title, confirmLabel, remove, onClose, onDeleted, children }: DeleteDialogProps<T>) {
  return (
    <ConfirmDialog
      open={item !== null}
      title={item ? title(item) : ''}
      confirmLabel={confirmLabel}
      tone="danger"
      pending={remove.isPending}
      error={remove.isError ? getErrorMessage(remove.error) : null}
      onCancel={() => {
        onClose();
        remove.reset();
      }}
      onConfirm={() =>
        item &&
        remove.mutate(item.id, {
          onSuccess: () => {
            onDeleted?.(item);
            onClose();
          },
        })
      }
    >
      {item && children(item)}
    </ConfirmDialog>
  );
}
