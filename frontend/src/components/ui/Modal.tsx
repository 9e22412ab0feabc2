import { useEffect, useId, useLayoutEffect, useRef, type MouseEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { cn } from '@/lib/cn';

interface ModalProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** Block Escape and backdrop clicks, e.g. while a save is in flight. */
  dismissible?: boolean;
}

const widths = { sm: 'max-w-sm', md: 'max-w-lg', lg: 'max-w-2xl' };

/**
 * A modal dialog on the browser's own `<dialog>`: `showModal()` makes the rest of the page
 * inert (no focus, no clicks, hidden from assistive technology), keeps Tab inside, closes on
 * Escape and puts focus back where it was. The dialog is open while it is rendered with `open`.
 */
export function Modal({ open, ...props }: ModalProps) {
  if (!open) return null;
  // In <body>, so that a dialog holding a form is never nested in a form of the page.
  return createPortal(<OpenDialog {...props} />, document.body);
}

function OpenDialog({ onClose, title, description, children, footer, size = 'md', dismissible = true }: Omit<ModalProps, 'open'>) {
  const titleId = useId();
  const descriptionId = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const latest = useRef({ onClose, dismissible });
  const pressedOnBackdrop = useRef(false);

  useEffect(() => {
    latest.current = { onClose, dismissible };
  });

  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;

    // Escape: the parent decides whether the dialog closes, by no longer rendering it.
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (latest.current.dismissible) latest.current.onClose();
    };
    // A browser may close a dialog without letting `cancel` be refused (Escape pressed twice
    // with no other input between): the parent still renders it, so honour or undo that.
    const onNativeClose = () => {
      // Also reached by the `close` of an earlier mount's cleanup (events arrive later), when
      // this one has opened the dialog again.
      if (dialog.open) return;
      if (latest.current.dismissible) latest.current.onClose();
      else dialog.showModal();
    };
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onNativeClose);
    dialog.showModal();
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onNativeClose);
      dialog.close();
      if (previouslyFocused?.isConnected) previouslyFocused.focus();
    };
  }, []);

  // A click on the backdrop lands on the <dialog> itself; the panel fills the rest of it.
  // Both ends of the click must be there, so a text selection dragged out does not close it.
  const onMouseDown = (event: MouseEvent<HTMLDialogElement>) => {
    pressedOnBackdrop.current = event.target === event.currentTarget;
  };
  const onClick = (event: MouseEvent<HTMLDialogElement>) => {
    if (pressedOnBackdrop.current && event.target === event.currentTarget && dismissible) onClose();
    pressedOnBackdrop.current = false;
  };

  return (
    // The click handlers are the pointer's way to the backdrop; the keyboard's is Escape.
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onMouseDown={onMouseDown}
      onClick={onClick}
      className={cn(
        'm-auto w-full rounded-lg bg-white p-0 text-left shadow-xl backdrop:bg-slate-900/50 focus:outline-none',
        widths[size],
      )}
    >
      <div className="border-b border-slate-200 px-5 py-4">
        <h2 id={titleId} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {description && (
          <p id={descriptionId} className="mt-1 text-sm text-slate-500">
            {description}
          </p>
        )}
      </div>
      {children && <div className="px-5 py-4">{children}</div>}
      {footer && (
        <div className="flex justify-end gap-2 border-t border-slate-200 bg-slate-50 px-5 py-3">{footer}</div>
      )}
    </dialog>
  );
}
