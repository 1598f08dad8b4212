// Settings → Reports: the time zone that decides which day (and month) a payment belongs to, and after how
// many days a paid payment with no payout or settlement is flagged.
import { useEffect, useId, useState } from 'react';
import { useCan } from '../../api/access';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Button, Card, Field, RoleNote, TextField, toast } from '../../components';

function zones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function ReportsPanel() {
  const q = useRpcQuery('reports.settings.get', {});
  const save = useRpcMutation('reports.settings.set', { onSuccess: () => toast.success('Report settings saved') });
  const [zone, setZone] = useState<string>('');
  const [followSystem, setFollowSystem] = useState(true);
  const [days, setDays] = useState('');
  const listId = useId();

  useEffect(() => {
    if (!q.data) return;
    setFollowSystem(q.data.timeZoneIsSystem);
    setZone(q.data.timeZone);
    setDays(String(q.data.unsettledAfterDays));
  }, [q.data]);

  const all = zones();
  const n = Number(days);
  const can = useCan('reports.settings.set');

  if (!can.allowed) {
    return (
      <Card id="reports" title="Reports" description="How Reports count days, and when a payment that has not reached your bank needs a look.">
        <RoleNote permission={can} className="card-note" />
        {q.data && (
          <dl className="facts">
            <div>
              <dt>Time zone</dt>
              <dd>{q.data.timeZoneIsSystem ? `This computer’s (${q.data.systemTimeZone})` : q.data.timeZone}</dd>
            </div>
            <div>
              <dt>Flag as not settled after</dt>
              <dd>{q.data.unsettledAfterDays} days</dd>
            </div>
          </dl>
        )}
      </Card>
    );
  }

  return (
    <Card id="reports" title="Reports" description="How Reports count days, and when a payment that has not reached your bank needs a look.">
      {q.data && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ timeZone: followSystem ? null : zone.trim(), unsettledAfterDays: Number.isFinite(n) ? Math.round(n) : 0 });
          }}
        >
          <Field
            label="Time zone"
            error={fieldError(save.error, 'timeZone')}
            hint={
              followSystem
                ? `Following this computer: ${q.data.systemTimeZone}.`
                : 'A payment at 23:30 on the last day of a month belongs to that month in this zone.'
            }
          >
            {(control) => (
              <div className="tz-row">
                <select
                  className="input select"
                  value={followSystem ? 'system' : 'fixed'}
                  onChange={(e) => {
                    setFollowSystem(e.target.value === 'system');
                    if (e.target.value === 'fixed' && !zone) setZone(q.data.systemTimeZone);
                  }}
                  aria-label="Time zone source"
                >
                  <option value="system">This computer’s ({q.data.systemTimeZone})</option>
                  <option value="fixed">Choose a zone</option>
                </select>
                {!followSystem && (
                  <>
                    <input className="input" list={listId} value={zone} onChange={(e) => setZone(e.target.value)} placeholder="Asia/Kolkata" {...control} />
                    <datalist id={listId}>
                      {all.map((z) => (
                        <option key={z} value={z} />
                      ))}
                    </datalist>
                  </>
                )}
              </div>
            )}
          </Field>
          <TextField
            label="Flag as not settled after"
            type="number"
            min={1}
            max={90}
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            error={fieldError(save.error, 'unsettledAfterDays')}
            hint="Days after payment. Stripe usually pays out in 2–7 days, Razorpay settles in 2–3 working days."
            className="days-field"
          />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={save.isPending}>
              Save
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}
