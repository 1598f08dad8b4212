import type { ButtonHTMLAttributes, ReactNode, Ref } from 'react';
import { Icon, type IconName } from './Icon';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  icon?: IconName;
  /**
   * shows a spinner, keeps the label for screen readers, and blocks a second click; the button stays enabled
   * (aria-disabled), so the keyboard focus stays on it instead of falling to the page
   */
  busy?: boolean;
  children?: ReactNode;
  ref?: Ref<HTMLButtonElement>;
}

export function Button({ variant = 'secondary', size = 'md', icon, busy = false, disabled, className, children, type = 'button', onClick, ...rest }: ButtonProps) {
  const cls = ['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', busy ? 'is-busy' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <button
      type={type}
      className={cls}
      disabled={disabled}
      aria-disabled={busy || undefined}
      aria-busy={busy || undefined}
      onClick={(e) => {
        if (busy) {
          // no second submit while the first is under way
          e.preventDefault();
          return;
        }
        onClick?.(e);
      }}
      {...rest}
    >
      {busy ? <span className="spinner" aria-hidden="true" /> : icon ? <Icon name={icon} size={16} /> : null}
      {children !== undefined && <span className="btn-label">{children}</span>}
    </button>
  );
}

/** A link styled as a button (navigation, not an action). */
export function ButtonLink({ href, variant = 'primary', icon, children, size = 'md' }: { href: string; variant?: ButtonVariant; icon?: IconName; children: ReactNode; size?: 'sm' | 'md' }) {
  return (
    <a href={href} className={['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : ''].filter(Boolean).join(' ')}>
      {icon && <Icon name={icon} size={16} />}
      <span className="btn-label">{children}</span>
    </a>
  );
}
