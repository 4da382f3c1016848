import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { fmtTime, type Key, t } from '../i18n.ts';

interface User { username: string; role: string; createdAt: number; disabled: boolean }

const ROLES = ['viewer', 'guard', 'admin', 'installer', 'auditor'] as const;

/** Console users: for admins only (the API enforces it too). The audit is the auditor's (Audit.tsx). */
export function Admin() {
  const [users, setUsers] = useState<User[]>([]);
  const [form, setForm] = useState({ username: '', role: 'guard', password: '' });
  const [message, setMessage] = useState<string | null>(null);
  const load = async () => {
    setUsers(await api<User[]>('GET', '/api/users'));
  };
  useEffect(() => { void load().catch((e) => setMessage(e instanceof ApiError && e.status === 403 ? t('forbidden') : (e as Error).message)); }, []);
  const run = async (fn: () => Promise<unknown>) => {
    setMessage(null);
    try { await fn(); await load(); } catch (e) { setMessage((e as Error).message); }
  };
  const add = (e: Event) => {
    e.preventDefault();
    void run(async () => { await api('POST', '/api/users', form); setForm({ ...form, username: '', password: '' }); });
  };
  return (
    <>
      <h2>{t('users')}</h2>
      {message && <div class="error" role="alert">{message}</div>}
      <form class="toolbar" onSubmit={add} data-testid="user-form">
        <input placeholder={t('username')} value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} required />
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>{ROLES.map((r) => <option value={r}>{t(`role_${r}`)}</option>)}</select>
        <input type="password" autocomplete="new-password" placeholder={t('password')} value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} required minLength={10} />
        <button class="primary" type="submit">{t('addUser')}</button>
      </form>
      <table data-testid="user-table">
        <thead><tr><th>{t('username')}</th><th>{t('role')}</th><th>{t('created')}</th><th>{t('state')}</th><th /></tr></thead>
        <tbody>{users.map((u) => (
          <tr data-user={u.username}><td>{u.username}</td><td>{t(`role_${u.role}` as Key)}</td><td>{fmtTime(u.createdAt)}</td>
            <td>{u.disabled ? t('disabled') : t('enabled')}</td>
            <td><button onClick={() => run(() => api('PUT', `/api/users/${encodeURIComponent(u.username)}/disabled`, { disabled: !u.disabled }))}>{u.disabled ? t('enable') : t('disable')}</button></td></tr>
        ))}</tbody>
      </table>
    </>
  );
}
