// Copy a piece of text (a link URL, a gateway id). navigator.clipboard where the page may use it; otherwise a
// hidden <textarea> + execCommand('copy'), which works in the desktop app and on plain-http loopback pages.
import { useEffect, useRef, useState } from 'react';
import { Button, type ButtonProps } from './Button';
import { toast } from './Toast';

export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.setAttribute('aria-hidden', 'true');
  ta.style.position = 'fixed';
  ta.style.top = '-1000px';
  ta.style.opacity = '0';
  const active = document.activeElement;
  // inside a modal <dialog> only its own subtree is focusable: put the textarea there
  const host = active?.closest('dialog[open]') ?? document.body;
  host.appendChild(ta);
  ta.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  if (active instanceof HTMLElement) active.focus();
  return ok;
}

/** A button that copies `text` and says "Copied" for a moment. `what` names it for the toast and screen readers. */
export function CopyButton({ text, what, label = 'Copy', size = 'sm', variant = 'secondary', ...rest }: { text: string; what: string; label?: string } & Omit<ButtonProps, 'onClick' | 'children'>) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <Button
      {...rest}
      size={size}
      variant={variant}
      icon={copied ? 'check' : undefined}
      aria-label={copied ? `Copied the ${what}` : `${label} ${what}`}
      onClick={() => {
        void copyText(text).then((ok) => {
          if (!ok) {
            toast.error(`Couldn’t copy the ${what}. Select it and copy it by hand.`);
            return;
          }
          setCopied(true);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => setCopied(false), 1800);
        });
      }}
    >
      {copied ? 'Copied' : label}
    </Button>
  );
}
