import { useRpcQuery } from '../../api/hooks';
import { Card, Icon, StatusChip } from '../../components';
import { ExternalHosts } from './ExternalHosts';

const KIND_LABEL = { safeStorage: 'OS keychain (Electron safeStorage)', keyring: 'OS keyring', keyfile: 'Key file' } as const;

export function SecurityPanel() {
  const info = useRpcQuery('system.info', {}, { staleTime: Infinity });
  const vp = info.data?.vaultProtection;
  return (
    <Card id="security" title="Security" description="How Paydesk keeps your secret keys on this computer, and which websites it opens.">
      <div className="security">
        <div className={vp?.kind === 'keyfile' ? 'security-icon tone-warning' : 'security-icon tone-success'}>
          <Icon name="shield" size={24} />
        </div>
        <div className="security-body">
          <div className="security-line">
            <span className="strong">Secrets are sealed with AES-256-GCM.</span>
            {vp && <StatusChip tone={vp.kind === 'keyfile' ? 'warning' : 'success'}>{KIND_LABEL[vp.kind]}</StatusChip>}
          </div>
          <p className="security-description">{vp ? vp.description : 'Loading…'}</p>
          {vp?.kind === 'keyfile' && (
            <p className="muted small">
              The key that unlocks them is in a file only your user account can read. Anyone who can read your files can read your keys; the desktop
              app or an OS keyring protects them better.
            </p>
          )}
          <ul className="bullets muted small">
            <li>Secret keys and webhook secrets are never shown again after you save them; Paydesk displays only their last four characters.</li>
            <li>This window never receives a secret. Only Paydesk’s engine reads them, to talk to the gateway.</li>
          </ul>
        </div>
      </div>
      <hr className="divider" />
      <ExternalHosts />
    </Card>
  );
}
