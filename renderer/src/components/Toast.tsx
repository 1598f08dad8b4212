import { useUi } from '../state/ui';
import { Icon } from './Icon';

/** Short confirmations ("Account connected"). A polite live region; errors that concern a field stay at the field. */
export function Toaster() {
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismissToast);
  return (
    <div className="toaster" aria-live="polite" aria-relevant="additions">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
          <Icon name={t.tone === 'success' ? 'check' : t.tone === 'error' ? 'alert' : 'info'} size={16} />
          <span className="toast-message">{t.message}</span>
          <button type="button" className="icon-btn" onClick={() => dismiss(t.id)} aria-label="Dismiss notification">
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}

export const toast = {
  success: (message: string) => useUi.getState().toast('success', message),
  error: (message: string) => useUi.getState().toast('error', message),
  info: (message: string) => useUi.getState().toast('info', message),
};
