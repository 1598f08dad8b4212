import { useEffect, type ReactNode } from 'react';

/** The frame of one screen: its heading (the page's h1), a one-line purpose, and primary actions. */
export function Page({ title, description, actions, children, wide }: { title: string; description?: ReactNode; actions?: ReactNode; children?: ReactNode; wide?: boolean }) {
  useEffect(() => {
    document.title = `${title} · Paydesk`;
  }, [title]);
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      <header className="page-header">
        <div>
          <h1 className="page-title" tabIndex={-1}>
            {title}
          </h1>
          {description && <p className="page-description">{description}</p>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </div>
  );
}
