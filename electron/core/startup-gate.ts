// When core's deferrable start-up work begins: verifying the embedded sandbox's accounts, pointing the
// sandbox's webhooks at this start's listener, retrying links left `creating`, and the first sync. Each
// loads a gateway SDK (100-200 ms of synchronous require) and makes HTTP calls, on the thread that also
// answers the page: run at once, they held up the first screen of a fresh desk by ~300 ms (bench:start).
// So they wait until the first screen has its data: the first calls have been answered and no call has been
// in flight for `quietMs`. A desk nobody opens starts them after `latestMs`; idle() and close() at once.
// A webhook that arrives meanwhile is taken by the listener, which starts before; one the sandbox sends to
// the previous start's address is retried by it, and the first sync catches up on anything missed.

export interface StartupGate {
  /** resolves when deferrable start-up work may begin */
  readonly opened: Promise<void>;
  /** wraps one call of the desk's API: the gate counts calls in flight */
  around<T>(call: () => Promise<T>): Promise<T>;
  /** opens the gate now */
  open(): void;
}

export interface StartupGateOptions {
  /** how long no call must be in flight, after the first answer, before the work starts */
  quietMs?: number;
  /** the latest the work starts, counted from core's start */
  latestMs?: number;
}

/**
 * Long enough to span the page's own pause between the account list's answer and its screen's request: the
 * browser is compiling and running the shell then (~100-300 ms on a cold load), and at 150 ms the work often
 * began in between and held up the screen's data (bench:start).
 */
export const STARTUP_QUIET_MS = 400;
export const STARTUP_LATEST_MS = 2_000;

export function createStartupGate(opts: StartupGateOptions = {}): StartupGate {
  const quietMs = opts.quietMs ?? STARTUP_QUIET_MS;
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  let isOpen = false;
  let inFlight = 0;
  let quiet: NodeJS.Timeout | null = null;
  const latest = setTimeout(() => open(), opts.latestMs ?? STARTUP_LATEST_MS);
  latest.unref?.();

  function open(): void {
    if (isOpen) return;
    isOpen = true;
    clearTimeout(latest);
    if (quiet) clearTimeout(quiet);
    release();
  }

  function callEnded(): void {
    inFlight -= 1;
    if (isOpen || inFlight > 0) return;
    if (quiet) clearTimeout(quiet);
    quiet = setTimeout(() => (inFlight === 0 ? open() : undefined), quietMs);
    quiet.unref?.();
  }

  async function counted<T>(call: () => Promise<T>): Promise<T> {
    inFlight += 1;
    if (quiet) clearTimeout(quiet);
    try {
      return await call();
    } finally {
      callEnded();
    }
  }

  return {
    opened,
    open,
    // once open, for the rest of the desk's life, a call goes straight through: no extra promise per call
    around: (call) => (isOpen ? call() : counted(call)),
  };
}
