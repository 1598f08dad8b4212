/**
 * A progress bar. With `value`/`max` it is determinate; without, it shows steady motion for work whose total
 * is unknown (the label says what is known, e.g. "12,400 rows written"). prefers-reduced-motion stops the motion.
 */
export function ProgressBar({ label, value, max, className }: { label: string; value?: number; max?: number; className?: string }) {
  const determinate = value !== undefined && max !== undefined && max > 0;
  const pct = determinate ? Math.min(100, Math.max(0, (100 * value) / max)) : undefined;
  return (
    <div
      className={['progress', determinate ? '' : 'is-indeterminate', className ?? ''].filter(Boolean).join(' ')}
      role="progressbar"
      aria-label={label}
      aria-valuemin={determinate ? 0 : undefined}
      aria-valuemax={determinate ? max : undefined}
      aria-valuenow={determinate ? value : undefined}
      aria-valuetext={label}
    >
      <span className="progress-fill" style={pct !== undefined ? { width: `${pct}%` } : undefined} />
    </div>
  );
}
