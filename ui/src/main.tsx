import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Session, setCsrf } from './api.ts';
import { lang, loadLanguage, setLanguage, siteTimeZone, t, type Key } from './i18n.ts';
import { Access } from './pages/Access.tsx';
import { Cameras } from './pages/Cameras.tsx';
import { Emergency } from './pages/Emergency.tsx';
import { Account, AccountSetup } from './pages/Account.tsx';
import { lazyPage } from './lazy-page.tsx';
import { AlarmPopup } from './components/AlarmPopup.tsx';
import { HealthBanner } from './components/HealthBanner.tsx';
import { AlarmSound } from './components/AlarmSound.tsx';
import { ScenarioBanner } from './components/ScenarioBanner.tsx';
import { attend } from './alarm-attention.ts';
import { alarmText, Alarms } from './pages/Alarms.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { Environment } from './pages/Environment.tsx';
import { Events } from './pages/Events.tsx';
import { Login } from './pages/Login.tsx';
import { Shift } from './pages/Shift.tsx';
import { useSignal } from './signal.ts';
import { alarms, liveConnected, session, startLive, stopLiveFeed } from './state.ts';

const People = lazyPage(() => import('./pages/People.tsx').then((m) => m.People));
const Install = lazyPage(() => import('./pages/Install.tsx').then((m) => m.Install));
const Maps = lazyPage(() => import('./pages/Maps.tsx').then((m) => m.Maps));
const Zones = lazyPage(() => import('./pages/Zones.tsx').then((m) => m.Zones));
const Admin = lazyPage(() => import('./pages/Admin.tsx').then((m) => m.Admin));
const Audit = lazyPage(() => import('./pages/Audit.tsx').then((m) => m.Audit));
const Uplink = lazyPage(() => import('./pages/Uplink.tsx').then((m) => m.Uplink));

const pages = {
  dashboard: Dashboard,
  alarms: Alarms,
  shift: Shift,
  maps: Maps,
  zones: Zones,
  access: Access,
  people: People,
  install: Install,
  cameras: Cameras,
  emergency: Emergency,
  environment: Environment,
  events: Events,
  uplink: Uplink,
  admin: Admin,
  auditor: Audit,
  account: Account,
} as const;
type Page = keyof typeof pages;

/** The pages a role works in; the API decides what each may read, this only spares dead links. */
function pagesFor(role: string): Page[] {
  if (role === 'auditor') return ['auditor', 'account'];
  return (Object.keys(pages) as Page[]).filter(
    (p) =>
      p !== 'auditor' &&
      (p !== 'admin' || role === 'admin') &&
      (p !== 'shift' || role === 'guard' || role === 'admin') &&
      (p !== 'people' || role === 'guard' || role === 'admin') &&
      (p !== 'install' || role === 'installer'),
  );
}

function useRoute(allowed: Page[]): Page {
  // The whole hash is state, so sub-routes (#/cameras/cam-1) re-render too.
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const page = (hash.replace(/^#\/?/, '').split('/')[0] || allowed[0]) as Page;
  return allowed.includes(page) ? page : allowed[0]!;
}

/**
 * Open alarms on every page: unacknowledged ones first; an acknowledged alarm whose condition is
 * still active stays, marked as such, until it clears.
 */
function AlarmBanner() {
  const all = useSignal(alarms);
  const unacked = all.filter((a) => !a.ackedAt);
  const stillActive = all.filter((a) => a.ackedAt && a.active);
  const list = unacked.length ? unacked : stillActive;
  if (!list.length) return null;
  const worst = list.some((a) => a.severity === 'critical')
    ? 'critical'
    : list.some((a) => a.severity === 'major')
      ? 'major'
      : 'warning';
  return (
    <a href="#/alarms" class="banner-link">
      <div
        class={`banner ${worst}${unacked.length ? '' : ' acked'}`}
        role="alert"
        data-testid="alarm-banner"
        data-severity={worst}
      >
        <strong>
          {worst === 'critical' ? '⚠ ' : ''}
          {unacked.length ? `${unacked.length} ${t('alarmBanner')}` : `${stillActive.length} ${t('ackedStillActive')}`}
        </strong>
        <span>{alarmText(list[0]!)}</span>
      </div>
    </a>
  );
}

function Shell({ s }: { s: Session }) {
  const allowed = pagesFor(s.role);
  const page = useRoute(allowed);
  const connected = useSignal(liveConnected);
  useEffect(() => {
    if (s.role === 'auditor') return undefined;
    startLive();
    // What is open now is the starting point: later alarms are the new ones.
    attend(alarms.value, alarmText);
    const stopAttending = alarms.subscribe((list) => attend(list, alarmText));
    return () => {
      stopAttending();
      stopLiveFeed();
    };
  }, []);
  const logout = async () => {
    await api('DELETE', '/api/session').catch(() => {});
    stopLiveFeed();
    session.value = null;
  };
  const Page = pages[page];
  // On a phone the menu folds away; it closes again once a page is chosen.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [page]);
  return (
    <>
      <header class={menuOpen ? 'menu-open' : ''}>
        <h1>{t('title')}</h1>
        <button
          type="button"
          class="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
          data-testid="menu-toggle"
        >
          ☰ {t('menu')}
        </button>
        <nav id="main-nav">
          {allowed.map((p) => (
            <a
              href={`#/${p}`}
              class={p === page ? 'active' : ''}
              aria-current={p === page ? 'page' : undefined}
              onClick={() => setMenuOpen(false)}
            >
              {t(p as Key)}
            </a>
          ))}
        </nav>
        <div class="who">
          <AlarmSound />
          <span class={`pill ${connected ? 'online' : 'offline'}`} data-testid="live-state">
            {connected ? t('live') : t('disconnected')}
          </span>
          <span>
            {s.username} ({t(`role_${s.role}` as Key)})
          </span>
          <button
            type="button"
            onClick={() => void setLanguage(lang.value === 'en' ? 'zh-CN' : 'en')}
            data-testid="lang-toggle"
          >
            {lang.value === 'en' ? '中文' : 'EN'}
          </button>
          <button type="button" onClick={logout}>
            {t('logout')}
          </button>
        </div>
      </header>
      <HealthBanner />
      <ScenarioBanner />
      <AlarmBanner />
      <AlarmPopup />
      <main>
        <Page />
      </main>
    </>
  );
}

function App() {
  const s = useSignal(session);
  useSignal(lang);
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    api<Session>('GET', '/api/session')
      .then((cur) => {
        setCsrf(cur.csrf);
        session.value = cur;
      })
      .catch(() => {})
      .finally(() => setChecked(true));
  }, []);
  if (!checked) return null;
  if (!s) return <Login />;
  return s.setup?.length ? <AccountSetup s={s} /> : <Shell s={s} />;
}

// Every way in (login, account setup, a reload) sets the session: it carries the school's time zone.
session.subscribe((cur) => {
  if (cur?.timeZone) siteTimeZone.value = cur.timeZone;
});
document.documentElement.lang = lang.value;
// A console left in English starts in English, not with a flash of Chinese.
await loadLanguage(lang.value);
render(<App />, document.getElementById('app')!);
