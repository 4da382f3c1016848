import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { fmtTime, t } from '../i18n.ts';

interface User {
  username: string;
  role: string;
  createdAt: number;
  disabled: boolean;
  lockedUntil: number | null;
  twoFactor: boolean;
  mustChange: boolean;
}

const ROLES = ['viewer', 'guard', 'admin', 'installer', 'auditor'] as const;

/** Console users: for admins only (the API enforces it too). The audit is the auditor's (Audit.tsx). */
export function Admin() {
  const [users, setUsers] = useState<User[]>([]);
  const [form, setForm] = useState({ username: '', role: 'guard', password: '' });
  const [message, setMessage] = useState<string | null>(null);
  const [oneTime, setOneTime] = useState<{ username: string; password: string } | null>(null);
  const load = async () => {
    setUsers(await api<User[]>('GET', '/api/users'));
  };
  useEffect(() => {
    void load().catch((e) =>
      setMessage(e instanceof ApiError && e.status === 403 ? t('forbidden') : (e as Error).message),
    );
  }, []);
  const run = async (fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  const add = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', '/api/users', form);
      setForm({ ...form, username: '', password: '' });
    });
  };
  return (
    <>
      <h2>{t('users')}</h2>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      <form class="toolbar" onSubmit={add} data-testid="user-form">
        <input
          placeholder={t('username')}
          value={form.username}
          onInput={(e) => setForm({ ...form, username: e.currentTarget.value })}
          required
        />
        <select
          value={form.role}
          aria-label={t('role')}
          onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}
        >
          {ROLES.map((r) => (
            <option value={r}>{t(`role_${r}`)}</option>
          ))}
        </select>
        <input
          type="password"
          autocomplete="new-password"
          placeholder={t('password')}
          value={form.password}
          onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
          required
          minLength={10}
        />
        <button class="primary" type="submit">
          {t('addUser')}
        </button>
      </form>
      {oneTime && (
        <div class="banner warning" role="status" data-testid="one-time-password">
          {t('oneTimePassword')}: <strong>{oneTime.username}</strong> <code>{oneTime.password}</code>
        </div>
      )}
      <table data-testid="user-table">
        <thead>
          <tr>
            <th>{t('username')}</th>
            <th>{t('role')}</th>
            <th>{t('created')}</th>
            <th>{t('state')}</th>
            <th>{t('twoFactor')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const path = `/api/users/${encodeURIComponent(u.username)}`;
            const reset = () =>
              run(async () => {
                const r = await api<{ result: { password: string } }>('POST', `${path}/reset`);
                setOneTime({ username: u.username, password: r.result.password });
              });
            return (
              <tr data-user={u.username}>
                <td>{u.username}</td>
                <td>
                  <select
                    aria-label={`${t('role')}: ${u.username}`}
                    value={u.role}
                    onChange={(e) => run(() => api('PUT', `${path}/role`, { role: e.currentTarget.value }))}
                  >
                    {ROLES.map((r) => (
                      <option value={r}>{t(`role_${r}`)}</option>
                    ))}
                  </select>
                </td>
                <td>{fmtTime(u.createdAt)}</td>
                <td>
                  {u.disabled
                    ? t('disabled')
                    : u.lockedUntil
                      ? `${t('locked')} → ${fmtTime(u.lockedUntil)}`
                      : t('enabled')}
                  {u.mustChange ? ` · ${t('mustChange')}` : ''}
                </td>
                <td>{u.twoFactor ? '✓' : '—'}</td>
                <td class="toolbar">
                  <button
                    type="button"
                    onClick={() => run(() => api('PUT', `${path}/disabled`, { disabled: !u.disabled }))}
                  >
                    {u.disabled ? t('enable') : t('disable')}
                  </button>
                  {u.lockedUntil && (
                    <button type="button" onClick={() => run(() => api('POST', `${path}/unlock`))} data-testid="unlock">
                      {t('unlock')}
                    </button>
                  )}
                  <button type="button" onClick={reset}>
                    {t('resetPassword')}
                  </button>
                  {u.twoFactor && (
                    <button type="button" onClick={() => run(() => api('DELETE', `${path}/totp`))}>
                      {t('reset2fa')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
