// Audit: the append-only record of every change made in the console, newest first: who, what, on which
// subject, when; each entry opens to its details. Core never updates or deletes an entry.
import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditEntryDto, MethodInput } from '../../../../shared/contract';
import { useRpcQuery, useTransport } from '../../api/hooks';
import type { ApiError } from '../../api/errors';
import { Banner, Button, EmptyState, Icon, Page, StatusChip } from '../../components';
import { formatDateTime, formatRelative, isoString } from '../../format/dates';
import { hrefFor } from '../../router';
import { actionLabel, actionTone, auditFacts, describeAudit } from './describe';

const PAGE = 50;

const DOMAINS: { value: string; label: string }[] = [
  { value: 'refund', label: 'Refunds' },
  { value: 'payment', label: 'Captures' },
  { value: 'link', label: 'Links' },
  { value: 'account', label: 'Keys' },
  { value: 'operator', label: 'People at the desk' },
  { value: 'settings', label: 'Settings' },
  { value: 'export', label: 'Exports' },
  { value: 'mode', label: 'Live mode' },
  { value: 'tunnel', label: 'Public address' },
  { value: 'webhook', label: 'Webhook set-up' },
];

function dayStart(s: string, end = false): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0)).getTime();
}

type AuditInput = MethodInput<'audit.list'>;

export function AuditScreen() {
  const [action, setAction] = useState('');
  const [operatorId, setOperatorId] = useState('');
  const [subject, setSubject] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [subjectQ, setSubjectQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setSubjectQ(subject.trim()), 300);
    return () => clearTimeout(t);
  }, [subject]);
  const desk = useRpcQuery('desk.status', {});
  const t = useTransport();

  const input = useMemo<AuditInput>(() => {
    const i: AuditInput = { limit: PAGE };
    if (action) i.action = action;
    if (operatorId) i.operatorId = operatorId;
    if (subjectQ) i.subjectId = subjectQ;
    const f = dayStart(from);
    const e = dayStart(to, true);
    if (f !== undefined) i.from = f;
    if (e !== undefined) i.to = e;
    return i;
  }, [action, operatorId, subjectQ, from, to]);

  const list = useInfiniteQuery<{ items: AuditEntryDto[]; nextBefore: number | null }, ApiError>({
    queryKey: ['audit.list', input, 'pages'],
    queryFn: ({ pageParam }) => t.call('audit.list', pageParam === null ? input : { ...input, before: pageParam as number }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = !!(action || operatorId || subject || from || to);
  const clear = () => {
    setAction('');
    setOperatorId('');
    setSubject('');
    setFrom('');
    setTo('');
  };

  return (
    <Page title="Audit" description="Every change made in this console: who did it, when, and to what. Entries are never changed or removed." wide>
      <div className="filters" role="search" aria-label="Filter the audit log">
        <label className="filter">
          <span className="filter-label">Action</span>
          <select className="input select input-sm" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">All actions</option>
            {DOMAINS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        {desk.data?.mode === 'operators' && (
          <label className="filter">
            <span className="filter-label">Operator</span>
            <select className="input select input-sm" value={operatorId} onChange={(e) => setOperatorId(e.target.value)}>
              <option value="">Anyone</option>
              {desk.data.operators.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="filter filter-search">
          <span className="filter-label">Subject</span>
          <input className="input input-sm" type="search" placeholder="Payment, refund or account id" value={subject} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label className="filter">
          <span className="filter-label">From</span>
          <input className="input input-sm" type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="filter">
          <span className="filter-label">To</span>
          <input className="input input-sm" type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
        </label>
        {filtered && (
          <Button size="sm" variant="ghost" onClick={clear}>
            Clear filters
          </Button>
        )}
      </div>

      {list.isPending ? (
        <div className="skeleton-list" aria-busy="true" aria-label="Loading the audit log">
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ) : list.error && !list.data ? (
        <Banner tone="danger" title="Couldn’t load the audit log" action={<Button size="sm" onClick={() => void list.refetch()}>Try again</Button>}>
          {list.error.message}
        </Banner>
      ) : rows.length === 0 ? (
        <EmptyState icon="shield" title={filtered ? 'Nothing matches' : 'Nothing recorded yet'}>
          <p>{filtered ? 'Try another action, person or date.' : 'Links, refunds, captures, exports, key and webhook changes, the public address and changes to the people at the desk are recorded here as they happen.'}</p>
        </EmptyState>
      ) : (
        <div className="table-card">
          <div className="audit-row audit-head" aria-hidden="true">
            <span />
            <span>When</span>
            <span>Action</span>
            <span>Operator</span>
            <span>Subject</span>
          </div>
          <ul className="audit-list" aria-label="Audit log">
            {rows.map((e) => (
              <AuditRow key={e.id} e={e} />
            ))}
          </ul>
          <div className="rtable-foot">
            {list.hasNextPage ? (
              <Button size="sm" onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
                Show older entries
              </Button>
            ) : (
              <span className="muted small">That is everything{filtered ? ' that matches' : ''}.</span>
            )}
          </div>
        </div>
      )}
    </Page>
  );
}

function subjectHref(e: AuditEntryDto): string | null {
  const paymentId = e.subjectType === 'payment' ? e.subjectId : typeof e.details.paymentId === 'string' ? e.details.paymentId : null;
  return paymentId ? hrefFor('payments', paymentId) : null;
}

function AuditRow({ e }: { e: AuditEntryDto }) {
  const [open, setOpen] = useState(false);
  const href = subjectHref(e);
  const sum = describeAudit(e);
  const detailId = `audit-${e.id}-details`;
  return (
    <li className={open ? 'audit-item is-open' : 'audit-item'} data-action={e.action}>
      <button type="button" className="audit-row audit-toggle" aria-expanded={open} aria-controls={detailId} onClick={() => setOpen((v) => !v)}>
        <Icon name="chevronRight" size={14} className="icon audit-chevron" />
        <time dateTime={isoString(e.at)} title={formatDateTime(e.at)} className="small">
          {formatDateTime(e.at)}
          <span className="muted"> · {formatRelative(e.at)}</span>
        </time>
        <span className="audit-action">
          <StatusChip tone={actionTone(e.action)}>{actionLabel(e.action)}</StatusChip>
          {!e.livemode && <span className="muted small">test</span>}
        </span>
        <span className="small">{e.operatorName}</span>
        <span className="small audit-subject">
          <span className="truncate" title={sum}>{sum}</span>
        </span>
      </button>
      {open && (
        <div className="audit-details" id={detailId}>
          <dl className="facts">
            <div>
              <dt>What happened</dt>
              <dd>{sum}</dd>
            </div>
            <div>
              <dt>Subject</dt>
              <dd>
                {e.subjectType ?? '—'} {e.subjectId && <span className="mono small">{e.subjectId}</span>}
                {href && (
                  <>
                    {' '}
                    <a className="text-link" href={href}>
                      Open payment
                    </a>
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt>Operator</dt>
              <dd>
                {e.operatorName}
                {e.operatorId && <span className="muted mono small"> {e.operatorId}</span>}
              </dd>
            </div>
            <div>
              <dt>Data</dt>
              <dd>{e.livemode ? 'Live' : 'Test'}</dd>
            </div>
            {auditFacts(e).map((f) => (
              <div key={f.label}>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </li>
  );
}
