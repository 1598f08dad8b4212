// Modal dialog and side drawer on the native <dialog> element: showModal() gives focus trapping, Escape,
// an inert background and the top layer for free. Focus returns to the element that opened it.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './Button';
import { Icon } from './Icon';

interface DialogProps {
  open: boolean;
  onClose(): void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  variant?: 'dialog' | 'drawer';
  /** size of a dialog: 'sm' for confirmations */
  size?: 'sm' | 'md';
}

export function Dialog({ open, onClose, title, description, children, footer, variant = 'dialog', size = 'md' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
      // React handles autoFocus itself (no attribute), before showModal; mark the first control with data-autofocus
      d.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);

  useEffect(() => {
    const d = ref.current;
    return () => {
      if (d?.open) d.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={['dialog', variant === 'drawer' ? 'drawer' : '', size === 'sm' ? 'dialog-sm' : ''].filter(Boolean).join(' ')}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-desc` : undefined}
      // React passes a nested dialog's cancel and close events up the component tree (a refund dialog lives
      // inside the payment drawer): only this dialog's own events close it
      onCancel={(e) => {
        if (e.target !== ref.current) return;
        e.preventDefault();
        onClose();
      }}
      onClose={(e) => {
        if (e.target !== ref.current) return;
        // 'close' arrives after the fact: a dialog shown again since (a remount, React's development
        // double effects) is open, and this event belongs to the close before it
        if (ref.current.open) return;
        if (opener.current instanceof HTMLElement) opener.current.focus();
        if (open) onClose();
      }}
      onClick={(e) => {
        // a click on the backdrop (the dialog element itself, outside its content box) closes it
        if (e.target === ref.current) onClose();
      }}
    >
      {open && (
        <div className="dialog-inner">
          <header className="dialog-header">
            <div>
              <h2 className="dialog-title" id={`${id}-title`}>
                {title}
              </h2>
              {description && (
                <p className="dialog-description" id={`${id}-desc`}>
                  {description}
                </p>
              )}
            </div>
            <button type="button" className="icon-btn" onClick={onClose} aria-label="Close">
              <Icon name="x" size={18} />
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}

export function Drawer(props: Omit<DialogProps, 'variant' | 'size'>) {
  return <Dialog {...props} variant="drawer" />;
}

/** "Remove the account?" with the consequence spelled out and the safe choice focused first. */
export function ConfirmDialog({
  open,
  onCancel,
  onConfirm,
  title,
  children,
  confirmLabel,
  dismissLabel = 'Cancel',
  busy,
  tone = 'danger',
}: {
  open: boolean;
  onCancel(): void;
  onConfirm(): void;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  /** the button that closes without acting; name it when the action itself is a cancel ("Keep the link") */
  dismissLabel?: string;
  busy?: boolean;
  tone?: 'danger' | 'primary';
}) {
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      title={title}
      size="sm"
      footer={
        <>
          <Button variant="ghost" onClick={onCancel} data-autofocus="">
            {dismissLabel}
          </Button>
          <Button variant={tone} onClick={onConfirm} busy={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
