// The Electron shell's URL policy (electron/core/external-url.ts): which URLs may open in the system
// browser, and which URLs count as the app itself. Tricky inputs in the spirit of Actual's
// navigation-security and trusted-url tests: every decision must come from a parsed URL.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL, GATEWAY_HOSTS, isAllowedExternalUrl, isAppUrl, type ExternalUrlPolicy } from '../../electron/core/external-url';

// electron/security.ts applies this policy; it is loaded below with a fake `shell` and `app` (only Electron is faked).
const fake = vi.hoisted(() => ({ opened: [] as string[], app: null as null | EventEmitter }));
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  fake.app = new Emitter();
  return {
    app: fake.app,
    shell: {
      openExternal: (url: string) => {
        fake.opened.push(url);
        return Promise.resolve();
      },
    },
  };
});
const { installSecurityPolicy } = await import('../../electron/security');

const SANDBOX_PORT = 41234;
/** a payment link Paydesk made on a merchant's own domain (a gateway may serve links from one) */
const STORED_LINK = 'https://pay.shop.example/b/test_9AQ5kX#fidkdWx';
const policy: ExternalUrlPolicy = {
  sandboxPort: SANDBOX_PORT,
  ownerHosts: ['docs.shop.example'],
  isPaydeskLink: (url) => url === STORED_LINK,
};

