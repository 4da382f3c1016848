import { useState } from 'preact/hooks';
import { api, ApiError, type Session, setCsrf } from '../api.ts';
import { lang, setLanguage, t } from '../i18n.ts';
import { session } from '../state.ts';

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await api<Session>('POST', '/api/session', { username, password, ...(needCode ? { code } : {}) });
      setCsrf(s.csrf);
      session.value = s;
    } catch (err) {
      const key = err instanceof ApiError ? err.code : undefined;
      if (key === 'auth.totp-required') {
        setNeedCode(true);
        setError(needCode ? t('loginFailed') : null);
        return;
      }
      setError(
        err instanceof ApiError && err.status === 429
          ? t('tooMany')
          : key === 'auth.locked'
            ? t('accountLocked')
            : t('loginFailed'),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="login" onSubmit={submit}>
      <h2>{t('title')}</h2>
      <label for="username">{t('username')}</label>
      <input
        id="username"
        name="username"
        autocomplete="username"
        value={username}
        onInput={(e) => setUsername(e.currentTarget.value)}
        required
      />
      <label for="password">{t('password')}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="current-password"
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
        required
      />
      {needCode && (
        <>
          <label for="code">{t('totpCode')}</label>
          <input
            id="code"
            name="code"
            autocomplete="one-time-code"
            inputMode="numeric"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
            required
            minLength={6}
            maxLength={16}
          />
        </>
      )}
      <div style="margin-top:16px;display:flex;justify-content:space-between;align-items:center">
        <button class="primary" type="submit" disabled={busy}>
          {t('login')}
        </button>
        <button type="button" class="link" onClick={() => void setLanguage(lang.value === 'en' ? 'zh-CN' : 'en')}>
          {lang.value === 'en' ? '中文' : 'English'}
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
