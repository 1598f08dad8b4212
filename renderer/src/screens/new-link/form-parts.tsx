// Pieces of the New link form: a text field that shows its length limit as you type and says so when a
// paste was cut, and the way to the order's open link when the order reference is taken.
import { useState, type ClipboardEvent, type ReactNode } from 'react';
import type { Payment } from '../../../../shared/contract';
import { useRpcQuery } from '../../api/hooks';
import { ButtonLink, TextAreaField, TextField } from '../../components';
import { hrefFor } from '../../router';

interface LimitedProps {
  label: string;
  name: string;
  /** "the description": how the cut message names the field */
  what: string;
  max: number;
  value: string;
  onValue(value: string): void;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
  required?: boolean;
  placeholder?: string;
  /** a textarea of this many rows instead of a one-line box */
  rows?: number;
  className?: string;
}

/**
 * A text field that holds at most `max` characters: the browser stops typing there (maxLength), a longer
 * paste is cut to fit, and the field then says so in words until it is edited again.
 */
export function LimitedField({ label, name, what, max, value, onValue, hint, error, optional, required, placeholder, rows, className }: LimitedProps) {
  const [cutFrom, setCutFrom] = useState<number | null>(null);
  const take = (next: string, offered = next.length) => {
    setCutFrom(offered > max ? offered : null);
    onValue(next.slice(0, max));
  };
  const onPaste = (e: ClipboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    const pasted = e.clipboardData.getData('text');
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? el.value.length;
    const next = el.value.slice(0, start) + pasted + el.value.slice(end);
    if (next.length <= max) return;
    e.preventDefault();
    take(next);
  };
  const cutNote = cutFrom !== null && (
    <span className="field-cut" role="status">
      The pasted text had {cutFrom.toLocaleString()} characters: it was cut to {max}, the most {what} can hold. Check its end.
    </span>
  );
  const common = {
    label, name, optional, required, placeholder, className, error,
    value,
    maxLength: max,
    autoComplete: 'off',
    counter: { length: value.length, max },
    hint: cutNote || hint,
    onPaste,
  };
  return rows ? (
    <TextAreaField {...common} rows={rows} onChange={(e) => take(e.target.value)} />
  ) : (
    <TextField {...common} onChange={(e) => take(e.target.value)} />
  );
}

/** The single-use link (or attempt) of this order that is still open, found by a search of the payments list. */
function openLinkOf(rows: Payment[], orderRef: string): Payment | undefined {
  const same = rows.filter((p) => p.orderRef === orderRef && p.linkId === null);
  return same.find((p) => p.linkState === 'open' || p.linkState === 'creating') ?? same[0];
}

/** Under an order reference refused because the order has an open link: a way to that link's payment. */
export function OpenOrderLink({ accountId, orderRef }: { accountId: string; orderRef: string }) {
  const found = useRpcQuery('payments.list', { accountId, search: orderRef, limit: 20, withTotal: false }, { enabled: orderRef.trim().length > 0 });
  const open = found.data ? openLinkOf(found.data.rows, orderRef.trim()) : undefined;
  if (!open) return null;
  return (
    <span className="link-open-order">
      <ButtonLink href={hrefFor('payments', open.id)} variant="secondary" size="sm">
        Open {open.reference || open.orderRef}
      </ButtonLink>
    </span>
  );
}
