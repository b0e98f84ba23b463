/**
 * A modal dialog on the native `<dialog>` element: showModal() gives focus
 * trapping, Escape, the inert page behind and role="dialog" aria-modal; the
 * heading names it. Mount it to open it; `onClose` runs on Escape or Cancel.
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';

export function Dialog({
  title,
  onClose,
  children,
  role,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** `alertdialog` for confirmations of destructive actions. */
  role?: 'alertdialog';
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      role={role}
      aria-labelledby={titleId}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** "Are you sure?" for destructive actions: says what will happen; the confirm button names the action. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  error,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Absent: nothing can be done yet (the body says why); the dialog only closes. */
  onConfirm?: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: string;
}) {
  return (
    <Dialog title={title} onClose={onClose} role="alertdialog">
      <div className="dialog-body">{children}</div>
      {error ? <ErrorText>{error}</ErrorText> : null}
      <div className="actions">
        <button type="button" onClick={onClose}>
          {onConfirm ? 'Cancel' : 'Close'}
        </button>
        {onConfirm ? (
          <button type="button" className="danger" onClick={onConfirm} disabled={pending}>
            {pending ? `${confirmLabel}…` : confirmLabel}
          </button>
        ) : null}
      </div>
    </Dialog>
  );
}

export function ErrorText({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <p className="error" role="alert" id={id}>
      {children}
    </p>
  );
}
