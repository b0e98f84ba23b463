/**
 * A modal dialog on the native `<dialog>` element: showModal() gives focus
 * trapping, Escape, the inert page behind and role="dialog" aria-modal; the
 * heading names it. Mount it to open it; `onClose` runs on Escape or Cancel.
 */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

/** The key marking a dialog's own history entry (same URL as the screen under it). */
const DIALOG_KEY = 'rosterDialog';

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
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  /** Something was typed or chosen in the dialog: Back must not throw it away. */
  const dirty = useRef(false);
  const [keptOnBack, setKeptOnBack] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, []);
  // Back (the browser's, a phone's gesture) closes the dialog, not the screen under it: the dialog
  // has its own history entry on the same URL. With input in it, Back keeps it open and says so;
  // Cancel or Escape discard.
  useEffect(() => {
    const mark = (base: unknown) => ({ ...(base && typeof base === 'object' ? base : {}), [DIALOG_KEY]: titleId });
    history.pushState(mark(history.state), '');
    let closedByBack = false;
    const onPop = () => {
      if (dirty.current) {
        history.pushState(mark(history.state), '');
        setKeptOnBack(true);
        return;
      }
      closedByBack = true;
      closeRef.current();
    };
    window.addEventListener('popstate', onPop);
    return () => {
      window.removeEventListener('popstate', onPop);
      const state = history.state as Record<string, unknown> | null;
      if (!closedByBack && state?.[DIALOG_KEY] === titleId) history.back();
    };
  }, [titleId]);
  return (
    <dialog
      ref={ref}
      role={role}
      aria-labelledby={titleId}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      onInput={() => {
        dirty.current = true;
      }}
      onChange={() => {
        dirty.current = true;
      }}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {keptOnBack ? (
        <p className="hint" role="status">
          Your input is kept. Cancel discards it.
        </p>
      ) : null}
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
  // A double click fires twice before `pending` re-renders: the second is dropped here, until the
  // request ends (pending back to false) — a failure may then be retried.
  const sent = useRef(false);
  const sawPending = useRef(false);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (pending) sawPending.current = true;
    else if (sawPending.current) {
      sawPending.current = false;
      sent.current = false;
      setConfirming(false);
    }
  }, [pending]);
  const busy = pending || confirming;
  return (
    <Dialog title={title} onClose={onClose} role="alertdialog">
      <div className="dialog-body">{children}</div>
      {error ? <ErrorText>{error}</ErrorText> : null}
      <div className="actions">
        <button type="button" onClick={onClose}>
          {onConfirm ? 'Cancel' : 'Close'}
        </button>
        {onConfirm ? (
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (sent.current || pending) return;
              sent.current = true;
              setConfirming(true);
              onConfirm();
            }}
            disabled={busy}
            aria-disabled={busy}
          >
            {busy ? `${confirmLabel}…` : confirmLabel}
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
