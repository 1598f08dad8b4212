// The page's entry, small on purpose: it is downloaded and run before anything else, so the page's first
// requests leave while the browser is still fetching and compiling React, the shell and the screen (on a
// cold load, a few hundred milliseconds). It sends them (first-requests.ts: the shell's, then the screen's
// once the account list says which mode is shown), then starts the shell (start.tsx) and the screen's code,
// which claim the answers.
import { adoptLaunchToken } from './api/http';
import { pickTransport } from './api/transport';
import { FIRST_ASKS } from './first-data';
import { askEarly } from './first-requests';
import { parseHash } from './router';
import { SCREEN_CODE } from './screen-code';
import './styles.css';

// Browser mode opens with ?token=<per-launch token>: keep it for this tab and drop it from the address bar.
adoptLaunchToken();

const transport = pickTransport();
const screen = parseHash(window.location.hash).screen;
void askEarly(transport, 'system.info', {});
const firstAsked = askEarly(transport, 'accounts.list', {}).then(
  (accounts) => {
    for (const [method, input] of FIRST_ASKS[screen]?.(accounts) ?? []) void askEarly(transport, method, input as never);
  },
  () => {}, // the shell shows why when it asks
);

function startShell(): void {
  // errors surface when the screen renders
  SCREEN_CODE[screen]().catch(() => {});
  import('./start').then(
    (m) => m.start(transport),
    () => {
      // the shell's code is gone (the host was restarted with another build) or unreachable
      const root = document.getElementById('root');
      if (root) root.textContent = 'Paydesk could not load. Reload the page, or open it again from the link Paydesk printed.';
    },
  );
}

// The shell's code (already downloading: index.html preloads it) runs once the account list's answer has
// sent the screen's first data request. Its evaluation holds the page's one thread for ~40 ms; run the
// moment it arrives, it would usually hold that answer, and so the request that needs it. A slow engine
// must not leave the window blank: the shell starts after SHELL_WAIT_MS at the latest and says Paydesk is
// opening. Either way the entry's handler of the answer runs before the shell's (it was attached first),
// so the shell claims the screen's requests rather than sending them twice.
const SHELL_WAIT_MS = 400;
void Promise.race([firstAsked, new Promise((resolve) => setTimeout(resolve, SHELL_WAIT_MS))]).then(startShell);
