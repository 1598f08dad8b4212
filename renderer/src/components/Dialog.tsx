// Modal dialog and side drawer on the native <dialog> element: showModal() gives focus trapping, Escape,
// an inert background and the top layer for free. Focus returns to the element that opened it, also when the
// dialog is unmounted while open; a dialog with steps moves the focus to each new step's first control.
import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from 'react';
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
  /**
   * the dialog's step: when it changes, the focus moves to the step's first enabled [data-autofocus] control,
   * else to the title, so it never drops to the page when the controls it was on are replaced
   */
  focusKey?: string;
}

/** the dialog's own first enabled [data-autofocus] control (not one of a dialog nested in it), else its title */
function focusStart(d: HTMLDialogElement): void {
  const own = Array.from(d.querySelectorAll<HTMLElement>('[data-autofocus]')).filter((el) => el.closest('dialog') === d);
  const target = own.find((el) => !(el as HTMLButtonElement).disabled) ?? d.querySelector<HTMLElement>('.dialog-title');
  target?.focus();
}

/** back to the opener; if it is gone (a row scrolled away, a button that no longer applies), to a sensible place */
function returnFocus(opener: Element | null): void {
  // opened from the address (a link to a payment): nothing had the focus, the page body did
  if (opener instanceof HTMLElement && opener !== document.body && opener.isConnected) {
    opener.focus();
    if (document.activeElement === opener) return;
  }
  const under = Array.from(document.querySelectorAll<HTMLDialogElement>('dialog[open]')).pop();
  (under?.querySelector<HTMLElement>('.dialog-title') ?? document.getElementById('main'))?.focus();
}

export function Dialog({ open, onClose, title, description, children, footer, variant = 'dialog', size = 'md', focusKey }: DialogProps) {
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

  const shownKey = useRef(focusKey);
  useEffect(() => {
    const d = ref.current;
    if (shownKey.current === focusKey) return;
    shownKey.current = focusKey;
    if (d?.open) focusStart(d);
  }, [focusKey]);

  // unmounted while open (its owner stopped rendering it): close it and give the focus back before the
  // element leaves the page, else the focus falls to the page body
  useLayoutEffect(() => {
    const d = ref.current;
    return () => {
      if (!d?.open) return;
      d.close();
      returnFocus(opener.current);
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
        returnFocus(opener.current);
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
              <h2 className="dialog-title" id={`${id}-title`} tabIndex={-1}>
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
