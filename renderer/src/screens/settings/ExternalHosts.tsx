// Settings → Security: the websites the desktop app opens in your browser. The gateways' own sites and the
// payment links Paydesk made always open; an owner adds any other site here (https only, the exact host).
// Staff see the list, with who can change it.
import { useState, type FormEvent } from 'react';
import { parseExternalHost } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Button, RoleNote, TextField, toast } from '../../components';

export function ExternalHosts() {
  const q = useRpcQuery('settings.externalHosts.get', {});
  const info = useRpcQuery('system.info', {}, { staleTime: Infinity });
  const can = useCan('settings.externalHosts.set');
  const save = useRpcMutation('settings.externalHosts.set');
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const hosts = q.data?.hosts ?? [];

  const add = (e: FormEvent) => {
    e.preventDefault();
    // the same check core makes, so a typo is shown before anything is sent
    const r = parseExternalHost(typed);
    if ('problem' in r) return setProblem(r.problem);
    setProblem(undefined);
    if (hosts.includes(r.host)) return setTyped('');
    save.mutate({ hosts: [...hosts, r.host] }, { onSuccess: () => { setTyped(''); toast.success(`Paydesk may now open ${r.host}`); } });
  };
  const remove = (host: string) => {
    save.mutate({ hosts: hosts.filter((h) => h !== host) }, { onSuccess: () => toast.success(`Paydesk no longer opens ${host}`), onError: (e) => toast.error(e.message) });
  };

  return (
    <div className="stack">
      <div>
        <span className="strong">Websites Paydesk may open</span>
        <p className="muted small">
          Links open in your browser only when they lead to Stripe or Razorpay, to a payment link Paydesk made, or to a website listed here. Anything
          else is blocked, so a link planted in a payment’s details cannot send you somewhere unexpected.
          {info.data?.shell === 'browser' && ' This applies to the desktop app; in a web browser, your browser decides.'}
        </p>
      </div>
      {q.data && (
        <ul className="mini-list" aria-label="Websites Paydesk may open">
          {hosts.length === 0 && <li className="muted small">No other websites yet.</li>}
          {hosts.map((h) => (
            <li key={h}>
              <span className="mini-list-main mono">{h}</span>
              {can.allowed && (
                <Button size="sm" variant="ghost" icon="trash" aria-label={`Remove ${h}`} onClick={() => remove(h)} disabled={save.isPending}>
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {can.allowed ? (
        <form className="tz-row" onSubmit={add} aria-label="Add a website">
          <TextField
            label="Add a website"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="docs.example.com"
            autoComplete="off"
            spellCheck={false}
            error={problem ?? fieldError(save.error, 'hosts')}
            hint="The exact host, opened over https only. A subdomain needs its own entry."
          />
          <div className="form-actions">
            <Button type="submit" icon="plus" busy={save.isPending} disabled={typed.trim() === ''}>
              Add
            </Button>
          </div>
        </form>
      ) : (
        <RoleNote permission={can} />
      )}
      {q.data && (
        <p className="muted small">
          Always allowed: <span className="mono">{q.data.gatewayHosts.join(', ')}</span>.
        </p>
      )}
    </div>
  );
}
