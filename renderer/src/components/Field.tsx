// A form field: label, control, hint, and the error next to the field it concerns, shown there and only
// there (a form shows no second copy of a field's error). The control gets aria-invalid and aria-describedby
// pointing at the error, the hint and the length counter.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { Icon } from './Icon';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
  'aria-required'?: boolean;
}

export interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
  required?: boolean;
  className?: string;
  /** characters used of the most the field holds: shown as "12/250" under the control as the person types */
  counter?: { length: number; max: number } | undefined;
  children: (control: ControlProps) => ReactNode;
}

/** "12/250", marked when close to the limit; read by screen readers with the field, not on every key */
function Counter({ id, length, max }: { id: string; length: number; max: number }) {
  const near = length >= max * 0.9;
  return (
    <span className={near ? 'field-counter is-near' : 'field-counter'} id={id}>
      <span aria-hidden="true">{length}/{max}</span>
      <span className="visually-hidden">{`${length} of ${max} characters used`}</span>
    </span>
  );
}

export function Field({ label, hint, error, optional, required, className, counter, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const counterId = `${id}-count`;
  // a hint that only repeats the error is not shown twice
  const shownHint = hint !== undefined && hint !== error ? hint : undefined;
  const describedBy = [error ? errorId : null, shownHint ? hintId : null, counter ? counterId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'has-error' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field-label" htmlFor={id}>
        {label}
        {optional && <span className="field-optional">optional</span>}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, ...(required ? { 'aria-required': true } : {}) })}
      {error && (
        <p className="field-error" id={errorId}>
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      )}
      {(shownHint || counter) && (
        <div className="field-foot">
          {shownHint ? (
            <p className="field-hint" id={hintId}>
              {shownHint}
            </p>
          ) : null}
          {counter && <Counter id={counterId} {...counter} />}
        </div>
      )}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'children'> & { ref?: Ref<HTMLInputElement> };

/** Field + <input>. Secrets use type="password" and autoComplete="off" (the caller passes them). */
export function TextField({ label, hint, error, optional, className, counter, ...input }: Omit<FieldProps, 'children'> & InputProps) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} required={input.required} className={className} counter={counter}>
      {(control) => <input className="input" {...input} {...control} />}
    </Field>
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'children'> & { ref?: Ref<HTMLTextAreaElement> };

/** Field + <textarea>, for text longer than a line (a description); it grows with its rows. */
export function TextAreaField({ label, hint, error, optional, className, counter, rows = 3, ...area }: Omit<FieldProps, 'children'> & TextAreaProps) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} required={area.required} className={className} counter={counter}>
      {(control) => <textarea className="input textarea" rows={rows} {...area} {...control} />}
    </Field>
  );
}

export function SelectField({ label, hint, error, optional, className, children, ...select }: Omit<FieldProps, 'children'> & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} hint={hint} error={error} optional={optional} className={className}>
      {(control) => (
        <select className="input select" {...select} {...control}>
          {children}
        </select>
      )}
    </Field>
  );
}

/** A small set of exclusive choices as a segmented control (radio group, arrow keys move within it). */
export function Segmented<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
  hint,
  error,
}: {
  legend: ReactNode;
  name: string;
  value: T;
  options: readonly { value: T; label: ReactNode }[];
  onChange(value: T): void;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={['field', 'segmented-field', error ? 'has-error' : ''].filter(Boolean).join(' ')} aria-describedby={describedBy}>
      <legend className="field-label">{legend}</legend>
      <div className="segmented">
        {options.map((o) => (
          <label key={o.value} className={o.value === value ? 'segment is-selected' : 'segment'}>
            <input type="radio" name={name} value={o.value} checked={o.value === value} onChange={() => onChange(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          <Icon name="alert" size={14} />
          <span>{error}</span>
        </p>
      )}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </fieldset>
  );
}

/** A single yes/no choice with its explanation under the label. */
export function CheckboxField({
  label,
  hint,
  checked,
  onChange,
  name,
}: {
  label: ReactNode;
  hint?: ReactNode;
  checked: boolean;
  onChange(checked: boolean): void;
  name: string;
}) {
  const id = useId();
  return (
    <div className="checkbox-field">
      <input id={id} type="checkbox" name={name} checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
      <div>
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {hint && (
          <p className="field-hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}
