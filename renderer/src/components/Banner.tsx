import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export type BannerTone = 'info' | 'success' | 'warning' | 'danger' | 'test';

const ICONS: Record<BannerTone, IconName> = { info: 'info', success: 'check', warning: 'alert', danger: 'alert', test: 'flask' };

/** A message about the whole screen or app. Warnings and dangers are announced (role=alert); the rest politely. */
export function Banner({
  tone = 'info',
  title,
  children,
  action,
  onDismiss,
  className,
}: {
  tone?: BannerTone;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  onDismiss?: () => void;
  className?: string;
}) {
  return (
    <div className={['banner', `banner-${tone}`, className ?? ''].filter(Boolean).join(' ')} role={tone === 'danger' ? 'alert' : 'status'}>
      <Icon name={ICONS[tone]} size={18} />
      <div className="banner-body">
        {title && <strong className="banner-title">{title}</strong>}
        {children && <span className="banner-text">{children}</span>}
      </div>
      {action && <div className="banner-action">{action}</div>}
      {onDismiss && (
        <button type="button" className="icon-btn" onClick={onDismiss} aria-label="Dismiss">
          <Icon name="x" size={16} />
        </button>
      )}
    </div>
  );
}
