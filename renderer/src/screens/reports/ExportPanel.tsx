// The CSV export: preset, Excel BOM, Export -> rows written (progress) with Cancel -> the file.
// Browser mode: the finished file downloads from the browser host (GET /exports/<id>?ticket=…, then deleted there).
// Desktop app: the save dialog opens when Export is pressed; the file is saved where the merchant chose and
// the final progress event says where (savedTo).
import { useEffect, useRef, useState } from 'react';
import type { ExportPreset, ExportProgress, Gateway, Mode } from '../../../../shared/contract';
import { gatewayLabel } from '../../../../shared/gateways';
import { fieldError, useRpcMutation, useRpcQuery, useTransport } from '../../api/hooks';
import { exportDownloadUrl } from '../../api/http';
import { Banner, Button, Card, CheckboxField, Icon, SelectField } from '../../components';
import { ProgressBar } from '../../components/ProgressBar';
import { PRESETS } from './labels';

type Phase =
  | { kind: 'idle' }
  | { kind: 'running'; exportId: string; fileName: string; rows: number; cancelling: boolean }
  | { kind: 'done'; exportId: string; fileName: string; rows: number; savedTo: string | null }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled'; rows: number };

const nf = (n: number) => new Intl.NumberFormat().format(n);

export function ExportPanel({ mode, from, to, gateway, accountId }: { mode: Mode; from: string; to: string; gateway: Gateway | null; accountId: string | null }) {
  const transport = useTransport();
  const browser = transport.kind === 'http';
  const [preset, setPreset] = useState<ExportPreset>('paydesk');
  const [bom, setBom] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const downloaded = useRef<string | null>(null);

  const presetInfo = PRESETS.find((p) => p.value === preset)!;
  /** the preset holds one gateway's rows and the filter asks for the other's */
  const conflict = presetInfo.gateway !== null && gateway !== null && presetInfo.gateway !== gateway ? { preset: presetInfo.gateway, filter: gateway } : null;

  const start = useRpcMutation('reports.export.start', {
    onSuccess: (r) => setPhase({ kind: 'running', exportId: r.exportId, fileName: r.fileName, rows: 0, cancelling: false }),
  });
  const cancel = useRpcMutation('reports.export.cancel');

  const runningId = phase.kind === 'running' ? phase.exportId : null;
  useEffect(() => {
    if (!runningId) return;
    return transport.on('reports.exportProgress', (p: ExportProgress) => {
      if (p.exportId !== runningId) return;
      setPhase((ph) => {
        if (ph.kind !== 'running' || ph.exportId !== p.exportId) return ph;
        if (!p.done) return { ...ph, rows: Math.max(ph.rows, p.rows) };
        if (p.cancelled) return { kind: 'cancelled', rows: p.rows };
        if (p.error) return { kind: 'failed', message: p.error };
        return { kind: 'done', exportId: ph.exportId, fileName: p.fileName ?? ph.fileName, rows: p.rows, savedTo: p.savedTo ?? null };
      });
    });
  }, [runningId, transport]);

  // an event missed while the page reconnected: ask once in a while
  const status = useRpcQuery('reports.export.status', { exportId: runningId ?? '' }, { enabled: runningId !== null, refetchInterval: 3000 });
  useEffect(() => {
    const s = status.data;
    if (!s || s.state === 'running' || !browser) return;
    setPhase((ph) => {
      if (ph.kind !== 'running' || ph.exportId !== s.exportId) return ph;
      if (s.state === 'cancelled') return { kind: 'cancelled', rows: s.rows };
      if (s.state === 'failed') return { kind: 'failed', message: s.error ?? 'The export stopped.' };
      return { kind: 'done', exportId: s.exportId, fileName: s.fileName, rows: s.rows, savedTo: null };
    });
  }, [status.data, browser]);

  // browser mode: fetch the finished file once
  const doneId = phase.kind === 'done' && browser ? phase.exportId : null;
  useEffect(() => {
    if (!doneId || downloaded.current === doneId) return;
    downloaded.current = doneId;
    // a link cannot send the token header: its address carries a one-time ticket instead
    exportDownloadUrl(doneId).then(
      (href) => {
        const a = document.createElement('a');
        a.href = href;
        a.download = '';
        a.rel = 'noopener';
        document.body.appendChild(a);
        a.click();
        a.remove();
      },
      (err: unknown) => setPhase({ kind: 'failed', message: `The file could not be downloaded: ${err instanceof Error ? err.message : String(err)}` }),
    );
  }, [doneId]);

  const pickedNothing = fieldError(start.error, 'destination');
  const running = phase.kind === 'running';

  return (
    <Card id="export" title="Export CSV" description="One row per money movement for your accountant or spreadsheet, in this period and with these filters." className="export-card">
      <div className="export-form">
        <SelectField label="Columns" value={preset} onChange={(e) => setPreset(e.target.value as ExportPreset)} disabled={running} hint={presetInfo.hint} className="export-preset">
          {PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </SelectField>
        <CheckboxField name="bom" label="For Excel" hint="Adds a byte order mark so Excel shows accents and ₹ correctly." checked={bom} onChange={setBom} />
        <div className="export-actions">
          <Button
            variant="primary"
            icon="reports"
            busy={start.isPending}
            disabled={running || conflict !== null}
            onClick={() => {
              setPhase({ kind: 'idle' });
              start.mutate({ mode, from, to, preset, bom, ...(gateway ? { gateway } : {}), ...(accountId ? { accountId } : {}) });
            }}
          >
            {browser ? 'Export' : 'Export…'}
          </Button>
        </div>
      </div>
      {conflict !== null && (
        <p className="field-hint">
          This preset holds {gatewayLabel(conflict.preset)} rows only, and the filter above shows {gatewayLabel(conflict.filter)}. Change one of them.
        </p>
      )}
      {start.error && !pickedNothing && (
        <Banner tone="danger" title="Couldn’t start the export">
          {start.error.message}
        </Banner>
      )}
      {pickedNothing && <p className="muted small">{pickedNothing}</p>}

      <div className="export-status" aria-live="polite">
        {phase.kind === 'running' && (
          <div className="export-progress">
            <ProgressBar label={`${nf(phase.rows)} rows written`} />
            <div className="export-progress-line">
              <span>
                <strong>{nf(phase.rows)}</strong> rows written to <span className="mono">{phase.fileName}</span>
              </span>
              <Button
                size="sm"
                variant="ghost"
                busy={phase.cancelling}
                onClick={() => {
                  setPhase((ph) => (ph.kind === 'running' ? { ...ph, cancelling: true } : ph));
                  cancel.mutate({ exportId: phase.exportId });
                }}
              >
                Cancel
              </Button>
            </div>
          </div>
        )}
        {phase.kind === 'done' && (
          <div className="export-done">
            <Icon name="check" size={18} />
            <span>
              {phase.savedTo ? (
                <>
                  Saved {nf(phase.rows)} rows to <span className="mono">{phase.savedTo}</span>
                </>
              ) : (
                <>
                  Exported {nf(phase.rows)} rows. Your browser is downloading <span className="mono">{phase.fileName}</span>.
                </>
              )}
            </span>
          </div>
        )}
        {phase.kind === 'cancelled' && <p className="muted small">Export cancelled after {nf(phase.rows)} rows. Nothing was saved.</p>}
        {phase.kind === 'failed' && (
          <Banner tone="danger" title="The export failed">
            {phase.message}
          </Banner>
        )}
      </div>
    </Card>
  );
}
