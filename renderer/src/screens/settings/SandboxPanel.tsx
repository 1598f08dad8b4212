// Settings → Sandbox: whether the built-in Paydesk Sandbox (the local stand-in for Stripe and Razorpay that
// needs no keys) starts with Paydesk. It can fake payments, so an installed app leaves it off until an
// owner turns it on; the choice applies from the next start, because the sandbox starts before Paydesk.
import type { SandboxSetting } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Card, RoleNote, Segmented, StatusChip, toast } from '../../components';

type Choice = 'default' | 'on' | 'off';
const choiceOf = (s: SandboxSetting): Choice => (s.saved === null ? 'default' : s.saved ? 'on' : 'off');

export function SandboxPanel() {
  const q = useRpcQuery('settings.sandbox.get', {});
  const can = useCan('settings.sandbox.set');
  const save = useRpcMutation('settings.sandbox.set', {
    onSuccess: (s) => toast.success(s.nextStart ? 'The sandbox will start with Paydesk from the next start' : 'The sandbox will stay off from the next start'),
    onError: (e) => toast.error(e.message),
  });
  const s = q.data;
  return (
    <Card id="sandbox" title="Sandbox" description="Paydesk Sandbox imitates Stripe and Razorpay on this computer, so you can try links, payments and refunds without keys. Nothing real is charged.">
      {!s ? (
        <div className="skeleton" aria-busy="true" />
      ) : (
        <div className="stack">
          <div className="security-line">
            <StatusChip tone={s.running ? 'info' : 'neutral'}>{s.running ? 'Running now' : 'Not running'}</StatusChip>
            <span className="muted small">{s.nextStart === s.running ? (s.nextStart ? 'Starts with Paydesk.' : 'Stays off.') : s.nextStart ? 'Starts at the next start of Paydesk.' : 'Off from the next start of Paydesk.'}</span>
          </div>
          {can.allowed ? (
            <Segmented<Choice>
              legend="Start the sandbox with Paydesk"
              name="sandbox-choice"
              value={save.isPending && save.variables ? (save.variables.enabled === null ? 'default' : save.variables.enabled ? 'on' : 'off') : choiceOf(s)}
              onChange={(v) => save.mutate({ enabled: v === 'default' ? null : v === 'on' })}
              options={[
                { value: 'default', label: `Default (${s.defaultText})` },
                { value: 'on', label: 'On' },
                { value: 'off', label: 'Off' },
              ]}
              hint="The sandbox's own test accounts appear in Payment accounts while it runs. Real gateways work either way."
            />
          ) : (
            <RoleNote permission={can} />
          )}
        </div>
      )}
    </Card>
  );
}
