// The people at the desk, in the shell. With operators configured, core keeps one desk session: when it
// is locked (nobody signed in yet, idle time passed, "Lock" pressed) this shows "Who is at the desk?"
// instead of the console. Core decides; the UI follows desk.status, the desk.changed event, and any call
// that answers `locked`.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { DeskStatus } from '../../../../shared/contract';
import { ApiError } from '../../api/errors';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Button, Dialog, Icon, toast } from '../../components';
import { Avatar, SignInForm } from './SignInForm';

const isLockedError = (e: unknown): boolean => e instanceof ApiError && e.code === 'locked';

export function useDesk() {
  return useRpcQuery('desk.status', {}, { staleTime: 0, refetchInterval: 30_000 });
}

export function DeskGate({ children }: { children: ReactNode }) {
  const desk = useDesk();
  const qc = useQueryClient();
  const { refetch } = desk;

  // any call that answers `locked` means the desk locked underneath us: ask core where it stands
  useEffect(() => {
    const check = (error: unknown) => {
      if (isLockedError(error)) void qc.invalidateQueries({ queryKey: ['desk.status'] });
    };
    const offQ = qc.getQueryCache().subscribe((ev) => {
      if (ev.type === 'updated' && ev.action.type === 'error') check(ev.action.error);
    });
    const offM = qc.getMutationCache().subscribe((ev) => {
      if (ev.type === 'updated' && ev.action.type === 'error') check(ev.action.error);
    });
    return () => {
      offQ();
      offM();
    };
  }, [qc]);

  // the idle lock: look again just after the moment core said it would lock
  const locksAt = desk.data?.locksAt ?? null;
  useEffect(() => {
    if (locksAt === null) return;
    const t = setTimeout(() => void refetch(), Math.max(1000, locksAt - Date.now() + 1500));
    return () => clearTimeout(t);
  }, [locksAt, refetch]);

  const locked = desk.data?.locked ?? false;
  const wasLocked = useRef(locked);
  useEffect(() => {
    // signed in after a lock: what the screens hold may have failed with `locked`, refetch everything
    if (wasLocked.current && !locked) void qc.invalidateQueries();
    wasLocked.current = locked;
  }, [locked, qc]);

  if (desk.data?.locked) return <LockScreen status={desk.data} />;
  return <>{children}</>;
}

export function LockScreen({ status }: { status: DeskStatus }) {
  return (
    <div className="fullscreen lock-screen">
      <section className="fullscreen-card lock-card" aria-labelledby="lock-title">
        <div className="lock-brand">
          <span className="brand-mark brand-mark-lg" aria-hidden="true">
            P
          </span>
          <span className="muted small">Paydesk is locked</span>
        </div>
        <h1 id="lock-title">Who is at the desk?</h1>
        <p>Choose your name and enter your PIN. Everything you do is recorded under your name.</p>
        <SignInForm operators={status.operators} />
        <p className="muted small lock-foot">
          <Icon name="info" size={14} /> Paydesk locks itself after {status.idleMinutes} minute{status.idleMinutes === 1 ? '' : 's'} without activity. Forgot your PIN? An
          owner can set a new one in Settings → People at the desk.
        </p>
      </section>
    </div>
  );
}

/** The sidebar's "who is at the desk": name and role, one-click Switch (→ PIN) and Lock. Hidden in single-user mode. */
export function DeskBadge() {
  const desk = useDesk();
  const [switching, setSwitching] = useState(false);
  const lock = useRpcMutation('desk.lock');
  const d = desk.data;
  if (!d || d.mode !== 'operators' || !d.current) return null;
  const cur = d.current;
  return (
    <div className="desk-badge">
      <div className="desk-badge-who">
        <Avatar name={cur.name} role={cur.role} size="sm" />
        <span className="desk-badge-text">
          <span className="desk-badge-name truncate" data-testid="desk-current">
            {cur.name}
          </span>
          <span className="muted small">{cur.role === 'owner' ? 'Owner' : 'Staff'}</span>
        </span>
      </div>
      <div className="desk-badge-actions">
        <Button size="sm" variant="secondary" onClick={() => {
            setSwitching(true);
            void desk.refetch();
          }}
          title="Switch to someone else (their PIN)">
          Switch
        </Button>
        <Button size="sm" variant="ghost" onClick={() => lock.mutate({})} busy={lock.isPending} title="Lock the console now">
          Lock
        </Button>
      </div>
      <Dialog open={switching} onClose={() => setSwitching(false)} title="Switch operator" description="Who is taking over the desk?" size="sm">
        {switching && (
          <SignInForm
            id="desk-switch"
            operators={d.operators}
            exceptId={cur.id}
            submitLabel="Switch"
            onDone={(s) => {
              setSwitching(false);
              if (s.current) toast.success(`${s.current.name} is at the desk`);
            }}
          />
        )}
      </Dialog>
    </div>
  );
}