describe('isAllowedExternalUrl', () => {
  it.each([
    ...GATEWAY_HOSTS.map((h) => `https://${h}/`),
    'https://dashboard.stripe.com/test/payments/pi_123',
    'https://checkout.stripe.com/c/pay/cs_test_a1#fidkdWxOYHwnPyd1blpxYHZxWjA0',
    'https://buy.stripe.com/test_9AQ5kX',
    'https://rzp.io/i/abc123',
    'https://DASHBOARD.Stripe.COM/settings',
    'https://docs.shop.example/returns?from=paydesk',
    STORED_LINK,
    `http://127.0.0.1:${SANDBOX_PORT}/checkout/cs_test_1`,
    `http://localhost:${SANDBOX_PORT}/razorpay/pay/plink_1`,
  ])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url, policy)).toBe(true);
  });

  it.each([
    // hosts on no list
    'https://example.invalid/?next=app://paydesk',
    'https://docs.paydesk.app/webhooks#razorpay',
    'https://evil.example/',
    // lookalikes of a listed host: only the parsed host counts, whole
    'https://stripe.com.evil.example/',
    'https://dashboard.stripe.com.evil.example/',
    'https://evil-stripe.com/',
    'https://evilstripe.com/',
    'https://stripe.co/',
    'https://rzp.io.evil.example/i/abc',
    'https://sub.docs.shop.example/',
    'https://shop.example/',
    'https://docs.shop.example.evil.example/',
    'https://stripe.com./',
    'https://evil.example/?u=https://stripe.com/',
    'https://evil.example/#dashboard.stripe.com',
    'https://evil.example/https://stripe.com',
    'https://xn--strpe-k5a.com/',
    'https://dashboard.stripe.com:8443/',
    'https://docs.shop.example:444/',
    // a stored link is matched exactly, not by its host or beginning
    'https://pay.shop.example/',
    'https://pay.shop.example/b/test_other',
    'http://pay.shop.example/b/test_9AQ5kX#fidkdWx',
    // credentials, in every spelling
    'https://user:pw@x',
    'https://stripe.com@evil.example/',
    'https://dashboard.stripe.com:pw@evil.example/',
    'https://user@dashboard.stripe.com/',
    'https://:pw@dashboard.stripe.com/',
    `http://user:pw@127.0.0.1:${SANDBOX_PORT}/`,
    // schemes that must never reach the OS
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'javascript://stripe.com/%0aalert(1)',
    'file:///etc/passwd',
    'file://host/share/x.exe',
    'file://stripe.com/x',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'blob:https://dashboard.stripe.com/1234',
    'app://paydesk/index.html',
    'smb://evil.example/share',
    'ms-msdt:/id PCWDiagnostic',
    'vbscript:msgbox(1)',
    'ftp://stripe.com/x',
    'mailto:someone@example.com',
    // plain http anywhere but the sandbox's loopback port, gateways included
    'http://dashboard.stripe.com/',
    'http://docs.shop.example/',
    'http://example.invalid/?next=app://paydesk',
    'http://127.0.0.1/',
    'http://127.0.0.1:80/',
    `http://127.0.0.1:${SANDBOX_PORT + 1}/`,
    `http://127.0.0.1.evil.example:${SANDBOX_PORT}/`,
    `http://localhost.evil.example:${SANDBOX_PORT}/`,
    `http://evil.example/?u=http://127.0.0.1:${SANDBOX_PORT}/`,
    `http://evil.example/#127.0.0.1:${SANDBOX_PORT}`,
    `http://0.0.0.0:${SANDBOX_PORT}/`,
    `http://[::1]:${SANDBOX_PORT}/`,
    `http://192.168.1.10:${SANDBOX_PORT}/`,
    `https://127.0.0.1:${SANDBOX_PORT}/`,
    // not URLs at all
    '',
    'dashboard.stripe.com',
    '//dashboard.stripe.com',
    '/relative/path',
    'https://',
  ])('refuses %j', (url) => {
    expect(isAllowedExternalUrl(url, policy)).toBe(false);
  });

  it('an owner-added host is allowed only while it is on the list', () => {
    const url = 'https://docs.shop.example/returns';
    expect(isAllowedExternalUrl(url, { ownerHosts: ['docs.shop.example'] })).toBe(true);
    expect(isAllowedExternalUrl(url, { ownerHosts: [] })).toBe(false);
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('a link check that cannot answer refuses (the store is closing)', () => {
    const failing: ExternalUrlPolicy = {
      isPaydeskLink: () => {
        throw new Error('The database connection is not open');
      },
    };
    expect(isAllowedExternalUrl(STORED_LINK, failing)).toBe(false);
    expect(isAllowedExternalUrl('https://checkout.stripe.com/c/pay/cs_1', failing)).toBe(true);
  });

  it('refuses loopback http when the sandbox is off or its port is unknown', () => {
    const url = `http://127.0.0.1:${SANDBOX_PORT}/checkout`;
    expect(isAllowedExternalUrl(url)).toBe(false);
    expect(isAllowedExternalUrl(url, { sandboxPort: null })).toBe(false);
    expect(isAllowedExternalUrl(url, { sandboxPort: 0 })).toBe(false);
    expect(isAllowedExternalUrl(url, { sandboxPort: Number.NaN })).toBe(false);
  });

  it('refuses non-strings and absurdly long input', () => {
    for (const v of [undefined, null, 42, {}, ['https://stripe.com'], new URL('https://stripe.com')]) {
      expect(isAllowedExternalUrl(v, policy)).toBe(false);
    }
    expect(isAllowedExternalUrl(`https://stripe.com/${'a'.repeat(10_000)}`, policy)).toBe(false);
  });

  it('lists only exact, lower-case hostnames', () => {
    for (const h of GATEWAY_HOSTS) expect(new URL(`https://${h}/`).hostname).toBe(h);
  });
});

