import { useRpcQuery } from '../../api/hooks';
import { Card } from '../../components';

export function AboutPanel() {
  const info = useRpcQuery('system.info', {}, { staleTime: Infinity });
  if (!info.data) return null;
  const d = info.data;
  return (
    <Card id="about" title="This installation">
      <dl className="facts facts-inline">
        <div>
          <dt>Version</dt>
          <dd>Paydesk {d.version}</dd>
        </div>
        <div>
          <dt>Running as</dt>
          <dd>{d.shell === 'electron' ? 'Desktop app' : 'Browser mode'}</dd>
        </div>
        <div>
          <dt>Data folder</dt>
          <dd>
            <code className="truncate" title={d.dataDir}>
              {d.dataDir}
            </code>
          </dd>
        </div>
        <div>
          <dt>Paydesk Sandbox</dt>
          <dd>{d.sandboxUrl ? <code>{d.sandboxUrl}</code> : <span className="muted">off</span>}</dd>
        </div>
      </dl>
    </Card>
  );
}
