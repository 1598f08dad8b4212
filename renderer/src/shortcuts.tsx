// Keyboard shortcuts to every screen: G, then the screen's letter (as in Gmail or GitHub), so no Chromium or
// Electron shortcut is taken and nothing fires while the merchant types in a field; Ctrl/⌘+N and Ctrl/⌘+,
// as in other desktop apps; "?" shows them all. The keys come from nav.ts.
import { Fragment, useEffect } from 'react';
import { Dialog } from './components';
import { NAV } from './nav';
import { navigate } from './router';

/** how long after G the screen's letter is awaited */
const SEQUENCE_MS = 1500;

export const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
export const modLabel = (): string => (isMac() ? '⌘' : 'Ctrl');

const NOT_TYPING = new Set(['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file']);

/** keys pressed here are the merchant's typing, not shortcuts */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !NOT_TYPING.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** Listens for the shortcuts on the whole window; `onHelp` opens the list. */
export function useShortcuts(onHelp: () => void): void {
  useEffect(() => {
    let awaitingSince = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const mod = isMac() ? e.metaKey : e.ctrlKey;
      if (mod && !e.altKey && !e.shiftKey) {
        const item = NAV.find((n) => n.modKey && n.modKey.toLowerCase() === e.key.toLowerCase());
        if (item) {
          e.preventDefault();
          navigate(item.screen);
        }
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      // a modal dialog or drawer has the keyboard: Escape first
      if (document.querySelector('dialog[open]')) return;
      if (e.key === '?') {
        e.preventDefault();
        onHelp();
        return;
      }
      const key = e.key.toUpperCase();
      if (awaitingSince && Date.now() - awaitingSince < SEQUENCE_MS) {
        awaitingSince = 0;
        const item = NAV.find((n) => n.goKey === key);
        if (item) {
          e.preventDefault();
          navigate(item.screen);
        }
        return;
      }
      awaitingSince = key === 'G' && !e.shiftKey ? Date.now() : 0;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onHelp]);
}

/** "G then O" as keycaps */
export function GoKeys({ goKey }: { goKey: string }) {
  return (
    <>
      <kbd>G</kbd> <span className="kbd-then">then</span> <kbd>{goKey}</kbd>
    </>
  );
}

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose(): void }) {
  const mod = modLabel();
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" description="Press G, then a letter, to go to a screen. Not while typing in a field.">
      <dl className="shortcut-list">
        {NAV.map((n) => (
          <Fragment key={n.screen}>
            <dt>{n.label}</dt>
            <dd>
              <GoKeys goKey={n.goKey} />
              {n.modKey && (
                <>
                  {' '}
                  <span className="kbd-then">or</span> <kbd>{mod}</kbd> <kbd>{n.modKey}</kbd>
                </>
              )}
            </dd>
          </Fragment>
        ))}
        <dt>Open a payment in the list</dt>
        <dd>
          <kbd>Tab</kbd> <span className="kbd-then">to it, then</span> <kbd>Enter</kbd>
        </dd>
        <dt>Close a dialog or drawer</dt>
        <dd>
          <kbd>Esc</kbd>
        </dd>
        <dt>Skip the menu</dt>
        <dd>
          <kbd>Tab</kbd> <span className="kbd-then">once, then</span> <kbd>Enter</kbd>
        </dd>
        <dt>This list</dt>
        <dd>
          <kbd>?</kbd>
        </dd>
      </dl>
    </Dialog>
  );
}