describe('isAppUrl', () => {
  it.each([APP_ENTRY_URL, 'app://paydesk/', 'app://paydesk/index.html#/settings/accounts'])('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });

  it.each([
    'app://paydesk.evil.example/index.html',
    'app://evil.example/?paydesk',
    'app://evil@paydesk/index.html',
    'app://paydesk:8080/index.html',
    'app://paydesk@evil.example/index.html',
    'https://paydesk/index.html',
    'http://example.invalid/?next=app://paydesk',
    'file:///app/paydesk/index.html',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'chrome-error://chromewebdata/',
    '',
  ])('refuses %j', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('security.ts applies the policy to every webContents', () => {
  type Handler = (...args: unknown[]) => unknown;
  class FakeWebContents extends EventEmitter {
    windowOpen: Handler | null = null;
    setWindowOpenHandler(h: Handler): void {
      this.windowOpen = h;
    }
  }
  const session = {
    request: null as Handler | null,
    check: null as Handler | null,
    device: null as Handler | null,
    setPermissionRequestHandler(h: Handler) {
      this.request = h;
    },
    setPermissionCheckHandler(h: Handler) {
      this.check = h;
    },
    setDevicePermissionHandler(h: Handler) {
      this.device = h;
    },
  };
  const logs: string[] = [];
  const hosts = { current: ['docs.shop.example'] as readonly string[] };
  installSecurityPolicy(session as never, { externalPolicy: () => ({ ...policy, ownerHosts: hosts.current }), log: (_l, m) => logs.push(m) });
  const contents = new FakeWebContents();
  fake.app!.emit('web-contents-created', {}, contents);

  const navigate = (name: string, url: string, isMainFrame = true) => {
    const event = {
      url,
      isMainFrame,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    contents.emit(name, event);
    return event.defaultPrevented;
  };

  beforeEach(() => {
    fake.opened.length = 0;
  });

  it('lets the app navigate within app://paydesk', () => {
    expect(navigate('will-navigate', 'app://paydesk/index.html#/payments')).toBe(false);
    expect(navigate('will-redirect', 'app://paydesk/index.html')).toBe(false);
    expect(fake.opened).toEqual([]);
  });

  it('keeps the app page: an allowed link opens in the system browser instead', () => {
    expect(navigate('will-navigate', 'https://dashboard.stripe.com/test/payments')).toBe(true);
    expect(navigate('will-navigate', `http://127.0.0.1:${SANDBOX_PORT}/checkout/1`)).toBe(true);
    expect(fake.opened).toEqual(['https://dashboard.stripe.com/test/payments', `http://127.0.0.1:${SANDBOX_PORT}/checkout/1`]);
  });

  it.each(['http://example.invalid/?next=app://paydesk', 'https://evil.example/', 'https://stripe.com.evil.example/', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@x', 'app://evil/'])(
    'blocks %j and opens nothing',
    (url) => {
      expect(navigate('will-navigate', url)).toBe(true);
      expect(navigate('will-redirect', url)).toBe(true);
      expect(navigate('will-frame-navigate', url, false)).toBe(true);
      expect(fake.opened).toEqual([]);
    },
  );

  it('denies every window.open, opening only allowed URLs externally', () => {
    expect(contents.windowOpen!({ url: 'https://rzp.io/i/abc', disposition: 'foreground-tab' })).toEqual({ action: 'deny' });
    expect(contents.windowOpen!({ url: STORED_LINK, disposition: 'foreground-tab' })).toEqual({ action: 'deny' });
    expect(contents.windowOpen!({ url: 'https://evil.example/', disposition: 'foreground-tab' })).toEqual({ action: 'deny' });
    expect(contents.windowOpen!({ url: 'javascript:alert(1)', disposition: 'new-window' })).toEqual({ action: 'deny' });
    expect(contents.windowOpen!({ url: 'app://paydesk/index.html', disposition: 'new-window' })).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://rzp.io/i/abc', STORED_LINK]);
  });

  it('reads the policy on every decision: a host an owner removes stops opening at once', () => {
    const url = 'https://docs.shop.example/returns';
    contents.windowOpen!({ url, disposition: 'foreground-tab' });
    hosts.current = [];
    contents.windowOpen!({ url, disposition: 'foreground-tab' });
    hosts.current = ['docs.shop.example'];
    expect(fake.opened).toEqual([url]);
  });

  it('never attaches a <webview>', () => {
    expect(navigate('will-attach-webview', 'app://paydesk/index.html')).toBe(true);
  });

  it('denies every permission request and check', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      let granted: unknown = 'unanswered';
      session.request!({}, permission, (g: boolean) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(session.check!({}, permission, 'app://paydesk', {})).toBe(false);
    }
    expect(session.device!({ deviceType: 'usb' })).toBe(false);
  });
});
