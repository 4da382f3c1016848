import { useEffect, useState } from 'preact/hooks';
import { api, type Session, setCsrf } from '../api.ts';
import { fmtTime, t } from '../i18n.ts';
import { session } from '../state.ts';

interface SessionInfo {
  id: string;
  createdAt: number;
  lastSeen: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** Changing one's password; shown alone while the account must have a new one. */
export function PasswordForm({ onDone }: { onDone?: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const s = await api<Session>('PUT', '/api/session/password', { current, next });
      setCurrent('');
      setNext('');
      setMessage({ ok: true, text: t('passwordChanged') });
      session.value = s;
      onDone?.();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <form class="toolbar" onSubmit={submit} data-testid="password-form">
      <input
        type="password"
        autocomplete="current-password"
        placeholder={t('currentPassword')}
        value={current}
        onInput={(e) => setCurrent(e.currentTarget.value)}
        required
      />
      <input
        type="password"
        autocomplete="new-password"
        placeholder={t('newPassword')}
        value={next}
        onInput={(e) => setNext(e.currentTarget.value)}
        required
        minLength={10}
        title={t('passwordRules')}
      />
      <button class="primary" type="submit">
        {t('changePassword')}
      </button>
      <span class="muted">{t('passwordRules')}</span>
      {message && (
        <div class={message.ok ? 'muted' : 'error'} role="alert">
          {message.text}
        </div>
      )}
    </form>
  );
}

/** Enrolling an authenticator app: a QR code to scan, a code to confirm, recovery codes shown once. */
export function TotpEnrol() {
  const [offer, setOffer] = useState<{ secret: string; qrSvg: string } | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setError(null);
    setOffer(await api('POST', '/api/session/totp'));
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api<{ recoveryCodes: string[]; session: Session }>('PUT', '/api/session/totp', { code });
      setCodes(r.recoveryCodes);
      setOffer(null);
      // Kept until the codes are written down; the console opens on "done".
      pendingSession = r.session;
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (codes) {
    return (
      <div data-testid="recovery-codes">
        <p>{t('recoveryCodes')}</p>
        <pre class="data">{codes.join('\n')}</pre>
        <button
          type="button"
          class="primary"
          onClick={() => {
            if (pendingSession) session.value = pendingSession;
          }}
        >
          {t('finished')}
        </button>
      </div>
    );
  }
  if (!offer)
    return (
      <button
        type="button"
        class="primary"
        onClick={() => void start().catch((e) => setError((e as Error).message))}
        data-testid="totp-start"
      >
        {t('enrolTotp')}
      </button>
    );
  return (
    <form onSubmit={confirm} data-testid="totp-form">
      {/* The server makes the SVG from the otpauth URI; it holds no script (and the CSP runs none). */}
      <div class="qr" dangerouslySetInnerHTML={{ __html: offer.qrSvg }} style="width:200px" />
      <div class="muted" data-testid="totp-secret">
        {offer.secret}
      </div>
      <div class="toolbar">
        <input
          autocomplete="one-time-code"
          inputMode="numeric"
          pattern="\d{6}"
          placeholder={t('totpCode')}
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
          required
        />
        <button class="primary" type="submit">
          {t('confirm')}
        </button>
      </div>
      {error && (
        <div class="error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
let pendingSession: Session | null = null;

/** What a session owes before the console opens: a new password, a second factor. */
export function AccountSetup({ s }: { s: Session }) {
  return (
    <main class="login" style="max-width:560px">
      <h2>
        {t('account')} · {s.username}
      </h2>
      {s.setup[0] === 'password' ? (
        <>
          <p>{t('mustChangePassword')}</p>
          <PasswordForm />
        </>
      ) : (
        <>
          <p>{t('mustEnrolTotp')}</p>
          <TotpEnrol />
        </>
      )}
    </main>
  );
}

/** One's own account: password, second factor, the sessions open now and an end to all of them. */
export function Account() {
  const [list, setList] = useState<SessionInfo[]>([]);
  const load = () => api<SessionInfo[]>('GET', '/api/session/list').then(setList);
  useEffect(() => {
    void load();
  }, []);
  const everywhere = async () => {
    await api('POST', '/api/session/logout-everywhere');
    setCsrf('');
    session.value = null;
  };
  return (
    <>
      <h2>{t('changePassword')}</h2>
      <PasswordForm onDone={() => void load()} />
      <h2>{t('twoFactor')}</h2>
      <TotpEnrol />
      <h2>{t('sessions')}</h2>
      <table data-testid="session-table">
        <thead>
          <tr>
            <th>{t('since')}</th>
            <th>{t('lastSeen2')}</th>
            <th>{t('address')}</th>
            <th>{t('browser')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((x) => (
            <tr>
              <td>{fmtTime(x.createdAt)}</td>
              <td>{fmtTime(x.lastSeen)}</td>
              <td>{x.ip ?? '—'}</td>
              <td>{x.userAgent ?? '—'}</td>
              <td>{x.current ? t('thisSession') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => void everywhere()} data-testid="logout-everywhere">
        {t('logoutEverywhere')}
      </button>
    </>
  );
}
